using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Deleting a document is crypto-shredding: the version rows go with their wrapped content keys and the document row in
/// one transaction, recorded with every version's checksum; only then are the blobs removed, and a blob that cannot be
/// removed is unreadable already and left to <see cref="BlobJanitor"/>. Refused, for administrators too, while a
/// retention runs (WORM) or a legal hold covers the document or a folder above it, and while someone else has it checked out.
/// </summary>
public sealed class DocumentDeletion(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit, IBlobStore blobs, TimeProvider time)
{
    /// <summary>Who deletes, for the audit event; <paramref name="MayHoldLock"/> is the one user whose own check-out does not stand in the way.</summary>
    internal sealed record Deleter(string Actor, string? ClientAddress, string Action, string Trigger, UserId? MayHoldLock);

    /// <summary>Deletes a document (Manage).</summary>
    public async Task<Result<DeletionView>> DeleteAsync(TenantId tenant, Guid documentId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Manage, "document.delete", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var deleted = await ShredAsync(db, admitted.Value!.Document,
            new Deleter(caller.Actor.Name, caller.Actor.ClientAddress, "document.delete", caller.Client, caller.User), ct);
        return deleted.Succeeded
            ? deleted
            : await DocumentAudit.DenyAsync(audit, db, caller, "document.delete", tenant, DocumentAudit.DocumentTarget(documentId), deleted.Error!, ct);
    }

    /// <summary>
    /// Deletes <paramref name="document"/> (as read by the caller) if nothing stands in the way; the refusal otherwise,
    /// unrecorded. Safe to run on several nodes at once: the row goes only if it is unchanged, so exactly one deletes it.
    /// </summary>
    /// <param name="alsoInTransaction">Adds what must commit with the deletion (an erasure report's line), given the checksums.</param>
    internal async Task<Result<DeletionView>> ShredAsync(CustosDbContext db, Document document, Deleter deleter, CancellationToken ct,
        Func<CustosDbContext, IReadOnlyList<string>, Task>? alsoInTransaction = null)
    {
        if (document.RetainUntil is { } until && until > RetentionGuards.Today(time)) return DocumentRetentionErrors.Retained(until);
        if (document.LockedBy is { } holder && holder != deleter.MayHoldLock) return DocumentErrors.Locked;
        var cls = await RetentionRules.EffectiveClassAsync(db, document.FolderId, document.RetentionClassId, ct);
        var versions = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == document.Id).OrderBy(v => v.Number)
            .Select(v => new { v.Number, v.Sha256, v.BlobAddress }).ToListAsync(ct);
        var checksums = versions.Select(v => DocumentViewing.Hex(v.Sha256)).ToList();

        Error? refusal = null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.DocumentVersions.Where(v => v.DocumentId == document.Id).ExecuteDeleteAsync(ct);
            // The words of the document go with it: the search index must not outlive the content.
            await DocumentSearchIndex.RemoveAsync(db, document.Id, ct);
            await db.DocumentTags.Where(t => t.DocumentId == document.Id).ExecuteDeleteAsync(ct);
            // Only the row as it was checked: a label, lock or version added meanwhile bumped the row version.
            var gone = await db.Documents.Where(d => d.Id == document.Id && d.TenantId == document.TenantId && d.RowVersion == document.RowVersion)
                .ExecuteDeleteAsync(ct);
            if (gone != 1) refusal = DocumentErrors.Conflict;
            else
            {
                await RetentionGuards.SerializeWithHoldsAsync(db, ct);
                if ((await RetentionGuards.BlockingHoldsAsync(db, document, ct)).FirstOrDefault() is { } hold) refusal = DocumentRetentionErrors.Held(hold);
            }
            if (refusal is not null) await tx.RollbackAsync(ct);
            else
            {
                var destroyed = versions.Select((v, i) => $"{v.Number}:{checksums[i]}").ToList();
                if (alsoInTransaction is not null) await alsoInTransaction(db, destroyed);
                // Erasures the law demands (Art. 17, end of retention) must survive a restore of an older backup: the
                // journal entry commits with the deletion. A plain deletion stays recoverable from a backup.
                if (Backup.ErasureJournal.Journaled(deleter.Action))
                    Backup.ErasureJournal.Add(db, document.TenantId, document.Id, destroyed, deleter.Action, time.StoredNow());
                await audit.CommitAsync(db, tx, new AuditEntry(deleter.Actor, deleter.Action, AuditOutcome.Success, document.TenantId,
                    DocumentAudit.DocumentTarget(document.Id), deleter.ClientAddress, new Dictionary<string, string?>
                    {
                        ["name"] = document.Name,
                        ["folder"] = document.FolderId.ToString(),
                        ["class"] = cls?.Name,
                        ["retainUntil"] = document.RetainUntil is { } u ? RetentionGuards.Format(u) : null,
                        ["versions"] = versions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        // "number:hex" for every version, oldest first: what was destroyed can be proven later.
                        ["sha256"] = string.Join(",", versions.Select((v, i) => $"{v.Number}:{checksums[i]}")),
                        ["trigger"] = deleter.Trigger,
                    }), ct);
            }
        }
        if (refusal is not null) return refusal;

        var removed = true;
        foreach (var address in versions.Select(v => v.BlobAddress).Distinct())
        {
            try
            {
                // Content-addressed: should another version ever share the address, its blob stays.
                if (!await db.DocumentVersions.AnyAsync(v => v.BlobAddress == address, CancellationToken.None))
                    await blobs.DeleteAsync(address, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
            {
                // The key is destroyed, so the blob is unreadable; unreferenced, the janitor removes it on a later sweep.
                removed = false;
            }
        }
        return new DeletionView(document.Id, document.Name, cls?.Name, checksums, removed);
    }
}

/// <summary>Refusals of retention (TOM 7.5) and legal holds; the message names the date a retention ends.</summary>
public static class DocumentRetentionErrors
{
    public const string RetainedCode = "document.retained";
    public const string HeldCode = "document.held";

    public static readonly Error NoSuchClass = new("retention.class_not_found", "No such retention class.");
    public static readonly Error ClassNameTaken = new("retention.class_name_taken", "A retention class of that name exists already.");
    public static readonly Error AdministratorsOnly = new("retention.administrators_only", "Only administrators create or change retention classes.");
    public static readonly Error HoldNotFound = new("document.hold_not_found", "No such legal hold.");
    public static readonly Error HoldReleased = new("document.hold_released", "The legal hold has been released already.");

    public static Error Retained(DateOnly until) => new(RetainedCode,
        $"The document is under retention: retention runs until {RetentionGuards.Format(until)}. Nobody can delete it before then, administrators included.");

    public static Error WouldShorten(DateOnly until) => new(RetainedCode,
        $"That would shorten a running retention: retention runs until {RetentionGuards.Format(until)}.");

    public static Error Held(LegalHold hold) => new(HeldCode,
        $"A legal hold (owner: {hold.Owner}, since {RetentionGuards.Format(DateOnly.FromDateTime(hold.CreatedAt.UtcDateTime))}) blocks every deletion until it is released.");

    public static Error ClassInvalid(string message) => new("retention.invalid", message);
}
