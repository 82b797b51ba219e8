using System.Globalization;

namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>Turns the current row of a <see cref="CsvInput"/> into an entry.</summary>
internal sealed class CsvRowReader(CsvInput csv, CsvColumnIndexes columns, CsvColumnMapping mapping, bool undoFormulaGuard)
{
    public string? FolderPath => Cell(columns.Folder);

    /// <summary>The entry of the current row, or null (with the reason in <paramref name="skipped"/>) when the row
    /// names no entry. Messages give the line, never a cell's value.</summary>
    public TransferEntry? Entry(List<TransferSkip> skipped)
    {
        var entry = new TransferEntry
        {
            UserName = Cell(columns.UserName),
            Password = Cell(columns.Password),
            Notes = Cell(columns.Notes),
            Totp = Cell(columns.Totp),
            ServiceLimitation = Cell(columns.ServiceLimitation),
            Expires = Date(columns.Expires, "expiry", skipped),
            Created = Date(columns.Created, "creation", skipped),
            Modified = Date(columns.Modified, "modification", skipped),
        };
        entry.Urls.AddRange(Lines(Cell(columns.Url)));
        entry.Tags.AddRange(Cell(columns.Tags)?.Split(mapping.TagSeparators.ToCharArray(),
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []);
        entry.Fields.AddRange(CustomFieldLines.Parse(Cell(columns.Fields), secret: false));
        entry.Fields.AddRange(CustomFieldLines.Parse(Cell(columns.SecretFields), secret: true));
        foreach ((int index, CsvExtraColumn extra) in columns.Extras)
        {
            if (Cell(index) is string value)
            {
                entry.Fields.Add(new TransferField(extra.FieldName, value, extra.Secret));
            }
        }

        string? title = Cell(columns.Title)?.Trim() is { Length: > 0 } given
            ? given
            : EntryTitles.Fallback(entry.Urls.FirstOrDefault(), entry.UserName);
        if (title is null)
        {
            skipped.Add(new TransferSkip(csv.Line, "The row has no title, URL or user name, so it was not imported."));
            return null;
        }

        entry.Title = title;
        return entry;
    }

    private string? Cell(int? index) =>
        csv.Cell(index) is not string value ? null : undoFormulaGuard ? FormulaGuard.Undo(value) : value;

    private static IEnumerable<string> Lines(string? cell) =>
        cell?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private DateTimeOffset? Date(int? index, string what, List<TransferSkip> skipped)
    {
        string? text = Cell(index)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces;
        bool parsed = mapping.DateFormat is null
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out DateTimeOffset date)
            : DateTimeOffset.TryParseExact(text, mapping.DateFormat, CultureInfo.InvariantCulture, styles, out date);
        if (parsed)
        {
            return date;
        }

        string expected = mapping.DateFormat is null ? "an ISO 8601 date" : $"a date in the format {mapping.DateFormat}";
        skipped.Add(new TransferSkip(csv.Line, $"The {what} date is not {expected}; the entry was imported without it."));
        return null;
    }
}
