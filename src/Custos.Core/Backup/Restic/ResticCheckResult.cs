namespace Custos.Core.Backup.Restic;

/// <summary>
/// The outcome of <c>restic check</c>. <see cref="Scope"/> is the read-data subset ("1/7"), "full" or "structure";
/// <see cref="AffectedSnapshots"/> are the full ids of snapshots whose data or trees sit in a damaged pack.
/// </summary>
public sealed record ResticCheckResult(bool Ok, string Scope, IReadOnlyList<string> Errors,
    IReadOnlyList<string> DamagedPacks, IReadOnlyList<string> AffectedSnapshots, TimeSpan Duration);
