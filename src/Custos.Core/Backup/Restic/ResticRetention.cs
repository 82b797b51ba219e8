namespace Custos.Core.Backup.Restic;

/// <summary>How many daily, weekly and monthly snapshots <c>forget</c> keeps; restic counts them by snapshot time.</summary>
public sealed record ResticRetention(int KeepDaily, int KeepWeekly, int KeepMonthly);
