using System.Globalization;
using CsvHelper;

namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>Writes the transfer tree as CSV, one row per entry, safe to open in a spreadsheet.</summary>
/// <remarks>
/// Every cell passes <see cref="FormulaGuard"/>: a cell starting with '=', '+', '-', '@', a tab or a carriage return
/// (or a quote) gets a single quote in front. A password that starts with such a character is therefore written with
/// that quote and round-trips only through an importer that strips it; <see cref="GenericCsvReader"/> does so for
/// files with this exporter's <see cref="Header"/>.
/// </remarks>
public static class CsvExporter
{
    private static readonly string[] HeaderNames =
    [
        "Folder", "Title", "Username", "Password", "URL", "Notes", "TOTP", "Tags", "Expires", "ServiceLimitation",
        "Fields", "SecretFields", "Created", "Last Modified",
    ];

    /// <summary>The columns, in order; GenericCsvReader recognises a Custos export by this exact header.</summary>
    public static IReadOnlyList<string> Header => HeaderNames;

    /// <summary>Writes every entry below <paramref name="root"/>. Several URLs share the URL cell, one per line; tags
    /// are separated by ", "; dates are ISO 8601; secret custom fields have a column of their own (so an import
    /// lists them after the others). CSV has no place for history, attachments or empty folders: the
    /// returned list names each entry whose history or attachments were left out.</summary>
    public static IReadOnlyList<TransferSkip> Write(TransferFolder root, Stream output, CsvExportOptions? options = null)
    {
        options ??= new CsvExportOptions();
        var writerOptions = CsvWriterOptions.Default with
        {
            Separator = options.Delimiter,
            WriteByteOrderMark = options.ByteOrderMark,
            // Leading and trailing spaces of a password survive readers that trim unquoted cells.
            Quoting = CsvQuoting.WhenNeededOrWhitespace,
        };
        var skipped = new List<TransferSkip>();
        using CsvWriter csv = CsvWriter.Create(output, writerOptions, leaveOpen: true);
        csv.WriteHeader(HeaderNames);
        WriteEntries(csv, root, "", skipped);
        foreach ((TransferFolder folder, string path) in FolderPaths.Descendants(root))
        {
            WriteEntries(csv, folder, path, skipped);
        }

        return skipped;
    }

    private static void WriteEntries(CsvWriter csv, TransferFolder folder, string path, List<TransferSkip> skipped)
    {
        foreach (TransferEntry entry in folder.Entries)
        {
            csv.WriteRecord(Row(path, entry).Select(FormulaGuard.Neutralise).ToArray());
            string entryPath = FolderPaths.Join(path, entry.Title);
            if (entry.History.Count > 0)
            {
                skipped.Add(new TransferSkip(entryPath, $"{entry.History.Count} earlier version(s) not exported: CSV has no history."));
            }

            if (entry.Attachments.Count > 0)
            {
                skipped.Add(new TransferSkip(entryPath, $"{entry.Attachments.Count} attachment(s) not exported: CSV has no attachments."));
            }
        }
    }

    private static string[] Row(string folder, TransferEntry entry) =>
    [
        folder,
        entry.Title,
        entry.UserName ?? "",
        entry.Password ?? "",
        string.Join('\n', entry.Urls),
        entry.Notes ?? "",
        entry.Totp ?? "",
        string.Join(", ", entry.Tags),
        Date(entry.Expires),
        entry.ServiceLimitation ?? "",
        CustomFieldLines.Format(entry.Fields.Where(field => !field.Secret)),
        CustomFieldLines.Format(entry.Fields.Where(field => field.Secret)),
        Date(entry.Created),
        Date(entry.Modified),
    ];

    private static string Date(DateTimeOffset? date) => date?.ToString("O", CultureInfo.InvariantCulture) ?? "";
}
