namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>How much a Bitwarden import may read before it is refused with <c>bitwarden.too-large</c>.</summary>
public sealed record BitwardenReadLimits(long MaxBytes, int MaxItems)
{
    /// <summary>64 MiB and 100,000 items: far above a personal or organisation vault.</summary>
    public static BitwardenReadLimits Default { get; } = new(64L * 1024 * 1024, 100_000);
}
