using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

/// <summary>
/// What one user may do in one tenant's vault, loaded once per request: the folder tree and the user's live grants
/// (their own and their groups'). Deny by default: no tenant access, no grant, or a grant outside its time window
/// means no rights. Rights flow from the vault root through folders to entries unless a folder or entry breaks
/// inheritance.
/// </summary>
public sealed class VaultAccess
{
    private readonly Dictionary<Guid, FolderNode> folders;
    private readonly VaultRights rootRights;
    private readonly Dictionary<Guid, VaultRights> folderGrants;
    private readonly Dictionary<Guid, VaultRights> entryGrants;
    private readonly Dictionary<Guid, VaultRights> folderMemo = [];

    internal sealed record FolderNode(Guid Id, Guid? ParentId, bool InheritRights, bool IsSensitive);

    internal VaultAccess(TenantId tenant, bool tenantReachable, bool tenantSensitive, IEnumerable<FolderNode> folders,
        IEnumerable<(Guid? FolderId, Guid? EntryId, VaultRights Rights)> grants, IReadOnlyDictionary<Guid, Guid> grantedEntryFolders)
    {
        Tenant = tenant;
        TenantReachable = tenantReachable;
        TenantSensitive = tenantSensitive;
        this.folders = folders.ToDictionary(f => f.Id);
        var live = tenantReachable ? grants.ToList() : [];
        rootRights = live.Where(g => g.FolderId is null && g.EntryId is null).Aggregate(VaultRights.None, (a, g) => a | g.Rights).Normalize();
        folderGrants = live.Where(g => g.FolderId is not null).GroupBy(g => g.FolderId!.Value)
            .ToDictionary(g => g.Key, g => g.Aggregate(VaultRights.None, (a, x) => a | x.Rights));
        entryGrants = live.Where(g => g.EntryId is not null).GroupBy(g => g.EntryId!.Value)
            .ToDictionary(g => g.Key, g => g.Aggregate(VaultRights.None, (a, x) => a | x.Rights));
        VisibleFolders = ComputeVisibleFolders(grantedEntryFolders);
    }

    public TenantId Tenant { get; }
    /// <summary>The user reaches the tenant at all (a tenant or project grant to one of their groups).</summary>
    public bool TenantReachable { get; }
    public bool TenantSensitive { get; }

    /// <summary>Folders the user sees in the tree: those with rights, and the folders above them (names only).</summary>
    public IReadOnlySet<Guid> VisibleFolders { get; }

    public bool FolderExists(Guid folderId) => folders.ContainsKey(folderId);

    /// <summary>Rights on the vault root: creating top-level folders, and what every inheriting folder starts from.</summary>
    public VaultRights OnRoot() => rootRights;

    public VaultRights OnFolder(Guid folderId)
    {
        if (!folders.TryGetValue(folderId, out var node)) return VaultRights.None;
        if (folderMemo.TryGetValue(folderId, out var known)) return known;
        // Walk up to the first folder that breaks inheritance (or the root), collecting grants on the way.
        var rights = VaultRights.None;
        var current = node;
        var guard = 0;
        while (true)
        {
            rights |= folderGrants.GetValueOrDefault(current.Id);
            if (!current.InheritRights) break;
            if (current.ParentId is not { } parent || !folders.TryGetValue(parent, out var up) || ++guard > folders.Count)
            {
                rights |= rootRights;
                break;
            }
            current = up;
        }
        return folderMemo[folderId] = rights.Normalize();
    }

    public VaultRights OnEntry(Guid entryId, Guid folderId, bool inheritRights) =>
        (entryGrants.GetValueOrDefault(entryId) | (inheritRights ? OnFolder(folderId) : VaultRights.None)).Normalize();

    public VaultRights OnEntry(VaultEntry entry) => OnEntry(entry.Id, entry.FolderId, entry.InheritRights);

    /// <summary>The tenant, the folder or any folder above it is marked sensitive: acting here needs a fresh step-up.</summary>
    public bool IsSensitive(Guid folderId)
    {
        if (TenantSensitive) return true;
        var guard = 0;
        for (var id = (Guid?)folderId; id is { } current && folders.TryGetValue(current, out var node) && guard++ <= folders.Count; id = node.ParentId)
            if (node.IsSensitive) return true;
        return false;
    }

    /// <summary>The folder's ancestors from the top down, for breadcrumbs (ids only).</summary>
    public IReadOnlyList<Guid> PathTo(Guid folderId)
    {
        var path = new List<Guid>();
        for (var id = (Guid?)folderId; id is { } current && folders.TryGetValue(current, out var node) && path.Count <= folders.Count; id = node.ParentId)
            path.Add(current);
        path.Reverse();
        return path;
    }

    private HashSet<Guid> ComputeVisibleFolders(IReadOnlyDictionary<Guid, Guid> grantedEntryFolders)
    {
        var visible = new HashSet<Guid>();
        if (!TenantReachable) return visible;
        void WithAncestors(Guid id)
        {
            foreach (var f in PathTo(id)) visible.Add(f);
        }
        foreach (var id in folders.Keys.Where(id => OnFolder(id) != VaultRights.None)) WithAncestors(id);
        foreach (var (entry, folder) in grantedEntryFolders)
            if (entryGrants.ContainsKey(entry)) WithAncestors(folder);
        return visible;
    }

    /// <summary>
    /// Loads the user's access to one tenant's vault; <paramref name="now"/> decides which timed grants are live. Three
    /// round trips at most (every reveal pays them): the user's groups stay a subquery instead of a query of their own.
    /// </summary>
    public static async Task<VaultAccess> LoadAsync(CustosDbContext db, UserId user, TenantId tenant, DateTimeOffset now, CancellationToken ct = default)
    {
        var groups = db.GroupMembers.Where(m => m.UserId == user).Select(m => m.GroupId);
        var state = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant)
            .Select(t => new { t.IsSensitive, Reachable = db.TenantGrants.Any(g => g.TenantId == tenant && groups.Contains(g.GroupId)) })
            .SingleOrDefaultAsync(ct);
        if (state is not { Reachable: true }) return new VaultAccess(tenant, false, state?.IsSensitive ?? false, [], [], new Dictionary<Guid, Guid>());

        var folders = await db.VaultFolders.AsNoTracking().Where(f => f.TenantId == tenant)
            .Select(f => new FolderNode(f.Id, f.ParentId, f.InheritRights, f.IsSensitive)).ToListAsync(ct);
        var grants = await db.VaultGrants.AsNoTracking()
            .Where(g => g.TenantId == tenant && ((g.UserId != null && g.UserId == user) || (g.GroupId != null && groups.Contains(g.GroupId.Value))))
            .Where(g => (g.NotBefore == null || g.NotBefore <= now) && (g.NotAfter == null || g.NotAfter > now))
            .Select(g => new { g.FolderId, g.EntryId, g.Rights }).ToListAsync(ct);
        var entryIds = grants.Where(g => g.EntryId != null).Select(g => g.EntryId!.Value).Distinct().ToList();
        var entryFolders = entryIds.Count == 0
            ? new Dictionary<Guid, Guid>()
            : await db.VaultEntries.AsNoTracking().Where(e => e.TenantId == tenant && entryIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.FolderId, ct);
        return new VaultAccess(tenant, true, state.IsSensitive, folders, grants.Select(g => (g.FolderId, g.EntryId, g.Rights)), entryFolders);
    }
}
