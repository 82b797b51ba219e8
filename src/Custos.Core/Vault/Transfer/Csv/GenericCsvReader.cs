namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>Reads a CSV file of any password manager or spreadsheet into the transfer tree, by a column mapping.</summary>
public static class GenericCsvReader
{
    /// <summary>The header row, for a page that lets the user map columns before the import.</summary>
    /// <exception cref="TransferFormatException"><c>csv.encoding</c> or <c>csv.too-large</c>.</exception>
    public static IReadOnlyList<string> ReadHeader(Stream input, GenericCsvOptions? options = null)
    {
        options ??= new GenericCsvOptions();
        using CsvInput csv = CsvInput.Open(input, options.Limits, options.Delimiter, options.Encoding, hasHeader: true);
        return [.. csv.Header];
    }

    /// <summary>The mapping used when none is given: the usual English and German header names (and those of
    /// KeePassXC and Custos), with every other named column kept as a custom field.</summary>
    public static CsvColumnMapping DetectMapping(IReadOnlyList<string> header) => CsvHeaderNames.Detect(header);

    /// <exception cref="TransferFormatException"><c>csv.missing-column</c>, <c>csv.encoding</c>, <c>csv.corrupt</c>
    /// or <c>csv.too-large</c>.</exception>
    public static TransferDocument Read(Stream input, GenericCsvOptions? options = null)
    {
        options ??= new GenericCsvOptions();
        if (options.Mapping is null && !options.HasHeader)
        {
            throw new ArgumentException("A file without a header needs a column mapping.", nameof(options));
        }

        using CsvInput csv = CsvInput.Open(input, options.Limits, options.Delimiter, options.Encoding, options.HasHeader);
        CsvSource source = CsvHeaderNames.Recognise(csv.Header);
        CsvColumnMapping mapping = options.Mapping ?? DetectMapping(csv.Header);
        var rows = new CsvRowReader(csv, CsvColumnIndexes.Resolve(mapping, csv), mapping,
            options.UndoFormulaGuard ?? source == CsvSource.Custos);

        var root = new TransferFolder();
        var skipped = new List<TransferSkip>();
        while (csv.Read())
        {
            if (csv.RowIsEmpty())
            {
                continue; // Spreadsheets leave rows of empty cells ("; ; ;") at the end: nothing to report.
            }

            TransferEntry? entry = rows.Entry(skipped);
            if (entry is null)
            {
                continue;
            }

            IEnumerable<string> folders = FolderPaths.Split(rows.FolderPath);
            if (source == CsvSource.KeePassXc)
            {
                // KeePassXC writes the root group's name first in every path: it names the database, not a folder.
                root.Name = folders.FirstOrDefault() ?? root.Name;
                folders = folders.Skip(1);
            }

            FolderPaths.GetOrAdd(root, folders).Entries.Add(entry);
        }

        skipped.AddRange(csv.CheckQuoting());
        return new TransferDocument(root, skipped);
    }
}
