namespace Custos.Core.Sluice.Antivirus;

// The contract between the sluice pipeline and the virus scanner.

public enum ScanOutcome
{
    Clean,
    Infected,

    /// <summary>The scanner did not look at all of it (a size or recursion limit): never clean.</summary>
    LimitExceeded,

    /// <summary>The scanner could not be reached or did not answer in time: the file stays in quarantine and is retried.</summary>
    Unavailable,
}

/// <summary>
/// A scan's result. <paramref name="Engine"/> is the engine and signature database version as the scanner reports it
/// (clamd: "ClamAV 1.0.7/27000/Thu Nov 26 08:00:00 2026"), recorded with every verdict.
/// </summary>
public sealed record ScanResult(ScanOutcome Outcome, string? Signature, string? Engine, string Detail);

public interface IAntivirus
{
    /// <summary>Streams <paramref name="content"/> to the scanner (never whole into memory) and returns its answer.</summary>
    Task<ScanResult> ScanAsync(Stream content, CancellationToken ct = default);

    /// <summary>Engine and signature versions, or null when the scanner is unavailable.</summary>
    Task<string?> VersionAsync(CancellationToken ct = default);
}
