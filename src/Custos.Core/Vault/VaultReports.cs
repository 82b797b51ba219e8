using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

public sealed record RevealRecord(Guid EntryId, string EntryTitle, string Tenant, string User, string Field, int Version, DateTimeOffset At,
    string? ClientAddress, string Client, bool SinceLastChange);

public sealed record EntryAccessReport(Guid EntryId, string Title, DateTimeOffset PasswordChangedAt, IReadOnlyList<(string User, string Rights)> Access,
    IReadOnlyList<RevealRecord> RevealsSinceChange);

public sealed record ExpiryRecord(Guid EntryId, string Title, Guid FolderId, DateTimeOffset ExpiresAt, string State);

/// <summary>
/// The vault's evidence (TOM 6.9, 6.10): who can reach an entry and who revealed it since it last changed; what one
/// person revealed; which entries expire. Entry reports need Manage on the entry; the per-person report is for auditors.
/// </summary>
public sealed class VaultReports(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, Audit.AuditLog audit, VaultOptions options, TimeProvider time)
{
    public async Task<Result<EntryAccessReport>> ForEntryAsync(TenantId tenant, Guid entryId, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        var target = VaultAudit.EntryTarget(entryId);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, "vault.report.entry", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Manage)) return await VaultAudit.DenyAsync(audit, db, caller, "vault.report.entry", tenant, target, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;

        // Everyone who reaches the tenant is a candidate; each is judged by the same policy that decides their requests.
        var candidates = await (from g in db.TenantGrants
                                join m in db.GroupMembers on g.GroupId equals m.GroupId
                                join u in db.Users on m.UserId equals u.Id
                                where g.TenantId == tenant && u.IsEnabled
                                select new { u.Id, u.UserName }).Distinct().ToListAsync(ct);
        var rows = new List<(string, string)>();
        foreach (var user in candidates.OrderBy(c => c.UserName))
        {
            var theirs = (await accessCache.GetAsync(db, user.Id, tenant, now, ct)).OnEntry(entry!);
            if (theirs != VaultRights.None) rows.Add((user.UserName, theirs.Describe()));
        }
        var reveals = await RevealsAsync(db, r => r.EntryId == entryId && r.At >= entry!.PasswordChangedAt, ct);
        return new EntryAccessReport(entry!.Id, entry.Title, entry.PasswordChangedAt, rows, reveals);
    }

    /// <summary>Everything one person revealed (newest first), for auditors and the offboarding.</summary>
    public async Task<Result<IReadOnlyList<RevealRecord>>> ForUserAsync(string userName, SessionPrincipal caller, CancellationToken ct = default)
    {
        if (!caller.IsInRole(Roles.Auditor)) return VaultErrors.Forbidden;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == userName.Trim().ToLowerInvariant(), ct);
        if (user is null) return VaultErrors.NotFound;
        return Result<IReadOnlyList<RevealRecord>>.Ok(await RevealsAsync(db, r => r.UserId == user.Id, ct));
    }

    /// <summary>Entries the caller may use that expired or expire within the warning period, soonest first.</summary>
    public async Task<IReadOnlyList<ExpiryRecord>> ExpiringAsync(TenantId tenant, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        if (!access.TenantReachable) return [];
        var horizon = now.AddDays(options.ExpiryWarningDays);
        var rows = await db.VaultEntries.AsNoTracking().Where(e => e.TenantId == tenant && e.ExpiresAt != null && e.ExpiresAt <= horizon)
            .OrderBy(e => e.ExpiresAt).ToListAsync(ct);
        // As in the entry list: entries in sensitive folders only after a step-up.
        return rows.Where(e => access.OnEntry(e) != VaultRights.None && (!access.IsSensitive(e.FolderId) || caller.SteppedUp))
            .Select(e => new ExpiryRecord(e.Id, e.Title, e.FolderId, e.ExpiresAt!.Value, e.ExpiresAt <= now ? "expired" : "expiring")).ToList();
    }

    private static async Task<IReadOnlyList<RevealRecord>> RevealsAsync(CustosDbContext db, System.Linq.Expressions.Expression<Func<VaultReveal, bool>> filter,
        CancellationToken ct)
    {
        var rows = await (from r in db.VaultReveals.AsNoTracking().Where(filter)
                          join e in db.VaultEntries on r.EntryId equals e.Id into es
                          from e in es.DefaultIfEmpty()
                          join t in db.Tenants on r.TenantId equals t.Id
                          join u in db.Users on r.UserId equals u.Id into us
                          from u in us.DefaultIfEmpty()
                          orderby r.At descending
                          select new { r, Title = e == null ? "(deleted)" : e.Title, Changed = e == null ? (DateTimeOffset?)null : e.PasswordChangedAt,
                              Tenant = t.Name, User = u == null ? r.UserId.ToString() : u.UserName }).Take(10_000).ToListAsync(ct);
        return rows.Select(x => new RevealRecord(x.r.EntryId, x.Title, x.Tenant, x.User, x.r.Field, x.r.EntryVersion, x.r.At, x.r.ClientAddress,
            x.r.Client, x.Changed is { } c && x.r.At >= c)).ToList();
    }
}
