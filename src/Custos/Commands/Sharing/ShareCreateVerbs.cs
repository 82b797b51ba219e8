using System.CommandLine;
using Custos.Commands.Documents;
using Custos.Commands.Vault;

namespace Custos.Commands.Sharing;

/// <summary>
/// create, request: a new download link (documents or a folder) or upload request. The URL and a password Custos made
/// are printed this once: the server keeps only their hashes.
/// </summary>
internal static class ShareCreateVerbs
{
    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return Share(verbs);
        yield return Request(verbs);
    }

    /// <summary>What both kinds of link take: expiry, password, recipient, message, --json.</summary>
    private sealed class LinkOptions
    {
        public Option<ShareExpiry?> Expires { get; } = ShareExpiry.Option(
            "When the link ends (default: the tenant's policy, usually 7 days; never past its maximum, usually 30 days).");

        public Option<string?> Password { get; } = new("--password")
        {
            Description = "generate (default): Custos makes one, shown once; none: no password (only where the tenant's policy allows it).",
        };

        public Option<string?> PasswordFile { get; } = new("--password-file")
        {
            Description = "Your own password instead (10 characters or more), from the first line of this file, or '-' for standard input; " +
                          "never as an argument.",
            HelpName = "FILE",
        };

        public Option<string?> Recipient { get; } = new("--recipient") { Description = "Who it is for (\"Max Muster, Firma X\"), for your list and log." };

        public Option<string?> Message { get; } = new("--message") { Description = "A note shown to the recipient on the link's page." };

        public Option<bool> Json { get; } = DocumentBrowseVerbs.Json();

        public LinkOptions() => Password.AcceptOnlyFromAmong("generate", "none");

        public IEnumerable<Symbol> All => [Expires, Password, PasswordFile, Recipient, Message, Json];

        /// <summary>The fields of the request body these options fill.</summary>
        public Dictionary<string, object?> Body(DocumentCall call)
        {
            var expiry = call.Get(Expires);
            var (mode, own) = (call.Get(Password), call.Get(PasswordFile)) switch
            {
                ({ }, { }) => throw new VaultUsageException("Give --password or --password-file, not both."),
                (_, { } file) => ("given", SecretFiles.ReadFirstLine(file, "--password-file", call.Error, "Link password")),
                (var given, _) => (given ?? "generate", null),
            };
            return new Dictionary<string, object?>
            {
                ["expiresInDays"] = expiry?.InDays, ["expiresAt"] = expiry?.At, ["password"] = mode, ["ownPassword"] = own,
                ["recipient"] = call.Get(Recipient), ["message"] = call.Get(Message),
            };
        }
    }

    private static Command Share(DocumentVerbs verbs)
    {
        var documentsArgument = new Argument<string[]>("document")
        {
            Description = "The documents: Folder/Sub/Name, a name alone (when no other document has it), or an id.", Arity = ArgumentArity.ZeroOrMore,
        };
        var folder = new Option<string?>("--folder") { Description = "Share a folder instead: its documents and its subfolders' as they are now (Folder/Sub or id)." };
        var link = new LinkOptions();
        var limit = new Option<int?>("--limit") { Description = "Downloads allowed in all (1 to 10,000); a resumed download counts once." };
        var sensitive = new Option<bool>("--sensitive") { Description = "Sensitive mode: the recipient gets one encrypted package, its password shown once." };
        var notify = new Option<bool>("--notify") { Description = "Notify you (a Custos notification) at the first download." };
        var version = new Option<int?>("--version") { Description = "Share this version of the one document named (default: its current one)." };
        var file = new Option<string[]>("--file")
        {
            Description = "A local file to send through this link alone (checked by the sluice, not filed as a document, deleted when the link ends); repeatable.",
            HelpName = "PATH", AllowMultipleArgumentsPerToken = false,
        };
        return verbs.Verb("create", "Create a download link to documents, a folder or files sent for it alone; prints its URL and password once.",
            [documentsArgument, folder, file, limit, sensitive, notify, version, .. link.All], async (call, ct) =>
        {
            var named = call.Get(documentsArgument) ?? [];
            var sent = call.Get(file) ?? [];
            if (named.Length > 0 && call.Get(folder) is not null)
                throw new VaultUsageException("Name the documents to share, or a folder with --folder (not both).");
            if (named.Length == 0 && call.Get(folder) is null && sent.Length == 0)
                throw new VaultUsageException("Name the documents to share, a folder with --folder, or files with --file.");
            if (call.Get(version) is not null && named.Length != 1)
                throw new VaultUsageException("--version goes with exactly one document.");
            var body = link.Body(call);
            var documents = await call.DocumentsAsync(ct);
            if (call.Get(folder) is { } folderName)
            {
                body["folderId"] = Guid.TryParse(folderName, out var id) ? id : (await documents.FolderAsync(folderName, ct)).Id;
            }
            else if (named.Length > 0)
            {
                var ids = new List<object>();
                foreach (var name in named) ids.Add(new { documentId = await documents.DocumentIdAsync(name, ct), version = call.Get(version) });
                body["documents"] = ids;
            }
            (body["downloadLimit"], body["sensitive"], body["notifyOnFirstDownload"]) = (call.Get(limit), call.Get(sensitive), call.Get(notify));

            ShareCreated created;
            if (sent.Length == 0)
            {
                created = await call.Client.PostAsync<ShareCreated>(ShareCommand.Api(documents), body, ct);
            }
            else
            {
                var streams = new List<(string, Stream, long)>();
                try
                {
                    foreach (var path in sent)
                    {
                        var info = new FileInfo(path);
                        if (!info.Exists) throw new CommandException($"No such file: {path}");
                        streams.Add((info.Name, info.OpenRead(), info.Length));
                    }
                    created = await call.Client.PostFilesAsync<ShareCreated>($"{ShareCommand.Api(documents)}/send", body, streams, ct);
                }
                finally
                {
                    foreach (var (_, stream, _) in streams) await stream.DisposeAsync();
                }
            }
            if (call.Get(link.Json)) return await call.PrintJsonAsync(created);
            var s = created.Share;
            var files = s.Items.Where(i => i.Kind != "Package").ToList();
            var what = files.Count == 1 ? files[0].Kind == "Transfer" ? files[0].Name : $"{files[0].Name} (version {files[0].VersionNumber})"
                : $"{files.Count} files";
            await call.Output.WriteLineAsync($"Shared {what}{For(s)}, link {s.Id}.");
            return await PrintSecretsAsync(call, created, ("ends", $"{DocumentBrowseVerbs.Time(s.ExpiresAt)}" +
                (s.DownloadLimit is { } l ? $", or after {l} download{(l == 1 ? "" : "s")}" : "")));
        });
    }

    private static Command Request(DocumentVerbs verbs)
    {
        var folder = new Option<string>("--folder") { Description = "The folder the files go to, through the sluice (Folder/Sub or id; needs Write).", Required = true };
        var link = new LinkOptions();
        var maxFiles = new Option<int?>("--max-files") { Description = "Files accepted in all (1 to 1,000; default 20)." };
        var maxSize = new Option<long?>("--max-size")
        {
            Description = "Bytes accepted in all, e.g. 500M or 2G (default 2 GiB).", HelpName = "SIZE",
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (ByteSize.Parse(text) is > 0 and var size) return size;
                r.AddError($"--max-size takes a size such as 500M, 2G or 1.5GB; not '{text}'.");
                return null;
            },
        };
        return verbs.Verb("request", "Create an upload request: a link through which someone outside drops files into a folder; prints its URL and password once.",
            [folder, maxFiles, maxSize, .. link.All], async (call, ct) =>
        {
            var body = link.Body(call);
            var documents = await call.DocumentsAsync(ct);
            var folderName = call.Get(folder)!;
            var folderId = Guid.TryParse(folderName, out var id) ? id : (await documents.FolderAsync(folderName, ct)).Id;
            (body["folderId"], body["maxFiles"], body["maxBytes"]) = (folderId, call.Get(maxFiles), call.Get(maxSize));

            var created = await call.Client.PostAsync<ShareCreated>($"{ShareCommand.Api(documents)}/requests", body, ct);
            if (call.Get(link.Json)) return await call.PrintJsonAsync(created);
            var s = created.Share;
            var target = await FolderLabelAsync(documents, folderId, ct);
            await call.Output.WriteLineAsync($"Upload request into {target}{For(s)}, link {s.Id}.");
            return await PrintSecretsAsync(call, created, ("ends", DocumentBrowseVerbs.Time(s.ExpiresAt)),
                ("takes", $"up to {s.MaxFiles} files, {ByteSize.Format(s.MaxBytes ?? 0)} in all; each waits in the sluice's quarantine until its checks pass"));
        });
    }

    /// <summary>URL, passwords and end, with the one warning that matters: URL and passwords are shown now and never again.</summary>
    private static async Task<int> PrintSecretsAsync(DocumentCall call, ShareCreated created, params (string Label, string Text)[] details)
    {
        var s = created.Share;
        await call.Output.WriteLineAsync($"  URL:      {created.Url}");
        if (created.Password is { } password) await call.Output.WriteLineAsync($"  password: {password}");
        else await call.Output.WriteLineAsync(s.HasPassword ? "  password: yours (from --password-file)" : "  password: none: anyone with the URL can open it");
        if (created.PackagePassword is { } package)
            await call.Output.WriteLineAsync($"  package password: {package} (opens the encrypted package; pass it on apart from the link's)");
        if (created.PackageNote is { } note) await call.Output.WriteLineAsync($"  package: {note}");
        foreach (var (label, text) in details) await call.Output.WriteLineAsync($"  {label + ":",-9} {text}");
        await call.Output.WriteLineAsync(created.PackagePassword is not null ? "The URL and the passwords are shown only now: Custos keeps none of them."
            : created.Password is not null ? "The URL and the password are shown only now: Custos keeps neither."
            : "The URL is shown only now: Custos does not keep it.");
        if (s.HasPassword) await call.Output.WriteLineAsync(ShareCommand.HandoverHint(s.Id));
        return CustosCommandLine.Success;
    }

    private static string For(ShareInfo s) => s.Recipient is { } r ? $" for {r}" : "";

    /// <summary>The folder's path where the token may read folders, else its id.</summary>
    internal static async Task<string> FolderLabelAsync(DocumentTenant documents, Guid folderId, CancellationToken ct)
    {
        try
        {
            return await documents.PathOfAsync(folderId, ct);
        }
        catch (CommandException)
        {
            return $"folder {folderId}";
        }
    }
}
