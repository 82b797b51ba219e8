using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

public sealed record AccessRequestView(Guid Id, Guid EntryId, string EntryTitle, string User, int Hours, string Reason,
    AccessRequestStatus Status, DateTimeOffset RequestedAt, string? DecidedBy, DateTimeOffset? DecidedAt, AccessRequestKind Kind = AccessRequestKind.Read);

/// <summary>
/// "May I read this for N hours?": a user who sees an entry (or knows its id from a colleague) asks with a reason;
/// a Manage holder approves, which grants Read to that user alone until the time is up, or denies. All recorded.
/// The same for "may I use this server now?" where a folder's policy wants every SSH use approved: an approved session
/// request lets its user use the entry until the hours are up, and grants nothing else.
/// </summary>
public sealed class VaultAccessRequests(IDbContextFactory<CustosDbContext> dbFactory, VaultAccessCache accessCache, AuditLog audit, TimeProvider time)
{
    public const int MaxHours = 24 * 14;

    public async Task<Result<Guid>> RequestAsync(TenantId tenant, Guid entryId, int hours, string? reason, VaultCaller caller, CancellationToken ct = default,
        AccessRequestKind kind = AccessRequestKind.Read)
    {
        reason = reason?.Trim();
        if (hours is < 1 or > MaxHours) return VaultErrors.Invalid($"Ask for 1 to {MaxHours} hours.");
        if (string.IsNullOrEmpty(reason) || reason.Length > 1000) return VaultErrors.Invalid("Give a reason (at most 1000 characters).");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        var entry = await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId && e.TenantId == tenant, ct);
        // Asking needs the tenant, not a right on the entry: that is what the request is for.
        // A session request needs the entry in reach (Use): it asks to use it now, not to see it.
        if (entry is null || !access.TenantReachable || kind == AccessRequestKind.Session && access.OnEntry(entry) == VaultRights.None)
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.access-request.create", tenant, VaultAudit.EntryTarget(entryId), VaultErrors.NotFound, ct);
        if (kind == AccessRequestKind.Read && access.OnEntry(entry).Allows(VaultRights.Read)) return VaultErrors.Invalid("You can read this entry already.");
        var request = new VaultAccessRequest
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, EntryId = entryId, UserId = caller.User, Hours = hours, Reason = reason, Kind = kind,
            Status = AccessRequestStatus.Pending, RequestedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultAccessRequests.Add(request);
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, "vault.access-request.create", tenant, VaultAudit.EntryTarget(entryId), AuditOutcome.Success,
            ("request", request.Id.ToString()), ("kind", kind.ToString().ToLowerInvariant()), ("hours", hours.ToString()), ("reason", reason)), ct);
        return request.Id;
    }

    /// <summary>Pending requests on entries the caller manages, and the caller's own requests.</summary>
    public async Task<IReadOnlyList<AccessRequestView>> ListAsync(TenantId tenant, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller.User, tenant, time.StoredNow(), ct);
        if (!access.TenantReachable) return [];
        var rows = await (from r in db.VaultAccessRequests.AsNoTracking()
                          join e in db.VaultEntries on r.EntryId equals e.Id
                          join u in db.Users on r.UserId equals u.Id
                          where r.TenantId == tenant
                          orderby r.RequestedAt descending
                          select new { r, e, u.UserName }).Take(1000).ToListAsync(ct);
        return rows.Where(x => x.r.UserId == caller.User || (x.r.Status == AccessRequestStatus.Pending && access.OnEntry(x.e).Allows(VaultRights.Manage)))
            .Select(x => new AccessRequestView(x.r.Id, x.e.Id, x.e.Title, x.UserName, x.r.Hours, x.r.Reason, x.r.Status, x.r.RequestedAt,
                x.r.DecidedBy, x.r.DecidedAt, x.r.Kind)).ToList();
    }

    public async Task<Result<bool>> DecideAsync(TenantId tenant, Guid requestId, bool approve, VaultCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var access = await accessCache.GetAsync(db, caller.User, tenant, now, ct);
        var request = await db.VaultAccessRequests.SingleOrDefaultAsync(r => r.Id == requestId && r.TenantId == tenant, ct);
        var entry = request is null ? null : await db.VaultEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == request.EntryId, ct);
        var target = $"access-request:{requestId}";
        var rights = entry is null ? VaultRights.None : access.OnEntry(entry);
        if (rights == VaultRights.None) return await VaultAudit.DenyAsync(audit, db, caller, "vault.access-request.decide", tenant, target, VaultErrors.NotFound, ct);
        if (!rights.Allows(VaultRights.Manage) || request!.UserId == caller.User)
            return await VaultAudit.DenyAsync(audit, db, caller, "vault.access-request.decide", tenant, target, VaultErrors.Forbidden, ct);
        if (access.IsSensitive(entry!.FolderId) && !caller.SteppedUp) return VaultErrors.StepUpRequired;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Decided once: the status changes only from pending, so two managers clicking at once cannot both grant.
        var decided = await db.VaultAccessRequests.Where(r => r.Id == requestId && r.Status == AccessRequestStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, approve ? AccessRequestStatus.Approved : AccessRequestStatus.Denied)
                .SetProperty(r => r.DecidedBy, caller.Actor.Name).SetProperty(r => r.DecidedAt, now), ct);
        if (decided == 0)
        {
            await tx.RollbackAsync(ct);
            return VaultErrors.RequestNotPending;
        }
        if (approve && request.Kind == AccessRequestKind.Read)
        {
            db.VaultGrants.Add(new VaultGrant
            {
                Id = Guid.CreateVersion7(), TenantId = tenant, EntryId = entry.Id, UserId = request.UserId, Rights = VaultRights.Read.Normalize(),
                NotBefore = now, NotAfter = now.AddHours(request.Hours), GrantedAt = now, GrantedBy = caller.Actor.Name, AccessRequestId = request.Id,
            });
        }
        await audit.CommitAsync(db, tx, VaultAudit.Entry(caller, approve ? "vault.access-request.approve" : "vault.access-request.deny", tenant,
            VaultAudit.EntryTarget(entry.Id), AuditOutcome.Success, ("request", requestId.ToString()), ("user", request.UserId.ToString()),
            ("kind", request.Kind.ToString().ToLowerInvariant()), ("hours", request.Hours.ToString())), ct);
        return true;
    }

    /// <summary>Whether <paramref name="user"/> holds an approved session request on the entry whose hours are not up.</summary>
    public static async Task<bool> SessionApprovedAsync(CustosDbContext db, TenantId tenant, Guid entryId, UserId user, DateTimeOffset now, CancellationToken ct) =>
        await SessionApprovedUntilAsync(db, tenant, entryId, user, now, ct) is not null;

    /// <summary>When the latest running session approval of <paramref name="user"/> on the entry ends; null when none runs.</summary>
    public static async Task<DateTimeOffset?> SessionApprovedUntilAsync(CustosDbContext db, TenantId tenant, Guid entryId, UserId user, DateTimeOffset now,
        CancellationToken ct)
    {
        // Few rows per user and entry; the end is computed here, which every provider agrees on.
        var approved = await db.VaultAccessRequests.AsNoTracking()
            .Where(r => r.TenantId == tenant && r.EntryId == entryId && r.UserId == user && r.Kind == AccessRequestKind.Session && r.Status == AccessRequestStatus.Approved)
            .Select(r => new { r.DecidedAt, r.Hours }).ToListAsync(ct);
        return approved.Where(r => r.DecidedAt is { } at && at <= now && now < at.AddHours(r.Hours)).Select(r => (DateTimeOffset?)r.DecidedAt!.Value.AddHours(r.Hours)).Max();
    }
}
