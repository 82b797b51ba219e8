using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>Per-tenant rules for links (administrators): password required, default and maximum expiry, upload requests.</summary>
public sealed class SharePolicies(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time, SharingOptions options)
{
    public sealed record Policy(bool PasswordRequired, int DefaultExpiryDays, int MaxExpiryDays, bool UploadRequestsAllowed);

    public Policy Defaults => new(true, options.DefaultExpiryDays, options.MaxExpiryDays, true);

    public async Task<Policy> GetAsync(CustosDbContext db, TenantId tenant, CancellationToken ct)
    {
        var row = await db.SharePolicies.AsNoTracking().SingleOrDefaultAsync(p => p.TenantId == tenant, ct);
        return row is null ? Defaults : new Policy(row.PasswordRequired, row.DefaultExpiryDays, row.MaxExpiryDays, row.UploadRequestsAllowed);
    }

    public async Task<Policy> GetAsync(TenantId tenant, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await GetAsync(db, tenant, ct);
    }

    /// <summary>Sets a tenant's policy; the maximum may not exceed the server's (<see cref="SharingOptions.MaxExpiryDays"/>).</summary>
    public async Task<Result<Policy>> SetAsync(TenantId tenant, Policy policy, Actor actor, CancellationToken ct = default)
    {
        if (policy.MaxExpiryDays < 1 || policy.MaxExpiryDays > options.MaxExpiryDays)
            return ShareErrors.Invalid($"The maximum expiry is between 1 and {options.MaxExpiryDays} days.");
        if (policy.DefaultExpiryDays < 1 || policy.DefaultExpiryDays > policy.MaxExpiryDays)
            return ShareErrors.Invalid("The default expiry is at least one day and at most the maximum.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.SharePolicies.SingleOrDefaultAsync(p => p.TenantId == tenant, ct);
        if (row is null) db.SharePolicies.Add(row = new SharePolicy { TenantId = tenant, UpdatedBy = actor.Name });
        (row.PasswordRequired, row.DefaultExpiryDays, row.MaxExpiryDays, row.UploadRequestsAllowed, row.UpdatedAt, row.UpdatedBy) =
            (policy.PasswordRequired, policy.DefaultExpiryDays, policy.MaxExpiryDays, policy.UploadRequestsAllowed, time.StoredNow(), actor.Name);
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "share.policy", AuditOutcome.Success, tenant, $"tenant:{tenant.Value}", actor.ClientAddress,
            new Dictionary<string, string?>
            {
                ["passwordRequired"] = policy.PasswordRequired.ToString(), ["defaultExpiryDays"] = policy.DefaultExpiryDays.ToString(),
                ["maxExpiryDays"] = policy.MaxExpiryDays.ToString(), ["uploadRequests"] = policy.UploadRequestsAllowed.ToString(),
            }), ct);
        return policy;
    }
}
