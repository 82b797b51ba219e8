// Placeholder for the restic wrapper being written on branch backup-restic; removed when it lands.
namespace Custos.Core.Backup.Restic;

public sealed record ResticLocation(string Repository, IReadOnlyList<string> Options, IReadOnlyDictionary<string, string> Environment)
{
    public string Redacted => Repository;
}

public sealed record ResticSettings(string Executable, string CacheDirectory, string SecretsDirectory);

public enum ResticFailureKind { WrongPassword, NotInitialized, AlreadyInitialized, Unreachable, Locked, NoSpace, NotFound, Failed, Killed }

public sealed class ResticException(ResticFailureKind kind, string message) : Exception(message)
{
    public ResticFailureKind Kind { get; } = kind;
}

public sealed record ResticProgress(double PercentDone, long TotalFiles, long FilesDone, long TotalBytes, long BytesDone, TimeSpan Elapsed);
public sealed record ResticBackupSummary(string SnapshotId, long FilesNew, long FilesChanged, long FilesUnmodified,
    long DataAdded, long TotalFiles, long TotalBytes, TimeSpan Duration);
public sealed record ResticSnapshot(string Id, string ShortId, DateTimeOffset Time, string Hostname, IReadOnlyList<string> Paths, IReadOnlyList<string> Tags);
public sealed record ResticRetention(int KeepDaily, int KeepWeekly, int KeepMonthly);
public sealed record ResticCheckResult(bool Ok, string Scope, IReadOnlyList<string> Errors,
    IReadOnlyList<string> DamagedPacks, IReadOnlyList<string> AffectedSnapshots, TimeSpan Duration);

public sealed class ResticRepository(ResticLocation location, string password, ResticSettings settings)
{
    public ResticLocation Location => location;
    public Task InitAsync(CancellationToken ct) => throw new NotImplementedException(password + settings);
    public Task<bool> ExistsAsync(CancellationToken ct) => throw new NotImplementedException();
    public Task<ResticBackupSummary> BackupAsync(string directory, string host, IReadOnlyList<string> tags, IProgress<ResticProgress>? progress, CancellationToken ct) => throw new NotImplementedException();
    public Task<ResticBackupSummary> BackupStdinAsync(ReadOnlyMemory<byte> content, string fileName, string host, IReadOnlyList<string> tags, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyList<ResticSnapshot>> SnapshotsAsync(string? tag, CancellationToken ct) => throw new NotImplementedException();
    public Task ForgetAsync(ResticRetention keep, string tag, CancellationToken ct) => throw new NotImplementedException();
    public Task<ResticCheckResult> CheckAsync(string? readDataSubset, bool readAllData, CancellationToken ct) => throw new NotImplementedException();
    public Task RestoreAsync(string snapshotId, string targetDirectory, IReadOnlyList<string> includes, CancellationToken ct) => throw new NotImplementedException();
    public Task<byte[]> DumpAsync(string snapshotId, string path, long maxBytes, CancellationToken ct) => throw new NotImplementedException();
    public Task UnlockStaleAsync(CancellationToken ct) => throw new NotImplementedException();
}
