using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Sluice.Inspection;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sluice;

/// <summary>The tenants' sluice policies: which kinds of file may come in, what is released, how long originals are kept.</summary>
public sealed class SluicePolicies(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time, SluiceOptions options)
{
    public sealed record PolicyView(TenantId Tenant, IReadOnlyList<string> AllowedKinds, SluiceRelease Release, int KeepOriginalDays, bool IsDefault);

    public static IReadOnlyCollection<string> AllowedKinds(SluicePolicy? policy) =>
        policy?.AllowedKinds is { Length: > 0 } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : FileKinds.DefaultAllowed;

    public async Task<PolicyView> GetAsync(TenantId tenant, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policy = await db.SluicePolicies.AsNoTracking().SingleOrDefaultAsync(p => p.TenantId == tenant, ct);
        return new PolicyView(tenant, AllowedKinds(policy).Order(StringComparer.Ordinal).ToList(), policy?.Release ?? options.DefaultRelease,
            policy?.KeepOriginalDays ?? 14, policy is null);
    }

    /// <summary>Sets a tenant's policy (administrators). Null arguments keep what is set; unknown kinds are refused.</summary>
    public async Task<Result<PolicyView>> SetAsync(TenantId tenant, IReadOnlyCollection<string>? allowedKinds, SluiceRelease? release, int? keepDays, Actor actor,
        CancellationToken ct = default)
    {
        if (allowedKinds is not null)
        {
            var unknown = allowedKinds.Where(k => FileKinds.Find(k) is null).ToList();
            if (unknown.Count > 0) return SluiceErrors.InvalidPolicy($"Unknown kinds: {string.Join(", ", unknown)}. Known: {string.Join(", ", FileKinds.All.Select(k => k.Id))}.");
            if (allowedKinds.Count == 0) return SluiceErrors.InvalidPolicy("Allow at least one kind of file.");
        }
        if (keepDays is < 1 or > 3650) return SluiceErrors.InvalidPolicy("Originals are kept between 1 and 3,650 days.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenant, ct)) return SluiceErrors.InvalidPolicy("No such tenant.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var policy = await db.SluicePolicies.SingleOrDefaultAsync(p => p.TenantId == tenant, ct);
        if (policy is null)
        {
            policy = new SluicePolicy { TenantId = tenant, Release = options.DefaultRelease, UpdatedBy = actor.Name };
            db.SluicePolicies.Add(policy);
        }
        if (allowedKinds is not null) policy.AllowedKinds = string.Join(",", allowedKinds.Select(k => k.Trim().ToLowerInvariant()).Distinct());
        if (release is { } r) policy.Release = r;
        if (keepDays is { } d) policy.KeepOriginalDays = d;
        policy.UpdatedAt = time.StoredNow();
        policy.UpdatedBy = actor.Name;
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "sluice.policy", AuditOutcome.Success, tenant, $"tenant:{tenant}", actor.ClientAddress,
            new Dictionary<string, string?>
            {
                ["allowed"] = policy.AllowedKinds ?? "default", ["release"] = policy.Release.ToString(), ["keep_days"] = policy.KeepOriginalDays.ToString(),
            }), ct);
        return new PolicyView(tenant, AllowedKinds(policy).Order(StringComparer.Ordinal).ToList(), policy.Release, policy.KeepOriginalDays, false);
    }
}
