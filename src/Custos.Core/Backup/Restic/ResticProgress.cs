namespace Custos.Core.Backup.Restic;

/// <summary>One progress report of a running backup, from restic's JSON status lines.</summary>
public sealed record ResticProgress(double PercentDone, long TotalFiles, long FilesDone, long TotalBytes, long BytesDone, TimeSpan Elapsed);
