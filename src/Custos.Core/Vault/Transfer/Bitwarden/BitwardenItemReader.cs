using System.Text.Json;
using Custos.Core.Vault.Transfer.Csv;
using static Custos.Core.Vault.Transfer.Bitwarden.BitwardenJson;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>Turns the items of a Bitwarden export into entries and puts each into its folder or collection.</summary>
internal sealed class BitwardenItemReader(
    Dictionary<string, BitwardenContainer> containers, TransferFolder root, List<TransferSkip> skipped)
{
    private const int Login = 1;
    private const int SecureNote = 2;
    private const int TextField = 0, HiddenField = 1, BooleanField = 2, LinkedField = 3;

    /// <summary>Adds the item, or reports why not; an item of the wrong shape costs only itself.</summary>
    public void Add(JsonElement item, int number)
    {
        try
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new BitwardenShapeException("it is not an object");
            }

            BitwardenContainer container = Place(item, out IReadOnlyList<string> otherCollections);
            string name = Text(item, "name")?.Trim() ?? "";
            string path = FolderPaths.Join(container.Path, name.Length > 0 ? name : $"item {number}");
            if (Entry(item, name, path) is not TransferEntry entry)
            {
                return;
            }

            container.Folder.Entries.Add(entry);
            if (otherCollections.Count > 0)
            {
                skipped.Add(new TransferSkip(path, $"It is also in {string.Join(", ", otherCollections)}; " +
                    "a Custos entry has one folder, so it was imported into the first collection only."));
            }
        }
        catch (BitwardenShapeException shape)
        {
            skipped.Add(new TransferSkip($"item {number}", $"Not imported: {shape.Message}."));
        }
    }

    // An item of an individual export names its folder; one of an organisation export its collections.
    private BitwardenContainer Place(JsonElement item, out IReadOnlyList<string> otherCollections)
    {
        otherCollections = [];
        if (Text(item, "folderId") is string folderId && containers.TryGetValue(folderId, out BitwardenContainer? folder))
        {
            return folder;
        }

        List<BitwardenContainer> collections = List(item, "collectionIds")
            .Select(id => id.ValueKind == JsonValueKind.String ? containers.GetValueOrDefault(id.GetString()!) : null)
            .OfType<BitwardenContainer>()
            .ToList();
        otherCollections = collections.Skip(1).Select(collection => collection.Path).ToList();
        return collections.FirstOrDefault() ?? new BitwardenContainer(root, "");
    }

    private TransferEntry? Entry(JsonElement item, string name, string path)
    {
        if (Text(item, "deletedDate") is not null)
        {
            return Skip(path, "It is in Bitwarden's trash.");
        }

        var entry = new TransferEntry
        {
            SourceId = Id(item, "id"),
            Notes = Text(item, "notes"),
            Created = Date(item, "creationDate"),
            Modified = Date(item, "revisionDate"),
        };
        int? type = Number(item, "type");
        switch (type)
        {
            case Login:
                ReadLogin(Object(item, "login"), entry, path);
                break;
            case SecureNote:
                break;
            case int other when BitwardenTypedItems.Property(other) is string property:
                if (Object(item, property) is JsonElement values)
                {
                    BitwardenTypedItems.Read(values, property, entry);
                }

                break;
            default:
                return Skip(path, type is null ? "It has no item type." : $"Bitwarden item type {type} is not supported.");
        }

        if (Flag(item, "favorite"))
        {
            entry.Tags.Add(BitwardenCustosFields.FavoriteTag);
        }

        ReadFields(item, entry, path);
        string? title = name.Length > 0 ? name : EntryTitles.Fallback(entry.Urls.FirstOrDefault(), entry.UserName);
        if (title is null)
        {
            return Skip(path, "It has no name, URL or user name.");
        }

        entry.Title = title;
        ReadPasswordHistory(item, entry);
        return entry;
    }

    private void ReadLogin(JsonElement? login, TransferEntry entry, string path)
    {
        if (login is not JsonElement values)
        {
            return;
        }

        entry.UserName = Text(values, "username");
        entry.Password = Text(values, "password");
        entry.Totp = Text(values, "totp");
        foreach (JsonElement uri in List(values, "uris"))
        {
            // The export writes {"match": null, "uri": "..."}; Bitwarden's minimal import format a bare string.
            string? url = uri.ValueKind switch
            {
                JsonValueKind.Object => Text(uri, "uri"),
                JsonValueKind.String => uri.GetString(),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(url))
            {
                entry.Urls.Add(url.Trim());
            }
        }

        if (List(values, "fido2Credentials").Any())
        {
            skipped.Add(new TransferSkip(path, "Its passkey was not imported: Custos does not store passkeys."));
        }
    }

    private void ReadFields(JsonElement item, TransferEntry entry, string path)
    {
        foreach (JsonElement field in List(item, "fields"))
        {
            if (field.ValueKind != JsonValueKind.Object)
            {
                throw new BitwardenShapeException("a custom field is not an object");
            }

            string name = Text(field, "name") ?? "";
            string value = Scalar(field, "value") ?? "";
            switch (Number(field, "type"))
            {
                case TextField when BitwardenCustosFields.TryApply(entry, name, value):
                    break;
                case TextField:
                    entry.Fields.Add(new TransferField(name, value, Secret: false));
                    break;
                case BooleanField:
                    entry.Fields.Add(new TransferField(name, bool.TryParse(value, out bool on) && on ? "true" : "false", Secret: false));
                    break;
                case LinkedField:
                    skipped.Add(new TransferSkip(path, $"The linked field \"{name}\" was not imported: " +
                        "it only points at another field of the item, and Custos has no linked fields."));
                    break;
                case HiddenField:
                default:
                    // A type this reader does not know is kept hidden rather than shown or lost.
                    entry.Fields.Add(new TransferField(name, value, Secret: true));
                    break;
            }
        }
    }

    // Bitwarden keeps earlier passwords, not earlier versions: each becomes a version that differs from the
    // current entry only in its password, dated when the password was replaced.
    private static void ReadPasswordHistory(JsonElement item, TransferEntry entry)
    {
        var versions = List(item, "passwordHistory")
            .Where(old => old.ValueKind == JsonValueKind.Object)
            .Select(old => (Password: Text(old, "password"), Date: Date(old, "lastUsedDate")))
            .OrderBy(old => old.Date)
            .ToList();
        foreach ((string? password, DateTimeOffset? date) in versions)
        {
            var version = new TransferEntry
            {
                Title = entry.Title,
                UserName = entry.UserName,
                Password = password,
                Notes = entry.Notes,
                Totp = entry.Totp,
                Expires = entry.Expires,
                ServiceLimitation = entry.ServiceLimitation,
                Created = entry.Created,
                Modified = date,
            };
            version.Urls.AddRange(entry.Urls);
            version.Fields.AddRange(entry.Fields);
            version.Tags.AddRange(entry.Tags);
            entry.History.Add(version);
        }
    }

    private TransferEntry? Skip(string path, string reason)
    {
        skipped.Add(new TransferSkip(path, reason));
        return null;
    }
}
