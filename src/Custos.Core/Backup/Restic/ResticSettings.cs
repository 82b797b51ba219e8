namespace Custos.Core.Backup.Restic;

/// <summary>
/// Machine-wide settings: which restic binary, restic's cache directory, and where password files live briefly (a
/// directory on tmpfs such as /dev/shm/… where there is one, so a password never reaches a disk).
/// </summary>
public sealed record ResticSettings(string Executable, string CacheDirectory, string SecretsDirectory);
