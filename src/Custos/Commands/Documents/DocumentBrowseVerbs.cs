using System.CommandLine;
using System.Globalization;

namespace Custos.Commands.Documents;

/// <summary>ls, versions, mkdir: the folder tree and what is in it, never the content.</summary>
internal static class DocumentBrowseVerbs
{
    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return List(verbs);
        yield return Versions(verbs);
        yield return MakeFolder(verbs);
    }

    public static Option<bool> Json() => new("--json") { Description = "Machine-readable output (JSON)." };

    public static Argument<string> Document() => new("document")
    {
        Description = "The document: Folder/Sub/Name, its name alone (when no other document has it), or its id.",
    };

    /// <summary>Times as the operator reads them in the audit log: UTC, to the second.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static Command List(DocumentVerbs verbs)
    {
        var folder = new Argument<string?>("folder")
        {
            Description = "A folder (Folder/Sub or id): its subfolders and documents. Without it: every folder you can see.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var json = Json();
        return verbs.Verb("ls", "List the folders, or a folder's documents with their version, size and who has them checked out.", [folder, json],
            async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var all = await documents.FoldersAsync(ct);
            if (call.Get(folder) is not { } name || name.Trim() == "/")
            {
                var rows = new List<(DocFolder Folder, string Path)>();
                foreach (var f in all) rows.Add((f, await documents.PathOfAsync(f.Id, ct)));
                rows.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
                if (call.Get(json))
                    return await call.PrintJsonAsync(new { folders = rows.Select(r => new { r.Folder.Id, r.Folder.Name, r.Path, r.Folder.ParentId, r.Folder.Rights }) });
                foreach (var (f, path) in rows) await call.Output.WriteLineAsync($"{f.Id}  {path}/");
                if (rows.Count == 0) await call.Error.WriteLineAsync($"(no folders in {documents.Name} that you can see; create one with 'custos doc mkdir NAME')");
                return CustosCommandLine.Success;
            }

            var parent = await documents.FolderAsync(name, ct);
            var subfolders = all.Where(f => f.ParentId == parent.Id).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            var listed = await documents.DocumentsAsync(parent.Id, ct);
            if (call.Get(json))
            {
                return await call.PrintJsonAsync(new
                {
                    folder = new { parent.Id, parent.Name, Path = await documents.PathOfAsync(parent.Id, ct), parent.Rights },
                    folders = subfolders.Select(f => new { f.Id, f.Name }),
                    documents = listed.Select(d => new
                    {
                        d.Id, d.Name, Version = d.CurrentVersion, d.Size, d.MediaType, d.ModifiedAt,
                        Lock = d.Lock is { } l ? new { l.Holder, l.Since, l.Mine } : null,
                    }),
                });
            }
            foreach (var f in subfolders) await call.Output.WriteLineAsync($"{f.Id}  {f.Name}/");
            foreach (var d in listed)
            {
                var holder = d.Lock is { } l ? $"  checked out by {(l.Mine ? "you" : l.Holder)} since {Time(l.Since)}" : "";
                await call.Output.WriteLineAsync($"{d.Id}  {d.Name,-40} v{d.CurrentVersion,-3} {ByteSize.Format(d.Size),10}{holder}");
            }
            if (subfolders.Count == 0 && listed.Count == 0) await call.Error.WriteLineAsync("(empty)");
            return CustosCommandLine.Success;
        });
    }

    private static Command Versions(DocumentVerbs verbs)
    {
        var doc = Document();
        var json = Json();
        return verbs.Verb("versions", "List a document's versions: number, size, SHA-256, author, time and comment.", [doc, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var id = await documents.DocumentIdAsync(call.Get(doc)!, ct);
            var d = await documents.DocumentAsync(id, ct);
            var versions = d.Versions ?? [];
            if (call.Get(json))
            {
                return await call.PrintJsonAsync(new
                {
                    d.Id, d.Name, d.CurrentVersion, Lock = d.Lock is { } l ? new { l.Holder, l.Since, l.Mine } : null,
                    versions = versions.Select(v => new { v.Number, v.Size, v.Sha256, v.Author, v.CreatedAt, v.Comment, v.MediaType }),
                });
            }
            await call.Output.WriteLineAsync($"{d.Name} ({d.Id})" +
                (d.Lock is { } held ? $", checked out by {(held.Mine ? "you" : held.Holder)} since {Time(held.Since)}" : ""));
            foreach (var v in versions.OrderByDescending(v => v.Number))
            {
                await call.Output.WriteLineAsync($"{(v.Number == d.CurrentVersion ? '*' : ' ')} v{v.Number,-3} {ByteSize.Format(v.Size),10}  {v.Sha256}  " +
                                                 $"{v.Author,-16} {Time(v.CreatedAt)}  {v.Comment}".TrimEnd());
            }
            return CustosCommandLine.Success;
        });
    }

    private static Command MakeFolder(DocumentVerbs verbs)
    {
        var name = new Argument<string>("name") { Description = "The new folder's name." };
        var parent = new Option<string?>("--parent") { Description = "The folder it goes into (Folder/Sub or id; default: the top level)." };
        var project = new Option<string?>("--project")
        {
            Description = "For a top-level folder: the project (name or id) it belongs to, so that the project's grants reach it.",
        };
        var json = Json();
        var command = verbs.Verb("mkdir", "Create a folder (needs Write); a subfolder belongs to its parent's project.", [name, parent, project, json],
            async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var under = call.Get(parent) is { } p ? await documents.FolderAsync(p, ct) : null;
            var projectId = call.Get(project) is { } pr ? (await documents.ProjectAsync(pr, ct)).Id : (Guid?)null;
            var created = await call.Client.PostAsync<DocFolder>($"{documents.Api}/folders",
                new { name = call.Get(name), parentId = under?.Id, projectId }, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(created);
            var path = under is null ? created.Name : $"{await documents.PathOfAsync(under.Id, ct)}/{created.Name}";
            return await call.PrintAsync($"Created folder {path} ({created.Id}).");
        });
        command.Validators.Add(r =>
        {
            if (r.GetResult(parent) is { Implicit: false } && r.GetResult(project) is { Implicit: false })
                r.AddError("--parent and --project cannot be combined: a subfolder belongs to its parent's project.");
        });
        return command;
    }
}
