namespace Custos.Core.Backup.Restic;

/// <summary>The figures of a finished backup, from restic's JSON summary line. <see cref="DataAdded"/> is what the repository grew by.</summary>
public sealed record ResticBackupSummary(string SnapshotId, long FilesNew, long FilesChanged, long FilesUnmodified,
    long DataAdded, long TotalFiles, long TotalBytes, TimeSpan Duration);
