namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>How <see cref="CsvExporter"/> writes a file.</summary>
public sealed record CsvExportOptions
{
    /// <summary>',' by default; ';' for a German Excel, which splits columns only on it.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>Excel takes a CSV file for UTF-8 only when it starts with a byte order mark; without one it garbles
    /// every non-ASCII character. On by default.</summary>
    public bool ByteOrderMark { get; init; } = true;
}
