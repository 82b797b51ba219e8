using Custos.Core.Common;
using Custos.Core.Audit;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// The scheduled sweep (TOM 7.5): every document whose retention has run out is deleted (crypto-shredded, with an audit
/// event naming its checksums and class) when its class says delete, or marked for review when it says review. A legal
/// hold delays the deletion; that is recorded once per hold. A document someone has checked out waits for the next run.
/// Every step is conditional, so runs on several nodes at once (PostgreSQL) do each thing once.
/// </summary>
public sealed class RetentionSweep(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, DocumentDeletion deletion, TimeProvider time)
    : IDisposable
{
    public const string Actor = "system:retention";

    // One run at a time on this node: a run at start and a scheduled one do not interleave.
    private readonly SemaphoreSlim running = new(1, 1);

    /// <param name="Deleted">Documents deleted.</param>
    /// <param name="Reviews">Documents newly marked for review.</param>
    /// <param name="Held">Documents a legal hold keeps.</param>
    /// <param name="Waiting">Documents left for the next run: checked out, changed meanwhile, or without a class.</param>
    /// <param name="BlobsLeft">Deleted documents whose blobs could not be removed yet (the blob janitor removes them).</param>
    public sealed record Outcome(int Deleted, int Reviews, int Held, int Waiting, int BlobsLeft);

    public async Task<Outcome> RunAsync(CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            var today = RetentionGuards.Today(time);
            List<Guid> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                due = await db.Documents.AsNoTracking()
                    .Where(d => (d.RetainUntil != null && d.RetainUntil <= today && !d.ReviewDue)
                                || (d.RestrictionId != null && (d.RetainUntil == null || d.RetainUntil <= today)))
                    .OrderBy(d => d.RetainUntil).Select(d => d.Id).ToListAsync(ct);
            int deleted = 0, reviews = 0, held = 0, waiting = 0, blobsLeft = 0;
            foreach (var id in due)
            {
                switch (await SweepAsync(id, today, ct))
                {
                    case Step.Deleted: deleted++; break;
                    case Step.DeletedBlobsLeft: deleted++; blobsLeft++; break;
                    case Step.Review: reviews++; break;
                    case Step.Held: held++; break;
                    case Step.Waiting: waiting++; break;
                    case Step.Nothing: break;
                }
            }
            return new Outcome(deleted, reviews, held, waiting, blobsLeft);
        }
        finally
        {
            running.Release();
        }
    }

    private enum Step { Nothing, Deleted, DeletedBlobsLeft, Review, Held, Waiting }

    private async Task<Step> SweepAsync(Guid id, DateOnly today, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (document?.RestrictionId is { } request && (document.RetainUntil is null || document.RetainUntil <= today))
            return await EraseRestrictedAsync(db, document, request, ct);
        // Gone, relabelled or already marked since the list was read.
        if (document is not { RetainUntil: { } until, ReviewDue: false } || until > today) return Step.Nothing;
        var cls = await RetentionRules.EffectiveClassAsync(db, document.FolderId, document.RetentionClassId, ct);
        if (cls is null) return Step.Waiting;
        if (cls.Action == RetentionAction.Review) return await MarkForReviewAsync(db, document, cls, ct) ? Step.Review : Step.Nothing;

        var deleted = await deletion.ShredAsync(db, document,
            new DocumentDeletion.Deleter(Actor, null, "document.retention_delete", "retention", MayHoldLock: null), ct);
        if (deleted.Succeeded) return deleted.Value!.BlobsRemoved ? Step.Deleted : Step.DeletedBlobsLeft;
        if (deleted.Error!.Code != DocumentRetentionErrors.HeldCode) return Step.Waiting;
        await NoteHeldAsync(db, document, cls, ct);
        return Step.Held;
    }

    /// <summary>
    /// A document an erasure request restricted (Art. 18) is erased once its retention has run out, whatever its
    /// class's action, and the request's report says when; a legal hold still keeps it.
    /// </summary>
    private async Task<Step> EraseRestrictedAsync(CustosDbContext db, Document document, Guid request, CancellationToken ct)
    {
        var erased = await deletion.ShredAsync(db, document,
            new DocumentDeletion.Deleter(Actor, null, "document.erase", $"erasure:{request}", MayHoldLock: document.LockedBy), ct,
            (ctx, checksums) => DocumentErasure.MarkErasedAsync(ctx, document.Id, checksums, time.StoredNow(), ct));
        if (erased.Succeeded) return erased.Value!.BlobsRemoved ? Step.Deleted : Step.DeletedBlobsLeft;
        return erased.Error!.Code == DocumentRetentionErrors.HeldCode ? Step.Held : Step.Waiting;
    }

    /// <summary>Sets <see cref="Document.ReviewDue"/> and records it, once: the update only takes a document not yet marked.</summary>
    private async Task<bool> MarkForReviewAsync(CustosDbContext db, Document document, RetentionClass cls, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var marked = await db.Documents.Where(d => d.Id == document.Id && !d.ReviewDue && d.RowVersion == document.RowVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ReviewDue, true).SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
        if (marked != 1) return false;
        await audit.CommitAsync(db, tx, Entry("document.retention_review", document, cls, ("retainUntil", RetentionGuards.Format(document.RetainUntil!.Value))), ct);
        return true;
    }

    /// <summary>
    /// Records that holds delay the deletion, once for the holds as they stand: not again while no newer hold was placed.
    /// The check runs under the audit chain's lock, so two nodes sweeping at once record it once.
    /// </summary>
    private async Task NoteHeldAsync(CustosDbContext db, Document document, RetentionClass cls, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RetentionGuards.SerializeWithHoldsAsync(db, ct);
        var holds = await RetentionGuards.BlockingHoldsAsync(db, document, ct);
        if (holds.Count == 0) return;
        var since = holds.Max(h => h.CreatedAt);
        var target = DocumentAudit.DocumentTarget(document.Id);
        if (await db.AuditEvents.AnyAsync(a => a.Actor == Actor && a.TenantId == document.TenantId && a.Action == "document.retention_held"
                                              && a.Target == target && a.OccurredAt >= since, ct))
            return;
        await audit.CommitAsync(db, tx, Entry("document.retention_held", document, cls,
            ("retainUntil", RetentionGuards.Format(document.RetainUntil!.Value)), ("holds", string.Join(",", holds.Select(h => h.Id))),
            ("owners", string.Join(", ", holds.Select(h => h.Owner).Distinct()))), ct);
    }

    private static AuditEntry Entry(string action, Document document, RetentionClass cls, params (string Key, string? Value)[] details) =>
        new(Actor, action, AuditOutcome.Success, document.TenantId, DocumentAudit.DocumentTarget(document.Id), null,
            new[] { ("name", (string?)document.Name), ("class", cls.Name) }.Concat(details).ToDictionary(d => d.Item1, d => d.Item2));

    public void Dispose() => running.Dispose();
}
