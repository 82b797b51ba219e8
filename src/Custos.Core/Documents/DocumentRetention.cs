using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Labels and folder defaults (TOM 7.5), both Manage. The date until which a document is kept follows from them, and a
/// running retention is never shortened: a label or date that would end it earlier is refused with the date it ends; a
/// folder default that would, leaves the running end as it is.
/// </summary>
public sealed class DocumentRetention(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit, TimeProvider time)
{
    /// <summary>The retention state of a document (Read), with the legal holds that cover it and its tags.</summary>
    public async Task<Result<DocumentRetentionState>> StateAsync(TenantId tenant, Guid documentId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Read, "document.view", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var document = admitted.Value!.Document;
        var cls = await RetentionRules.EffectiveClassAsync(db, document.FolderId, document.RetentionClassId, ct);
        var holds = await RetentionGuards.BlockingHoldsAsync(db, document, ct);
        var folderNames = await db.DocumentFolders.AsNoTracking().Where(f => f.TenantId == tenant).ToDictionaryAsync(f => f.Id, f => f.Name, ct);
        var tags = await db.DocumentTags.AsNoTracking().Where(t => t.DocumentId == documentId).OrderBy(t => t.Tag).Select(t => t.Tag).ToListAsync(ct);
        var today = RetentionGuards.Today(time);
        var state = RetentionStates.Of(document, holds.Count > 0, today);
        return new DocumentRetentionState(documentId, document.RetentionClassId, cls?.Name, document.DocumentDate, document.RetainUntil, state,
            holds.Select(h => HoldView.Of(h, h.DocumentId is not null ? document.Name : folderNames.GetValueOrDefault(h.FolderId!.Value))).ToList(),
            tags, document.RestrictionId is not null);
    }

    /// <summary>Sets the document's label (null: the folder's default applies) and, if given, its document date.</summary>
    public async Task<Result<RetentionView>> LabelAsync(TenantId tenant, Guid documentId, Guid? classId, DateOnly? documentDate, DocumentCaller caller,
        CancellationToken ct = default)
    {
        var today = RetentionGuards.Today(time);
        // Bounded so that the end date (year + up to 100 years + 1) stays a valid date; a document is not dated far ahead.
        if (documentDate is { } given && (given.Year < 1900 || given > today.AddYears(1)))
            return DocumentErrors.Invalid("A document date lies between 1900 and a year from today.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Manage, "document.label", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        RetentionClass? label = null;
        if (classId is { } id && (label = await db.RetentionClasses.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct)) is null)
            return DocumentRetentionErrors.NoSuchClass;

        var document = admitted.Value!.Document;
        var before = document.RetainUntil;
        document.RetentionClassId = classId;
        document.DocumentDate = documentDate ?? document.DocumentDate;
        var applies = label ?? await RetentionRules.EffectiveClassAsync(db, document.FolderId, null, ct);
        document.RetainUntil = applies?.RetainUntil(document.DocumentDate);
        if (before is { } running && running > today && (document.RetainUntil is not { } after || after < running))
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.label", tenant, DocumentAudit.DocumentTarget(documentId),
                DocumentRetentionErrors.WouldShorten(running), ct);
        // A retention that runs again ends a pending review.
        document.ReviewDue = document.ReviewDue && !(document.RetainUntil > today);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Conditional on the row version read above: a change meanwhile (another label, a deletion) is not overwritten.
        var (date, until, reviewDue, version) = (document.DocumentDate, document.RetainUntil, document.ReviewDue, document.RowVersion);
        var updated = await db.Documents.Where(d => d.Id == documentId && d.TenantId == tenant && d.RowVersion == version)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.RetentionClassId, classId).SetProperty(d => d.DocumentDate, date)
                .SetProperty(d => d.RetainUntil, until).SetProperty(d => d.ReviewDue, reviewDue).SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
        if (updated != 1) return DocumentErrors.Conflict;
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.label", tenant, DocumentAudit.DocumentTarget(documentId), AuditOutcome.Success,
            ("name", document.Name), ("label", label?.Name), ("class", applies?.Name), ("documentDate", RetentionGuards.Format(date)),
            ("retainUntil", until is { } u ? RetentionGuards.Format(u) : null), ("previousRetainUntil", before is { } b ? RetentionGuards.Format(b) : null)), ct);
        return new RetentionView(documentId, classId, applies?.Id, applies?.Name, date, until, reviewDue);
    }

    /// <summary>
    /// Sets the class of a folder's unlabelled documents (null: the parent's applies) and recomputes the documents below
    /// that have no label, never shortening a running retention.
    /// </summary>
    public async Task<Result<FolderRetentionView>> SetFolderClassAsync(TenantId tenant, Guid folderId, Guid? classId, DocumentCaller caller,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await FolderGate.AdmitAsync(db, audit, accessCache, tenant, folderId, caller, DocumentRights.Manage, "document.folder_retention", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        RetentionClass? cls = null;
        if (classId is { } id && (cls = await db.RetentionClasses.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct)) is null)
            return DocumentRetentionErrors.NoSuchClass;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.DocumentFolders.Where(f => f.Id == folderId && f.TenantId == tenant)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.RetentionClassId, classId), ct);
        // Read after the change, in its transaction: the defaults below this folder follow from it.
        var defaults = await RetentionRecompute.FolderDefaultsAsync(db, tenant, ct);
        var subtree = await RetentionRecompute.SubtreeAsync(db, tenant, folderId, ct);
        var recomputed = await RetentionRecompute.ApplyAsync(db,
            db.Documents.Where(d => d.TenantId == tenant && d.RetentionClassId == null && subtree.Contains(d.FolderId)), defaults, RetentionGuards.Today(time), ct);
        if (!recomputed.Succeeded) return recomputed.Error!;
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.folder_retention", tenant, DocumentAudit.FolderTarget(folderId),
            AuditOutcome.Success, ("name", admitted.Value!.Folder.Name), ("class", cls?.Name), ("previousClass", admitted.Value.Folder.RetentionClassId?.ToString()),
            ("documentsRecomputed", recomputed.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))), ct);
        return new FolderRetentionView(folderId, classId, cls?.Name, recomputed.Value);
    }
}
