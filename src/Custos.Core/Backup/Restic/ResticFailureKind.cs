namespace Custos.Core.Backup.Restic;

/// <summary>What went wrong in a restic run, as far as an operator needs to tell the cases apart.</summary>
public enum ResticFailureKind
{
    WrongPassword,
    NotInitialized,
    AlreadyInitialized,
    Unreachable,
    Locked,
    NoSpace,
    NotFound,
    Failed,
    /// <summary>restic died from a signal Custos did not send (the OOM killer, an administrator).</summary>
    Killed,
}
