using Custos.Core.Backup.Restic;

namespace Custos.Core.Backup;

/// <summary>Where the backup machinery works on this node, and the defaults for new targets.</summary>
public sealed record BackupOptions
{
    /// <summary>The instance's data directory: the staging folder lives inside it, so blobs can be hard-linked.</summary>
    public required string DataDirectory { get; init; }
    public string Restic { get; init; } = "restic";
    public string PgDump { get; init; } = "pg_dump";
    public string PgRestore { get; init; } = "pg_restore";
    /// <summary>The host name snapshots carry: stable across machines, so a restored instance continues the same series.</summary>
    public string Host { get; init; } = "custos";
    public const string LocalSchedule = "0 6,18 * * *";
    public const string OffsiteSchedule = "30 1 * * *";
    public static readonly ResticRetention DefaultRetention = new(14, 8, 12);
    /// <summary>A scheduled run not started this long after its time counts as missed.</summary>
    public TimeSpan MissedAfter { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A full read of every pack once this long after the last one (TOM 10.3: weekly).</summary>
    public TimeSpan FullCheckEvery { get; init; } = TimeSpan.FromDays(7);
    /// <summary>
    /// `forget --prune` runs in the first backup this long after the last one: once a day with the default schedules (prune
    /// rewrites packs and locks the repository exclusively), so the morning's snapshot also outlives the evening run.
    /// </summary>
    public TimeSpan RetentionEvery { get; init; } = TimeSpan.FromHours(20);

    public string BlobsDirectory => Path.Combine(DataDirectory, "blobs");
    public string TlsDirectory => Path.Combine(DataDirectory, "tls");
    public string KeysDirectory => Path.Combine(DataDirectory, "keys");
    public string WorkDirectory => Path.Combine(DataDirectory, "backup");
    public string StagingDirectory => Path.Combine(WorkDirectory, "staging");
    public string CacheDirectory => Path.Combine(WorkDirectory, "cache");
    public string LockFile => Path.Combine(WorkDirectory, "run.lock");

    /// <summary>Password files live for one restic call; on a memory file system where there is one.</summary>
    public string SecretsDirectory => Directory.Exists("/dev/shm") ? "/dev/shm" : Path.Combine(WorkDirectory, "tmp");

    public ResticSettings ResticSettings => new(Restic, CacheDirectory, SecretsDirectory);
}
