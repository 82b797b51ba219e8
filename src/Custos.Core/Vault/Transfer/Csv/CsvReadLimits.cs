namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>How much a CSV import may read before it is refused with <c>csv.too-large</c>.</summary>
public sealed record CsvReadLimits(long MaxBytes, int MaxRows)
{
    /// <summary>64 MiB and 100,000 rows: far above a personal or team vault, far below what hurts the server.</summary>
    public static CsvReadLimits Default { get; } = new(64L * 1024 * 1024, 100_000);
}
