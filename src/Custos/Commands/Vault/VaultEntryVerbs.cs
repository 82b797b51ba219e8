using System.CommandLine;
using Custos.Core.Vault;
using Custos.Web.Vault;
using static Custos.Commands.Vault.VaultArguments;

namespace Custos.Commands.Vault;

/// <summary>ls, show, mkdir, add, edit: everything about entries except their secrets, which only `get` prints.</summary>
internal static class VaultEntryVerbs
{
    public static IEnumerable<Command> Create(VaultVerbs verbs)
    {
        yield return List(verbs);
        yield return Show(verbs);
        yield return MakeFolder(verbs);
        yield return Add(verbs);
        yield return Edit(verbs);
    }

    private static Command List(VaultVerbs verbs)
    {
        var folder = new Argument<string?>("folder") { Description = "Folder path or id (default: the top-level folders).", Arity = ArgumentArity.ZeroOrOne };
        var search = new Option<string?>("--search") { Description = "Entries whose title, user name, URL or tags contain all these words." };
        var json = Json();
        return verbs.Verb("ls", "List folders and entries: title, user name, URL and expiry, never a secret.", [folder, search, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var parent = call.Get(folder) is { } name && name.Trim() != "/" ? await vault.FolderAsync(name, ct) : null;
            var text = call.Get(search);
            var all = await vault.FoldersAsync(ct);
            var visible = all.Select(f => f.Id).ToHashSet();
            // A folder whose parent the caller cannot see is listed at the top.
            var folders = text is not null ? [] : all.Where(f => parent is null
                ? f.ParentId is not { } p || !visible.Contains(p)
                : f.ParentId == parent.Id).ToList();
            var entries = parent is null && text is null ? [] : await call.Client.GetAsync<List<EntryView>>(
                $"{vault.Api}/entries?{(parent is null ? "" : $"folder={parent.Id}&")}q={Uri.EscapeDataString(text ?? "")}", ct);

            var folderRows = new List<(FolderView Folder, string Path)>();
            foreach (var f in folders) folderRows.Add((f, await vault.PathOfAsync(f.Id, ct)));
            var entryRows = new List<(EntryView Entry, string Path)>();
            foreach (var e in entries) entryRows.Add((e, await vault.PathOfAsync(e, ct)));
            if (call.Get(json))
            {
                return await call.PrintJsonAsync(new
                {
                    folders = folderRows.Select(r => new { r.Folder.Id, r.Folder.Name, r.Path, r.Folder.Sensitive, r.Folder.Rights }),
                    entries = entryRows.Select(r => new
                    {
                        r.Entry.Id, r.Entry.Title, r.Path, r.Entry.FolderId, r.Entry.UserName, r.Entry.Urls, r.Entry.Tags, r.Entry.ExpiresAt,
                        r.Entry.ExpiryState, r.Entry.Rights,
                    }),
                });
            }
            foreach (var (f, _) in folderRows) await call.Output.WriteLineAsync($"{f.Id}  {f.Name}/{(f.Sensitive ? "  (sensitive)" : "")}");
            foreach (var (e, path) in entryRows)
            {
                var title = text is null ? e.Title : path;
                await call.Output.WriteLineAsync($"{e.Id}  {title,-32} {e.UserName,-20} {e.Urls.FirstOrDefault(),-36} {Expiry(e.ExpiresAt, e.ExpiryState)}".TrimEnd());
            }
            if (folderRows.Count == 0 && entryRows.Count == 0) await call.Error.WriteLineAsync(text is null ? "(empty)" : "No entry matches.");
            return CustosCommandLine.Success;
        });
    }

    private static Command Show(VaultVerbs verbs)
    {
        var entry = new Argument<string>("entry") { Description = "Entry: Folder/Sub/Title or id." };
        var json = Json();
        return verbs.Verb("show", "Everything about an entry except its secrets: which secrets it holds, attachments, rights, expiry and rotation.",
            [entry, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var id = (await vault.EntryAsync(call.Get(entry)!, ct)).Id;
            // The list's view leaves the attachments out; the entry's own view has them.
            var e = await call.Client.GetAsync<EntryView>($"{vault.Api}/entries/{id}", ct);
            var grants = e.Rights.Contains("manage")
                ? await call.Client.GetAsync<List<GrantView>>($"{vault.Api}/grants?entry={e.Id}", ct)
                : null;
            var path = await vault.PathOfAsync(e, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(new { entry = e, path, grants });

            var lines = new List<(string, string?)>
            {
                ("Title", e.Title), ("Id", e.Id.ToString()), ("Path", path), ("User name", e.UserName),
                ("URLs", string.Join("  ", e.Urls)), ("Tags", string.Join(", ", e.Tags)),
            };
            lines.AddRange(e.TextFields.Select(f => ($"Field {f.Key}", (string?)f.Value)));
            // Named, never shown: the value takes a recorded reveal.
            lines.AddRange(e.SecretFields.Where(f => f.StartsWith(SecretBundle.CustomFieldPrefix, StringComparison.Ordinal))
                .Select(f => ($"Field {f[SecretBundle.CustomFieldPrefix.Length..]}", (string?)"******** (secret)")));
            lines.Add(("Secrets", e.SecretFields.Count == 0 ? "none" : string.Join(", ", e.SecretFields) + "  (custos vault get ENTRY --field NAME --reveal)"));
            lines.AddRange(e.Attachments.Select(a => ("Attachment", (string?)$"{a.Name} ({a.Size:N0} bytes)")));
            lines.Add(("Expires", e.ExpiresAt is null ? "never" : $"{e.ExpiresAt:yyyy-MM-dd HH:mm}Z ({e.ExpiryState})"));
            lines.Add(("Password", string.Join(", ", new[]
            {
                e.PasswordGenerated ? "generated" : null,
                e.PasswordStrength is { } s ? $"strength {s}/4" : null,
                e.RotateAfterReveal ? "rotate after each reveal" : null,
                e.RotationReason is { } reason ? $"due for rotation: {reason}" : null,
            }.OfType<string>())));
            lines.Add(("Service limitation", e.ServiceLimitation));
            lines.Add(("Version", $"{e.Version}, changed {e.ModifiedAt:u} by {e.ModifiedBy}; created {e.CreatedAt:u} by {e.CreatedBy}"));
            lines.Add(("Your rights", e.Rights + (e.Sensitive ? "  (sensitive folder)" : "")));
            foreach (var (label, value) in lines.Where(l => !string.IsNullOrEmpty(l.Item2)))
                await call.Output.WriteLineAsync($"{label + ":",-20}{value}");
            if (grants is not null)
            {
                await call.Output.WriteLineAsync("Grants on this entry:" + (grants.Count == 0 ? " none (it has the folder's rights only)." : ""));
                foreach (var g in grants) await call.Output.WriteLineAsync("  " + VaultAccessVerbs.Describe(g));
            }
            return CustosCommandLine.Success;
        });
    }

    private static Command MakeFolder(VaultVerbs verbs)
    {
        var path = new Argument<string>("path") { Description = "New folder: Name, or Parent/Sub/Name below an existing folder." };
        var inherit = Inherit();
        var grants = Grants();
        var sensitive = new Option<bool>("--sensitive") { Description = "Opening it needs a security-key confirmation (in the web interface)." };
        var json = Json();
        var command = verbs.Verb("mkdir", "Create a folder, with explicitly chosen rights.", [path, inherit, grants, sensitive, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var full = call.Get(path)!.Trim().Trim('/');
            var slash = full.LastIndexOf('/');
            var parent = slash < 0 ? null : await vault.FolderAsync(full[..slash], ct);
            var created = await call.Client.PostAsync<FolderView>($"{vault.Api}/folders",
                new FolderInput(full[(slash + 1)..], parent?.Id, ParseGrants(call.Get(grants)), call.Get(inherit), call.Get(sensitive)), ct);
            return call.Get(json) ? await call.PrintJsonAsync(created) : await call.PrintAsync($"Folder {full} created ({created.Id}); your rights: {created.Rights}.");
        });
        RequireRightsChoice(command, inherit, grants);
        return command;
    }

    /// <summary>The options add and edit share; every one of them is optional on edit.</summary>
    private sealed class EntryOptions(bool editing)
    {
        public Option<string?> Title { get; } = new("--title") { Description = "Title." };
        public Option<string?> User { get; } = new("--user") { Description = "User name of the credential." };
        public Option<string[]> Urls { get; } = new("--url") { Description = "URL (repeatable; on edit the list replaces the old one)." };
        public Option<string?> NotesFile { get; } = new("--notes-file") { Description = "Read the (secret) notes from this file, or '-' for standard input." };
        public Option<string?> PasswordFile { get; } = new("--password-file")
        {
            Description = "Read the password from this file (first line), or '-' for standard input; never give it as an argument.",
        };
        public Option<string?> TotpFile { get; } = new("--totp-file")
        {
            Description = "Read the TOTP seed (otpauth:// URI or base32) from this file (first line), or '-' for standard input.",
        };
        public Option<bool> Generate { get; } = new("--generate") { Description = "Let the server generate the password (see 'vault generate')." };
        public Option<string[]> Tags { get; } = new("--tag") { Description = "Tag (repeatable; on edit the list replaces the old one)." };
        public Option<DateTimeOffset?> Expires { get; } = Date("--expires", "When the password expires");
        public Option<string?> ServiceLimitation { get; } = new("--service-limitation")
        {
            Description = "Why this password may break the folder's policy (the service allows no better).",
        };

        public EntryFieldOptions Fields { get; } = new(editing);

        public IEnumerable<Option> All => [Title, User, Urls, NotesFile, PasswordFile, TotpFile, Generate, Tags, Expires, ServiceLimitation, .. Fields.All];

        /// <summary>The entry as the options describe it; what is not given stays null ("unchanged" on edit, where current is the entry).</summary>
        public async Task<EntryInput> ReadAsync(VaultCall call, EntryView? current, CancellationToken ct)
        {
            string? password = null;
            if (call.Get(PasswordFile) is { } file) password = SecretFiles.ReadFirstLine(file, "--password-file", call.Error);
            else if (call.Get(Generate))
                password = (await call.Client.PostAsync<VaultRightsEndpoints.Generated>("/api/v1/vault/generate",
                    new VaultRightsEndpoints.GenerateRequest(null, null, null, null, null, null, null, null, null, null, null), ct)).Value;
            return new EntryInput
            {
                Title = call.Get(Title),
                UserName = call.Get(User),
                Urls = call.Get(Urls) is { Length: > 0 } urls ? urls : null,
                Notes = call.Get(NotesFile) is { } notes ? SecretFiles.ReadAll(notes, "--notes-file") : null,
                Password = password,
                Totp = call.Get(TotpFile) is { } totp ? SecretFiles.ReadFirstLine(totp, "--totp-file", call.Error, "TOTP seed").Trim() : null,
                Fields = Fields.Read(call, current),
                PasswordGenerated = call.Get(Generate) ? true : null,
                Tags = call.Get(Tags) is { Length: > 0 } tags ? tags : null,
                ExpiresAt = call.Get(Expires),
                ServiceLimitation = call.Get(ServiceLimitation),
            };
        }

        public void Validate(Command command)
        {
            Exclusive(command, PasswordFile, Generate);
            Fields.Validate(command);
            command.Validators.Add(r =>
            {
                if (new[] { PasswordFile, NotesFile, TotpFile }.Count(o => r.GetValue(o) == SecretFiles.StandardInput) + (Fields.ReadsStandardInput(r) ? 1 : 0) > 1)
                    r.AddError("Only one of --password-file, --notes-file, --totp-file and the secret fields can read standard input.");
            });
        }
    }

    private static Command Add(VaultVerbs verbs)
    {
        var folder = new Argument<string>("folder") { Description = "Folder path or id." };
        var options = new EntryOptions(editing: false);
        options.Title.Required = true;
        var inherit = Inherit();
        var grants = Grants();
        var json = Json();
        var command = verbs.Verb("add", "Add an entry to a folder, with explicitly chosen rights (--inherit and/or --grant).",
            [folder, .. options.All, inherit, grants, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var target = await vault.FolderAsync(call.Get(folder)!, ct);
            var input = await options.ReadAsync(call, null, ct) with
            {
                FolderId = target.Id, Permissions = ParseGrants(call.Get(grants)), InheritRights = call.Get(inherit),
            };
            var saved = await call.Client.PostAsync<EntrySaved>($"{vault.Api}/entries", input, ct);
            await call.WarnAsync(saved.Warnings);
            if (call.Get(json)) return await call.PrintJsonAsync(new { saved.Entry.Id, saved.Entry.Version, saved.Warnings });
            return await call.PrintAsync($"Entry {await vault.PathOfAsync(target.Id, ct)}/{saved.Entry.Title} created ({saved.Entry.Id}).");
        });
        options.Validate(command);
        RequireRightsChoice(command, inherit, grants);
        return command;
    }

    private static Command Edit(VaultVerbs verbs)
    {
        var entry = new Argument<string>("entry") { Description = "Entry: Folder/Sub/Title or id." };
        var options = new EntryOptions(editing: true);
        var noExpiry = new Option<bool>("--no-expiry") { Description = "Remove the expiry date." };
        var json = Json();
        var command = verbs.Verb("edit", "Change an entry; what is not given stays as it is. Rights change with grant and revoke.",
            [entry, .. options.All, noExpiry, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var current = await vault.EntryAsync(call.Get(entry)!, ct);
            // The version seen here: a change someone made meanwhile is refused instead of overwritten.
            var input = await options.ReadAsync(call, current, ct) with { ExpectedVersion = current.Version, ClearExpiry = call.Get(noExpiry) };
            var saved = await call.Client.SendAsync<EntrySaved>(HttpMethod.Put, $"{vault.Api}/entries/{current.Id}", input, ct);
            await call.WarnAsync(saved.Warnings);
            if (call.Get(json)) return await call.PrintJsonAsync(new { saved.Entry.Id, saved.Entry.Version, saved.Warnings });
            return await call.PrintAsync($"Entry {await vault.PathOfAsync(saved.Entry, ct)} changed (version {saved.Entry.Version}).");
        });
        options.Validate(command);
        Exclusive(command, options.Expires, noExpiry);
        command.Validators.Add(r =>
        {
            if (options.All.Append(noExpiry).All(o => r.GetResult(o) is null or { Implicit: true }))
                r.AddError("Nothing to change: give at least one of --title, --user, --url, --notes-file, --password-file, --totp-file, " +
                           "--generate, --tag, --expires, --no-expiry, --service-limitation, --field, --secret-field, --secret-field-file, --remove-field.");
        });
        return command;
    }

    private static string Expiry(DateTimeOffset? at, string state) => state switch
    {
        "expired" => $"EXPIRED {at:yyyy-MM-dd}",
        "expiring" => $"expires soon {at:yyyy-MM-dd}",
        "valid" => $"expires {at:yyyy-MM-dd}",
        _ => "",
    };
}
