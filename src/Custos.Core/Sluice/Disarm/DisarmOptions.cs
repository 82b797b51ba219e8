namespace Custos.Core.Sluice.Disarm;

/// <summary>Where the converters are and how far a single file may push them.</summary>
public sealed record DisarmOptions
{
    /// <summary>The Ghostscript executable: a name looked up on PATH, or a full path.</summary>
    public string Ghostscript { get; init; } = "gs";

    /// <summary>The LibreOffice executable: a name looked up on PATH, or a full path.</summary>
    public string Soffice { get; init; } = "soffice";

    /// <summary>Resolution at which document pages are turned into pixels, 36 to 1200.</summary>
    public int Dpi { get; init; } = 150;

    /// <summary>Documents with more pages are refused rather than cut short.</summary>
    public int MaxPages { get; init; } = 500;

    /// <summary>
    /// Pixels one image may hold (all frames together) and one document page may become at <see cref="Dpi"/>:
    /// the guard against decompression bombs and absurd page sizes.
    /// </summary>
    public long MaxImagePixels { get; init; } = 100_000_000;

    /// <summary>Time for the whole disarm of one file, all converter runs together.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}
