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
    // Filled for every folder by the constructor and only read afterwards: one instance is shared by concurrent
    // requests through the cache.
    private readonly Dictionary<Guid, VaultRights> folderRights = [];

    internal sealed record FolderNode(Guid Id, Guid? ParentId, bool InheritRights, bool IsSensitive);

    /// <summary>A grant as loaded, with its time window; which grants are live depends on the moment.</summary>
    internal sealed record GrantRow(Guid? FolderId, Guid? EntryId, VaultRights Rights, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter)
    {
        public bool LiveAt(DateTimeOffset now) => (NotBefore is null || NotBefore <= now) && (NotAfter is null || NotAfter > now);
    }

    /// <summary>Everything the rights of one user in one tenant derive from, as read from the database.</summary>
    internal sealed record Rows(TenantId Tenant, bool Reachable, bool TenantSensitive, List<FolderNode> Folders, List<GrantRow> Grants,
        Dictionary<Guid, Guid> EntryFolders)
    {
        /// <summary>The span around <paramref name="now"/> in which the same grants are live (no grant starts or ends).</summary>
        public (DateTimeOffset From, DateTimeOffset Until) SteadyAround(DateTimeOffset now)
        {
            var from = DateTimeOffset.MinValue;
            var until = DateTimeOffset.MaxValue;
            foreach (var g in Grants)
            {
                foreach (var edge in new[] { g.NotBefore, g.NotAfter })
                {
                    if (edge is not { } e) continue;
                    if (e <= now && e > from) from = e;
                    if (e > now && e < until) until = e;
                }
            }
            return (from, until);
        }
    }

    internal VaultAccess(Rows rows, DateTimeOffset now)
    {
        Tenant = rows.Tenant;
        TenantReachable = rows.Reachable;
        TenantSensitive = rows.TenantSensitive;
        folders = rows.Folders.ToDictionary(f => f.Id);
        var live = rows.Reachable ? rows.Grants.Where(g => g.LiveAt(now)).ToList() : [];
        rootRights = live.Where(g => g.FolderId is null && g.EntryId is null).Aggregate(VaultRights.None, (a, g) => a | g.Rights).Normalize();
        folderGrants = live.Where(g => g.FolderId is not null).GroupBy(g => g.FolderId!.Value)
            .ToDictionary(g => g.Key, g => g.Aggregate(VaultRights.None, (a, x) => a | x.Rights));
        entryGrants = live.Where(g => g.EntryId is not null).GroupBy(g => g.EntryId!.Value)
            .ToDictionary(g => g.Key, g => g.Aggregate(VaultRights.None, (a, x) => a | x.Rights));
        foreach (var id in folders.Keys) folderRights[id] = ComputeFolder(folders[id]);
        VisibleFolders = ComputeVisibleFolders(rows.EntryFolders);
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

    public VaultRights OnFolder(Guid folderId) => folderRights.GetValueOrDefault(folderId);

    private VaultRights ComputeFolder(FolderNode node)
    {
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
        return rights.Normalize();
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
    /// Loads the user's access to one tenant's vault from the database, uncached (inside transactions, where the
    /// caller must see its own changes); <see cref="VaultAccessCache"/> serves everything else.
    /// </summary>
    public static async Task<VaultAccess> LoadAsync(CustosDbContext db, UserId user, TenantId tenant, DateTimeOffset now, CancellationToken ct = default) =>
        new(await LoadRowsAsync(db, user, tenant, now, ct), now);

    /// <summary>
    /// Three round trips at most: the user's groups stay a subquery instead of a query of their own. Grants that ended
    /// before <paramref name="now"/> are left out; grants that start later are kept, so the rows stay good while time passes.
    /// </summary>
    internal static async Task<Rows> LoadRowsAsync(CustosDbContext db, UserId user, TenantId tenant, DateTimeOffset now, CancellationToken ct)
    {
        var groups = db.GroupMembers.Where(m => m.UserId == user).Select(m => m.GroupId);
        var state = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant)
            .Select(t => new { t.IsSensitive, Reachable = db.TenantGrants.Any(g => g.TenantId == tenant && groups.Contains(g.GroupId)) })
            .SingleOrDefaultAsync(ct);
        if (state is not { Reachable: true }) return new Rows(tenant, false, state?.IsSensitive ?? false, [], [], []);

        var folders = await db.VaultFolders.AsNoTracking().Where(f => f.TenantId == tenant)
            .Select(f => new FolderNode(f.Id, f.ParentId, f.InheritRights, f.IsSensitive)).ToListAsync(ct);
        var grants = await db.VaultGrants.AsNoTracking()
            .Where(g => g.TenantId == tenant && ((g.UserId != null && g.UserId == user) || (g.GroupId != null && groups.Contains(g.GroupId.Value))))
            .Where(g => g.NotAfter == null || g.NotAfter > now)
            .Select(g => new GrantRow(g.FolderId, g.EntryId, g.Rights, g.NotBefore, g.NotAfter)).ToListAsync(ct);
        var entryIds = grants.Where(g => g.EntryId != null).Select(g => g.EntryId!.Value).Distinct().ToList();
        var entryFolders = entryIds.Count == 0
            ? []
            : await db.VaultEntries.AsNoTracking().Where(e => e.TenantId == tenant && entryIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.FolderId, ct);
        return new Rows(tenant, true, state.IsSensitive, folders, grants, entryFolders);
    }
}
