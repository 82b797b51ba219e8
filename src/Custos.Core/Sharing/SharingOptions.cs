namespace Custos.Core.Sharing;

/// <summary>The server-wide defaults of share links; a tenant's <see cref="SharePolicy"/> may narrow them.</summary>
public sealed record SharingOptions
{
    /// <summary>Expiry of a new link unless the sender picks another (TOM 7.3).</summary>
    public int DefaultExpiryDays { get; init; } = 7;
    /// <summary>No link lives longer than this, counted from its creation.</summary>
    public int MaxExpiryDays { get; init; } = 30;
    /// <summary>Wrong passwords after which a link locks for good.</summary>
    public int LockAfterWrongPasswords { get; init; } = 10;
    /// <summary>Password attempts per link and per client address within <see cref="AttemptWindow"/>.</summary>
    public int AttemptsPerLink { get; init; } = 5;
    public int AttemptsPerAddress { get; init; } = 20;
    public TimeSpan AttemptWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Files a single link may hold (a folder share is refused above it).</summary>
    public int MaxItems { get; init; } = 500;
    /// <summary>Where sensitive-mode packages are assembled (a PDF needs a seekable copy while it is encrypted).</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "custos-share-work");
    /// <summary>An upload request's defaults when the sender sets none.</summary>
    public int DefaultMaxFiles { get; init; } = 20;
    public long DefaultMaxBytes { get; init; } = 2L * 1024 * 1024 * 1024;
}
