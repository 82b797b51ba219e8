namespace Custos.Core.Backup.Restic;

/// <summary>A restic failure with a message for the operator: what happened and what to do; never a secret.</summary>
public sealed class ResticException(ResticFailureKind kind, string message) : Exception(message)
{
    public ResticFailureKind Kind { get; } = kind;
}
