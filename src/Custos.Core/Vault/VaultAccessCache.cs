using Custos.Core.Common;
using Custos.Core.Data;

namespace Custos.Core.Vault;

/// <summary>
/// Keeps each user's <see cref="VaultAccess"/> per tenant between requests, so a reveal does not re-read the folder
/// tree and the grants every time. Every call reads the <see cref="RightsStamp"/> (one tiny query), so a revocation
/// committed on any node counts from the next request on, as if nothing were cached. Time-limited grants need no
/// stamp: an access is rebuilt from its rows when a grant's start or end passes.
/// </summary>
public sealed class VaultAccessCache
{
    private sealed record Cached(VaultAccess Access, VaultAccess.Rows Rows, DateTimeOffset From, DateTimeOffset Until);

    /// <summary>Users × tenants kept at most.</summary>
    private readonly StampedCache<(UserId, TenantId), Cached> cache = new(50_000);

    /// <summary>The rights stamp now, or null inside a transaction (nothing is cached there).</summary>
    public Task<long?> ReadStampAsync(CustosDbContext db) => cache.ReadStampAsync(db);

    /// <param name="knownStamp">The stamp this request already read (when it was authenticated), saving a query.</param>
    public async Task<VaultAccess> GetAsync(CustosDbContext db, UserId user, TenantId tenant, DateTimeOffset now, CancellationToken ct = default,
        long? knownStamp = null)
    {
        var stamp = db.Database.CurrentTransaction is not null ? null : knownStamp ?? await cache.ReadStampAsync(db);
        // Later than the rows' steady span: rebuild from the same rows. Earlier (a clock set back): the rows lack grants
        // that had ended when they were read, so read again.
        if (cache.TryGet(stamp, (user, tenant), out var hit) && now >= hit.From)
            return now < hit.Until ? hit.Access : Store(stamp, user, tenant, hit.Rows, now);
        return Store(stamp, user, tenant, await VaultAccess.LoadRowsAsync(db, user, tenant, now, ct), now);
    }

    private VaultAccess Store(long? stamp, UserId user, TenantId tenant, VaultAccess.Rows rows, DateTimeOffset now)
    {
        var (from, until) = rows.SteadyAround(now);
        var access = new VaultAccess(rows, now);
        cache.Set(stamp, (user, tenant), new Cached(access, rows, from, until));
        return access;
    }
}
