using Custos.Core.Common;
using Custos.Core.Data;

namespace Custos.Core.Documents;

/// <summary>
/// Keeps each user's <see cref="DocumentAccess"/> per tenant between requests, so an upload or download does not re-read
/// group memberships and grants every time. Valid while the <see cref="RightsStamp"/> stays put (its triggers watch
/// tenant_grants and group_members), so a revoked grant counts on every node from the next request on. Requests
/// authenticated by a token bring the stamp read then (<see cref="DocumentCaller.RightsStamp"/>); inside a transaction
/// nothing is cached.
/// </summary>
public sealed class DocumentAccessCache
{
    /// <summary>Users × tenants kept at most.</summary>
    private readonly StampedCache<(UserId, TenantId), DocumentAccess> cache = new(50_000);

    public async Task<DocumentAccess> GetAsync(CustosDbContext db, DocumentCaller caller, TenantId tenant, CancellationToken ct)
    {
        var stamp = db.Database.CurrentTransaction is not null ? null : caller.RightsStamp ?? await cache.ReadStampAsync(db);
        if (cache.TryGet(stamp, (caller.User, tenant), out var hit)) return hit;
        var access = await DocumentAccess.LoadAsync(db, caller.User, tenant, ct);
        cache.Set(stamp, (caller.User, tenant), access);
        return access;
    }
}
