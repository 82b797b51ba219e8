using Custos.Commands.Vault;
using Custos.Web.Tenants;

namespace Custos.Commands.Remote;

/// <summary>Tenants, folders and items named as people name them: the rules `vault` and `doc` share.</summary>
internal static class RemoteNames
{
    /// <summary>The tenant named (by id, name, or name in another letter case), or the only one the token reaches.</summary>
    public static async Task<TenantEndpoints.TenantDto> TenantAsync(Func<CancellationToken, Task<List<TenantEndpoints.TenantDto>>> reachableAsync,
        string? nameOrId, CancellationToken ct)
    {
        var reachable = await reachableAsync(ct);
        var names = string.Join(", ", reachable.Select(t => t.Name));
        if (nameOrId is null)
        {
            return reachable.Count switch
            {
                1 => reachable[0],
                0 => throw new CommandException("The token's user reaches no tenant."),
                _ => throw new VaultUsageException($"Choose the tenant with --tenant or CUSTOS_TENANT; reachable: {names}."),
            };
        }
        var match = reachable.Where(t => t.Id.ToString() == nameOrId.ToLowerInvariant() || t.Name == nameOrId).ToList();
        if (match.Count == 0) match = reachable.Where(t => string.Equals(t.Name, nameOrId, StringComparison.OrdinalIgnoreCase)).ToList();
        return match.Count == 1
            ? match[0]
            : throw new CommandException($"No reachable tenant '{nameOrId}'" + (reachable.Count == 0 ? "." : $"; reachable: {names}."));
    }

    /// <summary>Each folder's path, "Parent/Child"; a folder whose parent the caller cannot see starts its own path.</summary>
    public static Dictionary<Guid, string> FolderPaths<T>(IEnumerable<T> folders, Func<T, Guid> id, Func<T, Guid?> parentId, Func<T, string> name)
        where T : class
    {
        var byId = folders.ToDictionary(id);
        var paths = new Dictionary<Guid, string>();
        foreach (var folder in byId.Values)
        {
            var parts = new List<string>();
            for (var f = folder; f is not null && parts.Count <= byId.Count; f = parentId(f) is { } p ? byId.GetValueOrDefault(p) : default)
                parts.Insert(0, name(f));
            paths[id(folder)] = string.Join('/', parts);
        }
        return paths;
    }

    /// <summary>Exact paths first; letter case decides only when nothing matches exactly.</summary>
    public static List<T> Match<T>(IEnumerable<T> items, Func<T, string> path, string wanted)
    {
        var all = items as IReadOnlyCollection<T> ?? items.ToList();
        var exact = all.Where(p => path(p) == wanted).ToList();
        return exact.Count > 0 ? exact : all.Where(p => string.Equals(path(p), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    public static CommandException Ambiguous(string wanted, string kind, IEnumerable<(Guid Id, string Label)> candidates) =>
        new($"'{wanted}' names several {kind}; use the id: {string.Join("; ", candidates.Select(c => $"{c.Id} ({c.Label})"))}.");
}
