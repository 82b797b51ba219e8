using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Custos.Core.Vault.Transfer.Csv;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>Writes the transfer tree as Bitwarden's unencrypted individual-vault JSON export, for a user who moves
/// to Bitwarden (or Vaultwarden); <see cref="BitwardenJsonReader"/> reads it back.</summary>
/// <remarks>
/// Every entry becomes a login item; nested folders become Bitwarden folders named "a/b". Tags, expiry and the
/// service limitation travel as custom text fields (see <see cref="BitwardenCustosFields"/>), the tag "Favorite" as
/// Bitwarden's favourite flag, and the history as Bitwarden's password history, which holds earlier passwords only.
/// </remarks>
public static class BitwardenJsonWriter
{
    private const int Login = 1;
    private const int TextField = 0, HiddenField = 1;

    /// <summary>Writes the export to <paramref name="output"/>, which stays open. The returned list names what
    /// Bitwarden's JSON has no place for: attachments and folder notes.</summary>
    public static IReadOnlyList<TransferSkip> Write(TransferFolder root, Stream output)
    {
        // The file is read by Bitwarden, never embedded in HTML: umlauts and '<' need no \u escapes.
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var folders = FolderPaths.Descendants(root)
            .Select(found => (found.Folder, found.Path, Id: (found.Folder.SourceId ?? Guid.NewGuid()).ToString()))
            .ToList();
        var skipped = new List<TransferSkip>();
        using var json = new Utf8JsonWriter(output, options);
        json.WriteStartObject();
        json.WriteBoolean("encrypted", false);
        json.WriteStartArray("folders");
        foreach ((TransferFolder folder, string path, string id) in folders)
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("name", path);
            json.WriteEndObject();
            if (!string.IsNullOrEmpty(folder.Notes))
            {
                skipped.Add(new TransferSkip(path, "The folder's notes were not exported: Bitwarden folders have no notes."));
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("items");
        WriteItems(json, root, "", null, skipped);
        foreach ((TransferFolder folder, string path, string id) in folders)
        {
            WriteItems(json, folder, path, id, skipped);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        return skipped;
    }

    private static void WriteItems(Utf8JsonWriter json, TransferFolder folder, string path, string? folderId, List<TransferSkip> skipped)
    {
        foreach (TransferEntry entry in folder.Entries)
        {
            WriteItem(json, entry, folderId);
            if (entry.Attachments.Count > 0)
            {
                skipped.Add(new TransferSkip(FolderPaths.Join(path, entry.Title),
                    $"{entry.Attachments.Count} attachment(s) not exported: Bitwarden's export holds no attachments."));
            }
        }
    }

    private static void WriteItem(Utf8JsonWriter json, TransferEntry entry, string? folderId)
    {
        json.WriteStartObject();
        WritePasswordHistory(json, entry);
        WriteDate(json, "revisionDate", entry.Modified);
        WriteDate(json, "creationDate", entry.Created);
        json.WriteNull("deletedDate");
        json.WriteString("id", (entry.SourceId ?? Guid.NewGuid()).ToString());
        json.WriteNull("organizationId");
        json.WriteString("folderId", folderId);
        json.WriteNumber("type", Login);
        json.WriteNumber("reprompt", 0);
        json.WriteString("name", entry.Title);
        json.WriteString("notes", entry.Notes);
        json.WriteBoolean("favorite", entry.Tags.Any(BitwardenCustosFields.IsFavorite));
        json.WriteStartArray("fields");
        foreach (TransferField field in entry.Fields.Concat(BitwardenCustosFields.From(entry)))
        {
            json.WriteStartObject();
            json.WriteString("name", field.Name);
            json.WriteString("value", field.Value);
            json.WriteNumber("type", field.Secret ? HiddenField : TextField);
            json.WriteNull("linkedId");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("login");
        json.WriteStartArray("fido2Credentials");
        json.WriteEndArray();
        json.WriteStartArray("uris");
        foreach (string url in entry.Urls)
        {
            json.WriteStartObject();
            json.WriteNull("match");
            json.WriteString("uri", url);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("username", entry.UserName);
        json.WriteString("password", entry.Password);
        json.WriteString("totp", entry.Totp);
        json.WriteEndObject();
        json.WriteNull("collectionIds");
        json.WriteEndObject();
    }

    // Bitwarden lists replaced passwords, newest first. A version whose password the next one kept (KeePass keeps
    // a version for every change) replaced no password and is left out.
    private static void WritePasswordHistory(Utf8JsonWriter json, TransferEntry entry)
    {
        List<TransferEntry> versions = [.. entry.History, entry];
        json.WriteStartArray("passwordHistory");
        for (int i = versions.Count - 2; i >= 0; i--)
        {
            TransferEntry old = versions[i];
            if (!string.IsNullOrEmpty(old.Password) && old.Password != versions[i + 1].Password)
            {
                json.WriteStartObject();
                WriteDate(json, "lastUsedDate", old.Modified);
                json.WriteString("password", old.Password);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
    }

    private static void WriteDate(Utf8JsonWriter json, string name, DateTimeOffset? date)
    {
        if (date is DateTimeOffset value)
        {
            json.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
