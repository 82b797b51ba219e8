using System.CommandLine;
using Custos.Core.Vault;
using static Custos.Commands.Vault.VaultArguments;

namespace Custos.Commands.Vault;

/// <summary>attach, attachments, detach, and the download behind `get --attachment` (a reveal, like a password's).</summary>
internal static class VaultAttachmentVerbs
{
    public static IEnumerable<Command> Create(VaultVerbs verbs)
    {
        yield return Attach(verbs);
        yield return List(verbs);
        yield return Detach(verbs);
    }

    private static Argument<string> Entry() => new("entry") { Description = "Entry: Folder/Sub/Title or id." };

    private static Command Attach(VaultVerbs verbs)
    {
        var entry = Entry();
        var file = new Argument<string>("file") { Description = $"The file to attach (at most {VaultOptions.MaxAttachmentBytes >> 20} MiB)." };
        var name = new Option<string?>("--name") { Description = "Store it under this name (default: the file's name)." };
        var json = Json();
        return verbs.Verb("attach", "Attach a file to an entry (needs Modify); it is encrypted like the entry's secrets.",
            [entry, file, name, json], async (call, ct) =>
        {
            var path = call.Get(file)!;
            // Read before any request: a wrong path or a too large file should cost nothing on the server.
            var content = SecretFiles.ReadBytes(path, "the attachment", VaultOptions.MaxAttachmentBytes);
            var vault = await call.VaultAsync(ct);
            var target = await vault.EntryAsync(call.Get(entry)!, ct);
            using var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent(content), "file", call.Get(name) ?? Path.GetFileName(path));
            var added = await call.Client.PostAsync<AttachmentView>($"{vault.Api}/entries/{target.Id}/attachments", form, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(added);
            return await call.PrintAsync($"Attached {added.Name} ({added.Size:N0} bytes) to {await vault.PathOfAsync(target, ct)} ({added.Id}).");
        });
    }

    private static Command List(VaultVerbs verbs)
    {
        var entry = Entry();
        var json = Json();
        return verbs.Verb("attachments", "List an entry's attachments: id, name and size.", [entry, json], async (call, ct) =>
        {
            var (_, e) = await EntryWithAttachmentsAsync(call, call.Get(entry)!, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(e.Attachments);
            foreach (var a in e.Attachments) await call.Output.WriteLineAsync($"{a.Id}  {a.Name,-40} {a.Size,12:N0} bytes");
            if (e.Attachments.Count == 0) await call.Error.WriteLineAsync("(no attachments)");
            return CustosCommandLine.Success;
        });
    }

    private static Command Detach(VaultVerbs verbs)
    {
        var entry = Entry();
        var attachment = new Argument<string>("attachment") { Description = "Attachment: its name or id." };
        var json = Json();
        return verbs.Verb("detach", "Delete an attachment from an entry (needs Modify); the entry's history does not keep attachments.",
            [entry, attachment, json], async (call, ct) =>
        {
            var (vault, e) = await EntryWithAttachmentsAsync(call, call.Get(entry)!, ct);
            var found = Find(e, call.Get(attachment)!);
            await call.Client.SendAsync<bool>(HttpMethod.Delete, $"{vault.Api}/entries/{e.Id}/attachments/{found.Id}", null, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(new { entry = e.Id, removed = found });
            return await call.PrintAsync($"Removed {found.Name} from {await vault.PathOfAsync(e, ct)}.");
        });
    }

    /// <summary>`get ENTRY --attachment NAME --output FILE`: needs Read, and the server records it as a reveal.</summary>
    public static async Task<int> SaveAsync(VaultCall call, string entry, string attachment, string output, bool force, CancellationToken ct)
    {
        var path = OwnerOnlyFile.Target(output, force);
        var (vault, e) = await EntryWithAttachmentsAsync(call, entry, ct);
        var found = Find(e, attachment);
        var content = await call.Client.GetBytesAsync($"{vault.Api}/entries/{e.Id}/attachments/{found.Id}", ct);
        OwnerOnlyFile.Write(path, content, force);
        return await call.PrintAsync($"Saved {found.Name} ({content.Length:N0} bytes) to {path}.");
    }

    /// <summary>The entry's own view: the list's leaves the attachments out.</summary>
    private static async Task<(VaultTenant Vault, EntryView Entry)> EntryWithAttachmentsAsync(VaultCall call, string entry, CancellationToken ct)
    {
        var vault = await call.VaultAsync(ct);
        var id = await vault.EntryIdAsync(entry, ct);
        return (vault, await call.Client.GetAsync<EntryView>($"{vault.Api}/entries/{id}", ct));
    }

    /// <summary>By id or name; names need not be unique, so a name shared by several is refused with their ids.</summary>
    private static AttachmentView Find(EntryView entry, string nameOrId)
    {
        var wanted = nameOrId.Trim();
        var found = entry.Attachments.Where(a => a.Id.ToString() == wanted.ToLowerInvariant() || a.Name == wanted).ToList();
        if (found.Count == 0) found = entry.Attachments.Where(a => string.Equals(a.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new CommandException($"The entry has no attachment '{wanted}'" +
                                            (entry.Attachments.Count == 0 ? "." : $"; it has {string.Join(", ", entry.Attachments.Select(a => a.Name))}.")),
            _ => throw new CommandException($"'{wanted}' names several attachments; use the id: {string.Join("; ", found.Select(a => $"{a.Id} ({a.Size:N0} bytes)"))}."),
        };
    }
}
