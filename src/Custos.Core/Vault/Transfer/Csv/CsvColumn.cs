namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>A column of a CSV file, named by its header or by its 0-based position.</summary>
public sealed record CsvColumn
{
    private CsvColumn(string? header, int? index) => (Header, Index) = (header, index);

    public string? Header { get; }
    public int? Index { get; }

    /// <summary>The column with this header, matched exactly first and then ignoring case and surrounding spaces.</summary>
    public static CsvColumn Named(string header)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        return new CsvColumn(header, null);
    }

    public static CsvColumn At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new CsvColumn(null, index);
    }

    public override string ToString() => Header ?? $"column {Index + 1}";
}

/// <summary>A column kept as a custom field of every entry that has a value in it.</summary>
public sealed record CsvExtraColumn(CsvColumn Column, string FieldName, bool Secret);
