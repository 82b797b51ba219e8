using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sluice;

/// <summary>
/// What people do with quarantined files: uploaders follow their own; quarantine reviewers (the role, and a grant on the
/// tenant: reviewers see no tenant they could not see otherwise) see the queue, release or block. Releasing a file that
/// a check flagged takes two different reviewers (four eyes), neither of them its uploader.
/// </summary>
public sealed class SluiceReview(IDbContextFactory<CustosDbContext> dbFactory, SluiceProcessor processor, DocumentAccessCache accessCache, AuditLog audit,
    TimeProvider time)
{
    public sealed record Decision(QuarantineView Item, IReadOnlyList<DocumentView> Documents, bool WaitsForSecondReviewer);

    /// <summary>The caller's own files in the sluice of a tenant, newest first.</summary>
    public async Task<IReadOnlyList<QuarantineView>> MineAsync(TenantId tenant, DocumentCaller caller, int limit = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.QuarantineItems.AsNoTracking().Where(q => q.TenantId == tenant && q.UploadedBy == caller.User)
            .OrderByDescending(q => q.UploadedAt).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(ct);
        return rows.Select(QuarantineView.Of).ToList();
    }

    /// <summary>One file: its uploader and the tenant's reviewers see it; to everyone else it does not exist.</summary>
    public async Task<Result<QuarantineView>> GetAsync(TenantId tenant, Guid id, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.QuarantineItems.AsNoTracking().SingleOrDefaultAsync(q => q.Id == id && q.TenantId == tenant, ct);
        if (item is null) return SluiceErrors.NotFound;
        if (item.UploadedBy == caller.User || await IsReviewerAsync(db, caller, tenant, ct)) return QuarantineView.Of(item);
        // A release record is shown on the released document: whoever may read the document may read its record.
        if (item.State == QuarantineState.Released && item.DocumentId is { } documentId
            && await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.TenantId == tenant, ct) is { } document
            && (await accessCache.GetAsync(db, caller, tenant, ct)).OnDocument(document).Allows(DocumentRights.Read))
            return QuarantineView.Of(item);
        return SluiceErrors.NotFound;
    }

    /// <summary>The reviewers' queue of a tenant: files in review first, then pending and recently blocked.</summary>
    public async Task<Result<IReadOnlyList<QuarantineView>>> QueueAsync(TenantId tenant, DocumentCaller caller, string? state = null, int limit = 200,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await IsReviewerAsync(db, caller, tenant, ct))
        {
            await audit.RecordAsync(db, new AuditEntry(caller.Actor.Name, "sluice.queue", AuditOutcome.Denied, tenant, $"tenant:{tenant}", caller.Actor.ClientAddress), ct);
            return SluiceErrors.Forbidden;
        }
        var query = db.QuarantineItems.AsNoTracking().Where(q => q.TenantId == tenant);
        if (state is not null && Enum.TryParse<QuarantineState>(state, ignoreCase: true, out var s)) query = query.Where(q => q.State == s);
        else query = query.Where(q => q.State != QuarantineState.Released);
        var rows = await query.OrderByDescending(q => q.UploadedAt).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(ct);
        return rows.OrderBy(q => q.State == QuarantineState.Review ? 0 : q.State == QuarantineState.Pending ? 1 : 2).Select(QuarantineView.Of).ToList();
    }

    /// <summary>
    /// A reviewer releases a file. One reviewer decides a file in review (a check could not decide: an encrypted archive,
    /// a file beyond the scanner's limits). A file that a check flagged and blocked (a macro, a type that does not match)
    /// takes two: the first reviewer's release is recorded and waits for a second, different one (four eyes). Neither
    /// may be the uploader, and what the virus scanner found is never released. The release runs every check again (the
    /// signatures may be newer); a file they now block is released only over a block the reviewers already overruled.
    /// </summary>
    public async Task<Result<Decision>> ReleaseAsync(TenantId tenant, Guid id, string? note, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.QuarantineItems.SingleOrDefaultAsync(q => q.Id == id && q.TenantId == tenant, ct);
        var denied = await AdmitAsync(db, item, caller, tenant, "sluice.approve", ct);
        if (denied is not null) return denied;
        if (!QuarantineView.Releasable(item!)) return SluiceErrors.NotInReview;
        if (item!.UploadedBy == caller.User) return await DenyAsync(db, item, caller, "sluice.approve", SluiceErrors.OwnUpload, ct);

        var overrule = item.State == QuarantineState.Blocked;
        if (!overrule)
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                item.DecisionNote = Note(note);
                item.RowVersion++;
                await db.SaveChangesAsync(ct);
                await audit.CommitAsync(db, tx, Entry("sluice.approve", item, caller, ("step", "only"), ("note", item.DecisionNote)), ct);
            }
            return await ReleasedAsync(id, caller.UserName, caller.Actor.Name, false, ct);
        }
        if (item.FirstApprover is null)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            item.FirstApprover = caller.User;
            item.FirstApproverName = caller.UserName;
            item.FirstApprovedAt = time.StoredNow();
            item.DecisionNote = Note(note);
            item.RowVersion++;
            await db.SaveChangesAsync(ct);
            await audit.CommitAsync(db, tx, Entry("sluice.approve", item, caller, ("step", "first"), ("note", item.DecisionNote)), ct);
            return new Decision(QuarantineView.Of(item), [], true);
        }
        if (item.FirstApprover == caller.User) return await DenyAsync(db, item, caller, "sluice.approve", SluiceErrors.SecondReviewer, ct);

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            item.DecisionNote = string.Join(" / ", new[] { item.DecisionNote, Note(note) }.Where(n => n is not null));
            item.RowVersion++;
            await db.SaveChangesAsync(ct);
            await audit.CommitAsync(db, tx, Entry("sluice.approve", item, caller, ("step", "second"), ("first", item.FirstApproverName), ("note", Note(note))), ct);
        }
        return await ReleasedAsync(id, $"{item.FirstApproverName}, {caller.UserName}", caller.Actor.Name, true, ct);
    }

    private async Task<Result<Decision>> ReleasedAsync(Guid id, string decidedBy, string reviewerActor, bool overrule, CancellationToken ct)
    {
        var outcome = await processor.ReleaseReviewedAsync(id, decidedBy, reviewerActor, overrule, ct);
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        var now = await read.QuarantineItems.AsNoTracking().SingleAsync(q => q.Id == id, ct);
        // The scanner could not be asked: nothing was released, and the reviewers' decision stands for the next attempt.
        if (outcome.State == QuarantineState.Pending) return SluiceScreen.Unavailable;
        return new Decision(QuarantineView.Of(now), outcome.Documents, false);
    }

    /// <summary>A reviewer blocks a file (in review or pending): it is never released and its original is deleted after the keeping time.</summary>
    public async Task<Result<Decision>> BlockAsync(TenantId tenant, Guid id, string? note, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.QuarantineItems.SingleOrDefaultAsync(q => q.Id == id && q.TenantId == tenant, ct);
        var denied = await AdmitAsync(db, item, caller, tenant, "sluice.block", ct);
        if (denied is not null) return denied;
        if (item!.State is not (QuarantineState.Review or QuarantineState.Pending)) return SluiceErrors.NotInReview;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.StoredNow();
        var days = await db.SluicePolicies.Where(p => p.TenantId == tenant).Select(p => (int?)p.KeepOriginalDays).SingleOrDefaultAsync(ct) ?? 14;
        item.State = QuarantineState.Blocked;
        item.DecidedBy = caller.UserName;
        item.DecidedAt = now;
        item.DecisionNote = Note(note);
        item.Reason ??= "sluice.reviewer";
        item.PurgeAfter = now + TimeSpan.FromDays(days);
        item.LeasedUntil = null;
        item.RowVersion++;
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, Entry("sluice.block", item, caller, ("note", item.DecisionNote)), ct);
        return new Decision(QuarantineView.Of(item), [], false);
    }

    private async Task<Error?> AdmitAsync(CustosDbContext db, QuarantineItem? item, DocumentCaller caller, TenantId tenant, string action, CancellationToken ct)
    {
        if (item is null) return SluiceErrors.NotFound;
        if (await IsReviewerAsync(db, caller, tenant, ct)) return null;
        // The uploader learns nothing more than "forbidden"; anyone else that the file does not exist.
        var error = item.UploadedBy == caller.User ? SluiceErrors.Forbidden : SluiceErrors.NotFound;
        return await DenyAsync(db, item, caller, action, error, ct);
    }

    private async Task<Error> DenyAsync(CustosDbContext db, QuarantineItem item, DocumentCaller caller, string action, Error error, CancellationToken ct)
    {
        await audit.RecordAsync(db, Entry(action, item, caller, ("reason", error.Code)) with { Outcome = AuditOutcome.Denied }, ct);
        return error;
    }

    /// <summary>The release records of a document (its first version and the versions checked in through the sluice), newest first.</summary>
    public async Task<IReadOnlyList<QuarantineView>> RecordsOfAsync(TenantId tenant, Guid documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.QuarantineItems.AsNoTracking()
            .Where(q => q.TenantId == tenant && q.DocumentId == documentId && q.State == QuarantineState.Released)
            .OrderByDescending(q => q.DecidedAt).Take(100).ToListAsync(ct);
        return rows.Select(QuarantineView.Of).ToList();
    }

    /// <summary>Whether the caller reaches the tenant's documents at all (policy and checks are shown only then).</summary>
    public async Task<bool> SeesTenantAsync(TenantId tenant, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await accessCache.GetAsync(db, caller, tenant, ct)).CanSeeTenant;
    }

    /// <summary>Reviewer: the role, and some right on the tenant's documents (the role alone reaches no tenant).</summary>
    private async Task<bool> IsReviewerAsync(CustosDbContext db, DocumentCaller caller, TenantId tenant, CancellationToken ct)
    {
        if (!await db.UserRoles.AnyAsync(r => r.UserId == caller.User && r.Role == Roles.QuarantineReviewer, ct)) return false;
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        return access.CanSeeTenant;
    }

    private static string? Note(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim() is { Length: > 500 } t ? t[..500] : note.Trim();

    private static AuditEntry Entry(string action, QuarantineItem item, DocumentCaller caller, params (string Key, string? Value)[] details) =>
        SluiceProcessor.Event(action, item, caller.Actor.Name, AuditOutcome.Success, details) with { ClientAddress = caller.Actor.ClientAddress };
}
