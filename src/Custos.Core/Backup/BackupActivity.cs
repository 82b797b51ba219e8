using Custos.Core.Backup.Restic;

namespace Custos.Core.Backup;

public enum BackupPhase
{
    Preparing,
    Uploading,
    Journal,
    Pruning,
    Verifying,
    Restoring,
    Checking,
}

/// <summary>Where a running piece of backup work is: shown by the CLI's progress line and the backup page.</summary>
public sealed record BackupProgress(Guid RunId, string Target, BackupRunKind Kind, BackupPhase Phase, ResticProgress? Restic);

/// <summary>What this node is doing right now, for the backup page (one run at a time: <see cref="BackupRunLock"/>).</summary>
public sealed class BackupActivity
{
    private volatile BackupProgress? current;

    public BackupProgress? Current => current;

    internal IProgress<BackupProgress> Track(IProgress<BackupProgress>? caller) => new Tracker(this, caller);

    internal void Done() => current = null;

    private sealed class Tracker(BackupActivity activity, IProgress<BackupProgress>? caller) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value)
        {
            activity.current = value;
            caller?.Report(value);
        }
    }
}
