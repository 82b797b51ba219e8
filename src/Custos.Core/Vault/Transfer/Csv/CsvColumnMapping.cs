namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>Which CSV column holds which part of an entry. Unmapped parts stay empty.</summary>
/// <remarks>
/// An import needs a password column and a title, URL or user name column; a mapped column that the file lacks is
/// refused with <c>csv.missing-column</c>. <see cref="GenericCsvReader"/> recognises the usual English and German
/// header names when no mapping is given.
/// </remarks>
public sealed record CsvColumnMapping
{
    public CsvColumn? Title { get; init; }
    public CsvColumn? UserName { get; init; }
    public CsvColumn? Password { get; init; }
    /// <summary>One URL, or several on separate lines of the cell (as <see cref="CsvExporter"/> writes them).</summary>
    public CsvColumn? Url { get; init; }
    public CsvColumn? Notes { get; init; }
    public CsvColumn? Totp { get; init; }
    /// <summary>The folder path, with '/' between the names of nested folders.</summary>
    public CsvColumn? Folder { get; init; }
    public CsvColumn? Tags { get; init; }
    public CsvColumn? Expires { get; init; }
    public CsvColumn? Created { get; init; }
    public CsvColumn? Modified { get; init; }
    public CsvColumn? ServiceLimitation { get; init; }
    /// <summary>Custom fields as "name: value" lines (Bitwarden's convention), imported as not secret.</summary>
    public CsvColumn? Fields { get; init; }
    /// <summary>Like <see cref="Fields"/>, imported as secret.</summary>
    public CsvColumn? SecretFields { get; init; }

    /// <summary>Each character of this string separates two tags of the <see cref="Tags"/> cell.</summary>
    public string TagSeparators { get; init; } = ",;";

    /// <summary>The exact format of the date columns (such as "dd.MM.yyyy"), read with the invariant culture; null
    /// reads ISO 8601. A date without a time zone is taken as UTC.</summary>
    public string? DateFormat { get; init; }

    public IReadOnlyList<CsvExtraColumn> ExtraColumns { get; init; } = [];
}
