using Custos.Commands.Vault;
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

    public string Api => $"/api/v1/tenants/{tenant.Id}/documents";

    public string Name => tenant.Name;

    /// <summary>The tenant named, or the only one the token reaches (as `vault` chooses it).</summary>
    public static async Task<DocumentTenant> OpenAsync(DocumentClient client, string? nameOrId, CancellationToken ct)
    {
        var reachable = await client.GetAsync<List<TenantEndpoints.TenantDto>>("/api/v1/tenants", ct);
        var names = string.Join(", ", reachable.Select(t => t.Name));
        if (nameOrId is null)
        {
            return reachable.Count switch
            {
                1 => new DocumentTenant(client, reachable[0]),
                0 => throw new CommandException("The token's user reaches no tenant."),
                _ => throw new VaultUsageException($"Choose the tenant with --tenant or CUSTOS_TENANT; reachable: {names}."),
            };
        }
        var match = reachable.Where(t => t.Id.ToString() == nameOrId.ToLowerInvariant() || t.Name == nameOrId).ToList();
        if (match.Count == 0) match = reachable.Where(t => string.Equals(t.Name, nameOrId, StringComparison.OrdinalIgnoreCase)).ToList();
        return match.Count == 1
            ? new DocumentTenant(client, match[0])
            : throw new CommandException($"No reachable tenant '{nameOrId}'" + (reachable.Count == 0 ? "." : $"; reachable: {names}."));
    }

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
        if (folderPaths is null)
        {
            var byId = (await FoldersAsync(ct)).ToDictionary(f => f.Id);
            folderPaths = [];
            foreach (var folder in byId.Values)
            {
                var parts = new List<string>();
                for (var f = folder; f is not null && parts.Count <= byId.Count; f = f.ParentId is { } p ? byId.GetValueOrDefault(p) : null)
                    parts.Insert(0, f.Name);
                folderPaths[folder.Id] = string.Join('/', parts);
            }
        }
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

    private static string Normalize(string path) => path.Trim().Trim('/');

    /// <summary>Exact paths first; letter case decides only when nothing matches exactly.</summary>
    private static List<T> Match<T>(List<T> items, Func<T, string> path, string wanted)
    {
        var exact = items.Where(p => path(p) == wanted).ToList();
        return exact.Count > 0 ? exact : items.Where(p => string.Equals(path(p), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    private static CommandException Ambiguous(string wanted, string kind, IEnumerable<(Guid Id, string Label)> candidates) =>
        new($"'{wanted}' names several {kind}; use the id: {string.Join("; ", candidates.Select(c => $"{c.Id} ({c.Label})"))}.");
}
