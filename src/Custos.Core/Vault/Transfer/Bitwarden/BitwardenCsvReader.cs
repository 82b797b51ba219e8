using Custos.Core.Vault.Transfer.Csv;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>Reads Bitwarden's CSV export: folder (or collections, in an organisation export), favorite, type, name,
/// notes, fields, reprompt, login_uri, login_username, login_password, login_totp.</summary>
/// <remarks>Bitwarden writes only logins and secure notes as CSV; its custom fields are "name: value" lines, all
/// of them as text, and several URIs share one cell, separated by commas.</remarks>
public static class BitwardenCsvReader
{
    /// <exception cref="TransferFormatException"><c>csv.missing-column</c>, <c>csv.encoding</c>,
    /// <c>csv.corrupt</c> or <c>csv.too-large</c>.</exception>
    public static TransferDocument Read(Stream input, CsvReadLimits? limits = null)
    {
        using CsvInput csv = CsvInput.Open(input, limits ?? CsvReadLimits.Default, ',', encoding: null, hasHeader: true);
        int type = Required(csv, "type"), name = Required(csv, "name"), password = Required(csv, "login_password");
        int? folder = Optional(csv, "folder"), collections = Optional(csv, "collections"), favorite = Optional(csv, "favorite"),
            notes = Optional(csv, "notes"), fields = Optional(csv, "fields"), uris = Optional(csv, "login_uri"),
            userName = Optional(csv, "login_username"), totp = Optional(csv, "login_totp");

        var root = new TransferFolder();
        var skipped = new List<TransferSkip>();
        while (csv.Read())
        {
            if (csv.RowIsEmpty())
            {
                continue;
            }

            string kind = csv.Cell(type)?.Trim().ToLowerInvariant() ?? "login";
            if (kind is not ("login" or "note"))
            {
                skipped.Add(new TransferSkip(csv.Line, $"Bitwarden's CSV item type \"{kind}\" is not supported."));
                continue;
            }

            var entry = new TransferEntry
            {
                UserName = csv.Cell(userName),
                Password = csv.Cell(password),
                Totp = csv.Cell(totp),
                Notes = csv.Cell(notes),
            };
            entry.Urls.AddRange(Split(csv.Cell(uris)));
            entry.Fields.AddRange(CustomFieldLines.Parse(csv.Cell(fields), secret: false));
            if (csv.Cell(favorite)?.Trim() is "1" or "true")
            {
                entry.Tags.Add(BitwardenCustosFields.FavoriteTag);
            }

            string? title = csv.Cell(name)?.Trim() is { Length: > 0 } given
                ? given
                : EntryTitles.Fallback(entry.Urls.FirstOrDefault(), entry.UserName);
            if (title is null)
            {
                skipped.Add(new TransferSkip(csv.Line, "The row has no name, URL or user name, so it was not imported."));
                continue;
            }

            entry.Title = title;
            FolderFor(csv, folder, collections, root, skipped).Entries.Add(entry);
        }

        skipped.AddRange(csv.CheckQuoting());
        return new TransferDocument(root, skipped);
    }

    private static TransferFolder FolderFor(CsvInput csv, int? folder, int? collections, TransferFolder root, List<TransferSkip> skipped)
    {
        if (csv.Cell(folder) is string path)
        {
            return FolderPaths.GetOrAdd(root, FolderPaths.Split(path));
        }

        string[] names = Split(csv.Cell(collections));
        if (names.Length > 1)
        {
            skipped.Add(new TransferSkip(csv.Line, $"The item is also in {string.Join(", ", names[1..])}; " +
                "a Custos entry has one folder, so it was imported into the first collection only."));
        }

        return names.Length == 0 ? root : FolderPaths.GetOrAdd(root, FolderPaths.Split(names[0]));
    }

    private static string[] Split(string? cell) =>
        cell?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static int Required(CsvInput csv, string header) =>
        Optional(csv, header) ?? throw new TransferFormatException("csv.missing-column",
            $"The file has no \"{header}\" column, so it is not a Bitwarden CSV export.");

    private static int? Optional(CsvInput csv, string header) =>
        csv.Reader.TryGetFieldIndex(header, out int index) ? index : null;
}
