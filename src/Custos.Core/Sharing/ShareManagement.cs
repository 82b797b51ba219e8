using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>
/// The sender's side of existing links: list, show with log, revoke, shorten the expiry, record how the password was
/// passed on. A link is managed by its creator; a tenant's managers (Manage on the whole tenant) see and revoke all of
/// the tenant's links. Anyone else gets "not found".
/// </summary>
public sealed class ShareManagement(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, DocumentAccessCache accessCache, TimeProvider time)
{
    public const int PageSize = 200;

    /// <summary>The caller's links in a tenant (or all of the tenant's, for its managers), newest first.</summary>
    public async Task<Result<IReadOnlyList<ShareView>>> ListAsync(TenantId tenant, DocumentCaller caller, bool all, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (all && !await IsManagerAsync(db, tenant, caller, ct)) return ShareErrors.Forbidden;
        var query = db.ShareLinks.AsNoTracking().Where(s => s.TenantId == tenant);
        if (!all) query = query.Where(s => s.CreatedBy == caller.User);
        var links = await query.OrderByDescending(s => s.CreatedAt).Take(PageSize).ToListAsync(ct);
        var ids = links.Select(l => l.Id).ToList();
        var items = (await db.ShareItems.AsNoTracking().Where(i => ids.Contains(i.ShareId)).ToListAsync(ct)).ToLookup(i => i.ShareId);
        var now = time.GetUtcNow();
        return links.Select(l => ShareView.Of(l, items[l.Id], now)).ToList();
    }

    public async Task<Result<ShareView>> GetAsync(TenantId tenant, Guid id, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await ReachAsync(db, tenant, id, caller, ct);
        if (!link.Succeeded) return link.Error!;
        return await ViewAsync(db, link.Value!, ct);
    }

    /// <summary>The link's log, oldest first (at most the last 5,000 lines).</summary>
    public async Task<Result<IReadOnlyList<ShareEventView>>> LogAsync(TenantId tenant, Guid id, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await ReachAsync(db, tenant, id, caller, ct);
        if (!link.Succeeded) return link.Error!;
        var events = await db.ShareEvents.AsNoTracking().Where(e => e.ShareId == id).OrderByDescending(e => e.At).Take(5000).ToListAsync(ct);
        return events.OrderBy(e => e.At).Select(ShareEventView.Of).ToList();
    }

    /// <summary>Ends the link at once; every later request, including a running download's next range, is refused.</summary>
    public Task<Result<ShareView>> RevokeAsync(TenantId tenant, Guid id, DocumentCaller caller, CancellationToken ct = default) =>
        ChangeAsync(tenant, id, caller, "share.revoke", (link, now) =>
        {
            if (link.RevokedAt is not null) return Change.None;
            link.RevokedAt = now;
            link.RevokedBy = caller.UserName;
            return Change.Done();
        }, ct);

    /// <summary>Moves the expiry: earlier at will, later never past the link's ceiling (creation + the policy's maximum).</summary>
    public Task<Result<ShareView>> SetExpiryAsync(TenantId tenant, Guid id, DateTimeOffset expiresAt, DocumentCaller caller, CancellationToken ct = default) =>
        ChangeAsync(tenant, id, caller, "share.expiry", (link, now) =>
        {
            if (ShareView.StateOf(link, now) != ShareState.Active) return ShareErrors.Ended;
            var at = expiresAt.ToStoredPrecision();
            if (at > link.ExpiryCeiling) return ShareErrors.ExpiryTooLate(link.ExpiryCeiling);
            var old = link.ExpiresAt;
            link.ExpiresAt = at < now ? now : at;
            return Change.Done(("from", old.ToString("O")), ("to", link.ExpiresAt.ToString("O")));
        }, ct);

    /// <summary>Records how the password reached the recipient ("told by phone to Ms Muster"), by whom and when (TOM 7.3/7.4).</summary>
    public Task<Result<ShareView>> RecordHandoverAsync(TenantId tenant, Guid id, string note, DocumentCaller caller, CancellationToken ct = default) =>
        ChangeAsync(tenant, id, caller, "share.handover", (link, now) =>
        {
            if (string.IsNullOrWhiteSpace(note) || note.Trim().Length > 300) return ShareErrors.Invalid("Say in at most 300 characters how the password was passed on.");
            (link.Handover, link.HandoverBy, link.HandoverAt) = (note.Trim(), caller.UserName, now);
            return Change.Done(("handover", link.Handover));
        }, ct);

    private async Task<Result<ShareView>> ChangeAsync(TenantId tenant, Guid id, DocumentCaller caller, string action,
        Func<ShareLink, DateTimeOffset, Change> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var reached = await ReachAsync(db, tenant, id, caller, ct, tracked: true);
        if (!reached.Succeeded) return reached.Error!;
        var link = reached.Value!;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var outcome = change(link, time.StoredNow());
        if (outcome.Error is { } error) return error;
        if (outcome.Details is not null)
        {
            await db.SaveChangesAsync(ct);
            await audit.CommitAsync(db, tx, ShareCreation.Event(caller, action, link, outcome.Details), ct);
        }
        return await ViewAsync(db, link, ct);
    }

    /// <summary>What a change did: an error, the audit details of a change, or nothing (revoking twice).</summary>
    private sealed record Change(Error? Error, (string, string?)[]? Details)
    {
        public static readonly Change None = new(null, null);
        public static Change Done(params (string, string?)[] details) => new(null, details);
        public static implicit operator Change(Error error) => new(error, null);
    }

    private async Task<ShareView> ViewAsync(CustosDbContext db, ShareLink link, CancellationToken ct) =>
        ShareView.Of(link, await db.ShareItems.AsNoTracking().Where(i => i.ShareId == link.Id).ToListAsync(ct), time.GetUtcNow());

    private async Task<Result<ShareLink>> ReachAsync(CustosDbContext db, TenantId tenant, Guid id, DocumentCaller caller, CancellationToken ct, bool tracked = false)
    {
        var query = db.ShareLinks.Where(s => s.Id == id && s.TenantId == tenant);
        var link = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
        if (link is not null && (link.CreatedBy == caller.User || await IsManagerAsync(db, tenant, caller, ct))) return link;
        await audit.RecordAsync(db, new AuditEntry(caller.Actor.Name, "share.read", AuditOutcome.Denied, tenant, $"share:{id}", caller.Actor.ClientAddress), ct);
        return ShareErrors.NotFound;
    }

    /// <summary>Managers of a tenant's documents (Manage on the whole tenant) oversee all its links.</summary>
    public async Task<bool> IsManagerAsync(CustosDbContext db, TenantId tenant, DocumentCaller caller, CancellationToken ct)
    {
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        return access.WholeTenant && access.On(null).Allows(DocumentRights.Manage);
    }

    /// <summary>Whether the caller reaches any of the tenant's documents (what a tenant's share policy is shown to).</summary>
    public async Task<bool> SeesTenantAsync(TenantId tenant, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await accessCache.GetAsync(db, caller, tenant, ct)).CanSeeTenant;
    }

    public async Task<bool> IsManagerAsync(TenantId tenant, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await IsManagerAsync(db, tenant, caller, ct);
    }
}
