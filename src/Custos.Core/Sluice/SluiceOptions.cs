using Custos.Core.Sluice.Antivirus;
using Custos.Core.Sluice.Disarm;
using Custos.Core.Sluice.Inspection;

namespace Custos.Core.Sluice;

/// <summary>The server's sluice settings; tenants narrow them with a <see cref="SluicePolicy"/>.</summary>
public sealed record SluiceOptions
{
    /// <summary>Where plaintext is decrypted for checking and disarming (owner-only; emptied at start).</summary>
    public required string WorkDirectory { get; init; }

    public ClamdOptions Clamd { get; init; } = new();
    public DisarmOptions Disarm { get; init; } = new();
    public InspectionLimits Limits { get; init; } = new();

    /// <summary>How long an upload waits for its verdict before it answers "in quarantine" (the checks go on).</summary>
    public TimeSpan InlineWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Release policy of tenants that have none of their own.</summary>
    public SluiceRelease DefaultRelease { get; init; } = SluiceRelease.Disarmed;

    /// <summary>Files checked at once (each may run a converter).</summary>
    public int Concurrency { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>The wait before a file whose scan could not run (scanner down) is tried again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one processor may hold a file before another may take it over (a crashed process).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(30);
}
