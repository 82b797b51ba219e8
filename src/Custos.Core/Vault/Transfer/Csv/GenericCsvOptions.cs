using System.Text;

namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>How <see cref="GenericCsvReader"/> reads a file.</summary>
public sealed record GenericCsvOptions
{
    /// <summary>Null recognises the columns from the header (English and German names, KeePassXC, Custos).</summary>
    public CsvColumnMapping? Mapping { get; init; }

    /// <summary>',', ';' or tab; null detects it from the first lines (German Excel writes ';').</summary>
    public char? Delimiter { get; init; }

    /// <summary>False for a file without a header row; the mapping must then name columns by position.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Null reads UTF-8, with or without a byte order mark (UTF-16 with a byte order mark also works);
    /// set it for a file in a legacy code page, such as Excel's "CSV (comma delimited)" on Windows.</summary>
    public Encoding? Encoding { get; init; }

    /// <summary>Whether to strip the quote that <see cref="CsvExporter"/> puts in front of cells a spreadsheet would
    /// run as formulas. Null (the default) does so only for a file with Custos' own export header: in any other file
    /// a leading quote may be part of a real password, and stripping it would import a wrong one.</summary>
    public bool? UndoFormulaGuard { get; init; }

    public CsvReadLimits Limits { get; init; } = CsvReadLimits.Default;
}
