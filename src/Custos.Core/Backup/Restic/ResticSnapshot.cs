namespace Custos.Core.Backup.Restic;

/// <summary>A snapshot as restic lists it. <see cref="Paths"/> are the absolute source paths recorded at backup time.</summary>
public sealed record ResticSnapshot(string Id, string ShortId, DateTimeOffset Time, string Hostname, IReadOnlyList<string> Paths, IReadOnlyList<string> Tags);
