using Custos.Commands.Remote;
using static Custos.Commands.Remote.RemoteNames;
using Custos.Web.Tenants;

namespace Custos.Commands.Documents;

/// <summary>
/// One tenant's documents through the API, with folders and documents named as people name them: by id, by path
/// ("Folder/Sub" for a folder, "Folder/Sub/Name" for a document) or, for a document, by its name alone when no other
/// reachable document has it. Names that match more than one thing are refused with the candidates' ids.
/// </summary>
internal sealed class DocumentTenant(DocumentClient client, TenantEndpoints.TenantDto tenant)
{
    private IReadOnlyList<DocFolder>? folders;
    private Dictionary<Guid, string>? folderPaths;
    private readonly Dictionary<Guid, IReadOnlyList<DocInfo>> documents = [];
    private IReadOnlyList<DocRetentionClass>? classes;

    public string Api => $"/api/v1/tenants/{tenant.Id}/documents";

    public string Name => tenant.Name;

    /// <summary>The tenant named, or the only one the token reaches (as `vault` chooses it).</summary>
    public static async Task<DocumentTenant> OpenAsync(DocumentClient client, string? nameOrId, CancellationToken ct) =>
        new(client, await TenantAsync(c => client.GetAsync<List<TenantEndpoints.TenantDto>>("/api/v1/tenants", c), nameOrId, ct));

    public async Task<IReadOnlyList<DocFolder>> FoldersAsync(CancellationToken ct) =>
        folders ??= await client.GetAsync<List<DocFolder>>($"{Api}/folders", ct);

    public async Task<IReadOnlyList<DocInfo>> DocumentsAsync(Guid folderId, CancellationToken ct)
    {
        if (!documents.TryGetValue(folderId, out var listed))
            documents[folderId] = listed = await client.GetAsync<List<DocInfo>>($"{Api}?folder={folderId}", ct);
        return listed;
    }

    /// <summary>One document with its versions.</summary>
    public Task<DocInfo> DocumentAsync(Guid id, CancellationToken ct) => client.GetAsync<DocInfo>($"{Api}/{id}", ct);

    /// <summary>"Parent/Child"; a folder whose parent the caller cannot see starts its own path.</summary>
    public async Task<string> PathOfAsync(Guid folderId, CancellationToken ct)
    {
        folderPaths ??= FolderPaths(await FoldersAsync(ct), f => f.Id, f => f.ParentId, f => f.Name);
        return folderPaths.GetValueOrDefault(folderId) ?? folderId.ToString();
    }

    public async Task<DocFolder> FolderAsync(string nameOrPath, CancellationToken ct)
    {
        var all = await FoldersAsync(ct);
        if (Guid.TryParse(nameOrPath, out var id))
            return all.FirstOrDefault(f => f.Id == id) ?? throw new CommandException($"No folder {id} that you can see.");
        var wanted = Normalize(nameOrPath);
        var paths = new List<(DocFolder Folder, string Path)>();
        foreach (var f in all) paths.Add((f, await PathOfAsync(f.Id, ct)));
        var found = Match(paths, p => p.Path, wanted);
        return found.Count switch
        {
            1 => found[0].Folder,
            0 => throw new CommandException($"No folder '{wanted}' that you can see (name it as Folder/Sub or by id; 'custos doc ls' lists them)."),
            _ => throw Ambiguous(wanted, "folders", found.Select(x => (x.Folder.Id, x.Path))),
        };
    }

    /// <summary>
    /// A document by id, by "Folder/Sub/Name" or by its name alone. Names may themselves hold a slash, so every folder whose
    /// path begins the text is tried, and only the folders that can hold the document are listed.
    /// </summary>
    public async Task<DocInfo> FindDocumentAsync(string text, CancellationToken ct)
    {
        if (Guid.TryParse(text, out var id)) return await DocumentAsync(id, ct);
        var wanted = text.Trim().TrimStart('/');
        var byPath = new List<(DocInfo Document, string Path)>();
        foreach (var folder in await FoldersAsync(ct))
        {
            var path = await PathOfAsync(folder.Id, ct);
            if (!wanted.StartsWith(path + "/", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var d in await DocumentsAsync(folder.Id, ct)) byPath.Add((d, $"{path}/{d.Name}"));
        }
        var found = Match(byPath, p => p.Path, wanted);
        if (found.Count == 0)
        {
            // A name alone is enough when it is unique among the documents the caller can see.
            var byName = new List<(DocInfo Document, string Path)>();
            foreach (var folder in await FoldersAsync(ct))
            {
                var path = await PathOfAsync(folder.Id, ct);
                foreach (var d in await DocumentsAsync(folder.Id, ct)) byName.Add((d, $"{path}/{d.Name}"));
            }
            found = byName.Where(p => p.Document.Name == wanted).ToList();
            if (found.Count == 0) found = byName.Where(p => string.Equals(p.Document.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        return found.Count switch
        {
            1 => found[0].Document,
            0 => throw new CommandException($"No document '{wanted}' that you can see (name it as Folder/Sub/Name, by its name alone, or by id)."),
            _ => throw Ambiguous(wanted, "documents", found.Select(x => (x.Document.Id, x.Path))),
        };
    }

    /// <summary>The id of the document named: an id as given (the server decides whether the caller reaches it), otherwise looked up.</summary>
    public async Task<Guid> DocumentIdAsync(string text, CancellationToken ct) =>
        Guid.TryParse(text, out var id) ? id : (await FindDocumentAsync(text, ct)).Id;

    /// <summary>A project of the tenant, by name or id (for a top-level folder that belongs to it).</summary>
    public async Task<TenantEndpoints.ProjectDto> ProjectAsync(string nameOrId, CancellationToken ct)
    {
        var projects = (await client.GetAsync<TenantEndpoints.TenantDetailDto>($"/api/v1/tenants/{tenant.Id}", ct)).Projects;
        var wanted = nameOrId.Trim();
        var found = Match(projects.ToList(), p => p.Name, wanted);
        if (Guid.TryParse(wanted, out var id)) found = projects.Where(p => p.Id == id).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new CommandException($"No project '{wanted}' in {tenant.Name} that you can see" +
                                            (projects.Count == 0 ? "." : $"; its projects: {string.Join(", ", projects.Select(p => p.Name))}.")),
            _ => throw Ambiguous(wanted, "projects", found.Select(p => (p.Id, p.Name))),
        };
    }

    /// <summary>The installation's retention classes (the same for every tenant), by name.</summary>
    public async Task<IReadOnlyList<DocRetentionClass>> RetentionClassesAsync(CancellationToken ct) =>
        classes ??= await client.GetAsync<List<DocRetentionClass>>("/api/v1/retention-classes", ct);

    /// <summary>A retention class by id or name (exact first, then ignoring case).</summary>
    public async Task<DocRetentionClass> RetentionClassAsync(string nameOrId, CancellationToken ct)
    {
        var all = await RetentionClassesAsync(ct);
        var wanted = nameOrId.Trim();
        var found = Guid.TryParse(wanted, out var id) ? all.Where(c => c.Id == id).ToList() : Match(all.ToList(), c => c.Name, wanted);
        if (found.Count == 1) return found[0];
        if (found.Count > 1) throw Ambiguous(wanted, "retention classes", found.Select(c => (c.Id, c.Name)));
        var names = string.Join(", ", all.Select(c => c.Name));
        throw new CommandException($"No retention class '{wanted}'" + (all.Count == 0 ? "." : $"; the classes are: {names} ('custos doc classes')."));
    }

    /// <summary>
    /// What a legal hold goes on: a folder (Folder/Sub or id) or a document (as <see cref="FindDocumentAsync"/> finds it).
    /// An id that is no folder the caller sees is taken as a document's; a path that names both is refused with their ids.
    /// </summary>
    public async Task<(Guid? DocumentId, Guid? FolderId, string Label)> FolderOrDocumentAsync(string text, CancellationToken ct)
    {
        var all = await FoldersAsync(ct);
        if (Guid.TryParse(text, out var id))
        {
            return all.FirstOrDefault(f => f.Id == id) is { } byId
                ? (null, byId.Id, $"folder {await PathOfAsync(byId.Id, ct)}")
                : (id, null, $"document {id}");
        }
        var wanted = Normalize(text);
        var paths = new List<(DocFolder Folder, string Path)>();
        foreach (var f in all) paths.Add((f, await PathOfAsync(f.Id, ct)));
        var folders = Match(paths, p => p.Path, wanted);
        if (folders.Count > 1) throw Ambiguous(wanted, "folders", folders.Select(x => (x.Folder.Id, x.Path)));
        DocInfo? document = null;
        try
        {
            document = await FindDocumentAsync(text, ct);
        }
        catch (CommandException e) when (e.Message.StartsWith("No document", StringComparison.Ordinal))
        {
            if (folders.Count == 0)
                throw new CommandException($"No folder or document '{wanted}' that you can see (name a folder as Folder/Sub, a document as " +
                                           "Folder/Sub/Name or by its name alone, or either by id).");
        }
        if (document is null) return (null, folders[0].Folder.Id, $"folder {folders[0].Path}");
        if (folders.Count == 0) return (document.Id, null, $"document {await PathOfAsync(document.FolderId, ct)}/{document.Name}");
        throw Ambiguous(wanted, "a folder and a document", [(folders[0].Folder.Id, $"folder {folders[0].Path}"), (document.Id, $"document {document.Name}")]);
    }

    /// <summary>A search (the query string as the API takes it, starting with '?').</summary>
    public Task<DocSearchResult> SearchAsync(string query, CancellationToken ct) => client.GetAsync<DocSearchResult>($"{Api}/search{query}", ct);

    /// <summary>
    /// One document's tags and retention state, as the search reports them (by folder and name, which need no index).
    /// Null when the search does not return it (the server then refuses the document itself as well).
    /// </summary>
    public async Task<DocSearchHit?> StateOfAsync(DocInfo document, Guid? label, CancellationToken ct)
    {
        var query = $"?folder={document.FolderId}&name={Uri.EscapeDataString(document.Name)}&limit=1000" + (label is { } l ? $"&label={l}" : "");
        var found = await SearchAsync(query, ct);
        return found.Hits.FirstOrDefault(h => h.Document.Id == document.Id);
    }

    private static string Normalize(string path) => path.Trim().Trim('/');
}
