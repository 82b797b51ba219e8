using Custos.Core.Vault;
using Custos.Web.Tenants;
using static Custos.Commands.Remote.RemoteNames;

namespace Custos.Commands.Vault;

/// <summary>
/// One tenant's vault through the API, with folders and entries named as people name them: by id, or by path
/// "Folder/Sub/Title". Names that match more than one thing are refused with the candidates' ids.
/// </summary>
internal sealed class VaultTenant(VaultClient client, TenantEndpoints.TenantDto tenant)
{
    private IReadOnlyList<FolderView>? folders;
    private IReadOnlyList<EntryView>? entries;
    private Dictionary<Guid, string>? folderPaths;

    public string Api => $"/api/v1/tenants/{tenant.Id}/vault";

    /// <summary>The tenant named, or the only one the token reaches.</summary>
    public static async Task<VaultTenant> OpenAsync(VaultClient client, string? nameOrId, CancellationToken ct) =>
        new(client, await TenantAsync(c => client.GetAsync<List<TenantEndpoints.TenantDto>>("/api/v1/tenants", c), nameOrId, ct));

    public async Task<IReadOnlyList<FolderView>> FoldersAsync(CancellationToken ct) =>
        folders ??= await client.GetAsync<List<FolderView>>($"{Api}/folders", ct);

    public async Task<IReadOnlyList<EntryView>> EntriesAsync(CancellationToken ct) =>
        entries ??= await client.GetAsync<List<EntryView>>($"{Api}/entries", ct);

    /// <summary>"Parent/Child"; a folder whose parent the caller cannot see starts its own path.</summary>
    public async Task<string> PathOfAsync(Guid folderId, CancellationToken ct)
    {
        folderPaths ??= FolderPaths(await FoldersAsync(ct), f => f.Id, f => f.ParentId, f => f.Name);
        return folderPaths.GetValueOrDefault(folderId) ?? folderId.ToString();
    }

    public async Task<string> PathOfAsync(EntryView entry, CancellationToken ct) => $"{await PathOfAsync(entry.FolderId, ct)}/{entry.Title}";

    public async Task<FolderView> FolderAsync(string nameOrPath, CancellationToken ct)
    {
        var all = await FoldersAsync(ct);
        if (Guid.TryParse(nameOrPath, out var id))
            return all.FirstOrDefault(f => f.Id == id) ?? throw new CommandException($"No folder {id} that you can see.");
        var wanted = Normalize(nameOrPath);
        var paths = new List<(FolderView Folder, string Path)>();
        foreach (var f in all) paths.Add((f, await PathOfAsync(f.Id, ct)));
        var found = Match(paths, p => p.Path, wanted);
        return found.Count switch
        {
            1 => found[0].Folder,
            0 => throw new CommandException($"No folder '{wanted}' that you can see (name it as Folder/Sub or by id)."),
            _ => throw Ambiguous(wanted, "folders", found.Select(x => (x.Folder.Id, x.Path))),
        };
    }

    /// <summary>An entry id as given (it need not be listed: a colleague may pass on the id of one you may only request), or by path.</summary>
    public async Task<Guid> EntryIdAsync(string nameOrPath, CancellationToken ct) =>
        Guid.TryParse(nameOrPath, out var id) ? id : (await EntryAsync(nameOrPath, ct)).Id;

    public async Task<EntryView> EntryAsync(string nameOrPath, CancellationToken ct)
    {
        var all = await EntriesAsync(ct);
        if (Guid.TryParse(nameOrPath, out var id))
            return all.FirstOrDefault(e => e.Id == id) ?? await client.GetAsync<EntryView>($"{Api}/entries/{id}", ct);
        var wanted = Normalize(nameOrPath);
        var paths = new List<(EntryView Entry, string Path)>();
        foreach (var e in all) paths.Add((e, await PathOfAsync(e, ct)));
        var found = Match(paths, p => p.Path, wanted);
        // A title alone is enough when it is unique in the vault.
        if (found.Count == 0) found = paths.Where(p => p.Entry.Title == wanted).ToList();
        return found.Count switch
        {
            1 => found[0].Entry,
            0 => throw new CommandException($"No entry '{wanted}' that you can see (name it as Folder/Sub/Title or by id)."),
            _ => throw Ambiguous(wanted, "entries", found.Select(x => (x.Entry.Id, x.Path))),
        };
    }

    /// <summary>Where a grant goes: "/" is the vault root, otherwise a folder or an entry, by path or id.</summary>
    public async Task<(GrantTarget Target, string Label)> GrantTargetAsync(string text, CancellationToken ct)
    {
        if (text.Trim() == "/") return (GrantTarget.Root, "the vault root");
        var candidates = new List<(GrantTarget Target, Guid Id, string Label)>();
        var wanted = Normalize(text);
        foreach (var f in await FoldersAsync(ct))
        {
            var path = await PathOfAsync(f.Id, ct);
            if (f.Id.ToString() == wanted.ToLowerInvariant() || path == wanted) candidates.Add((new GrantTarget(f.Id, null), f.Id, $"folder {path}"));
        }
        foreach (var e in await EntriesAsync(ct))
        {
            var path = await PathOfAsync(e, ct);
            if (e.Id.ToString() == wanted.ToLowerInvariant() || path == wanted) candidates.Add((new GrantTarget(null, e.Id), e.Id, $"entry {path}"));
        }
        return candidates.Count switch
        {
            1 => (candidates[0].Target, candidates[0].Label),
            0 => throw new CommandException($"No folder or entry '{wanted}' that you can see ('/' is the vault root)."),
            _ => throw Ambiguous(wanted, "folders and entries", candidates.Select(c => (c.Id, c.Label))),
        };
    }

    private static string Normalize(string path) => path.Trim().Trim('/');
}
