using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Legal holds: a hold with a reason and an owner on a document, or on a folder and everything below it, blocks every
/// deletion (by users and by the retention sweep) until it is released. Placing, listing and releasing need Manage on
/// what the hold covers.
/// </summary>
public sealed class LegalHolds(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit, TimeProvider time)
{
    private const string Place = "document.hold";
    private const string Release = "document.hold_release";

    public async Task<Result<HoldView>> PlaceAsync(TenantId tenant, HoldInput input, DocumentCaller caller, CancellationToken ct = default)
    {
        if ((input.DocumentId is null) == (input.FolderId is null)) return DocumentErrors.Invalid("A hold covers either a document or a folder.");
        var reason = input.Reason?.Trim() ?? "";
        var owner = input.Owner?.Trim() ?? "";
        if (reason.Length is 0 or > 1000) return DocumentErrors.Invalid("A hold needs a reason of at most 1,000 characters.");
        if (owner.Length is 0 or > 200 || owner.Any(char.IsControl))
            return DocumentErrors.Invalid("A hold needs an owner (who answers for it) of at most 200 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await AdmitAsync(db, tenant, input.DocumentId, input.FolderId, caller, Place, ct);
        if (!target.Succeeded) return target.Error!;

        var hold = new LegalHold
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, DocumentId = input.DocumentId, FolderId = input.FolderId, Reason = reason, Owner = owner,
            CreatedAt = time.StoredNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.LegalHolds.Add(hold);
        // Committed under the audit chain's lock, which deletions take before they look for holds (RetentionGuards).
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, Place, tenant, target.Value!.Audit, AuditOutcome.Success,
            ("hold", hold.Id.ToString()), ("name", target.Value!.Name), ("reason", reason), ("owner", owner)), ct);
        return HoldView.Of(hold, target.Value!.Name);
    }

    /// <summary>The tenant's holds on what the caller manages, unreleased ones first, newest first.</summary>
    public async Task<Result<IReadOnlyList<HoldView>>> ListAsync(TenantId tenant, bool includeReleased, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        if (!access.CanSeeTenant) return DocumentErrors.NotFound;
        var query = db.LegalHolds.AsNoTracking().Where(h => h.TenantId == tenant);
        if (!includeReleased) query = query.Where(h => h.ReleasedAt == null);
        var holds = await query.ToListAsync(ct);
        var documentIds = holds.Where(h => h.DocumentId is not null).Select(h => h.DocumentId!.Value).Distinct().ToList();
        var folderIds = holds.Where(h => h.FolderId is not null).Select(h => h.FolderId!.Value).Distinct().ToList();
        var documents = await db.Documents.AsNoTracking().Where(d => d.TenantId == tenant && documentIds.Contains(d.Id))
            .Select(d => new { d.Id, d.Name, d.ProjectId }).ToDictionaryAsync(d => d.Id, ct);
        var folders = await db.DocumentFolders.AsNoTracking().Where(f => f.TenantId == tenant && folderIds.Contains(f.Id))
            .Select(f => new { f.Id, f.Name, f.ProjectId }).ToDictionaryAsync(f => f.Id, ct);

        var visible = new List<HoldView>();
        foreach (var h in holds.OrderBy(h => h.ReleasedAt is not null).ThenByDescending(h => h.CreatedAt))
        {
            // A released hold may outlive its document: then only a manager of the whole tenant sees it.
            var (name, project, known) = h.DocumentId is { } d
                ? documents.TryGetValue(d, out var doc) ? (doc.Name, doc.ProjectId, true) : (null, null, false)
                : folders.TryGetValue(h.FolderId!.Value, out var folder) ? (folder.Name, folder.ProjectId, true) : (null, (ProjectId?)null, false);
            if (access.On(known ? project : null).Allows(DocumentRights.Manage)) visible.Add(HoldView.Of(h, name));
        }
        return visible;
    }

    public async Task<Result<HoldView>> ReleaseAsync(TenantId tenant, Guid holdId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hold = await db.LegalHolds.AsNoTracking().SingleOrDefaultAsync(h => h.Id == holdId && h.TenantId == tenant, ct);
        if (hold is null)
            return await DocumentAudit.DenyAsync(audit, db, caller, Release, tenant, $"legal-hold:{holdId}", DocumentRetentionErrors.HoldNotFound, ct);
        var target = await AdmitAsync(db, tenant, hold.DocumentId, hold.FolderId, caller, Release, ct, evenRestricted: true);
        if (!target.Succeeded) return target.Error!;

        var now = time.StoredNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Conditional: of two releases racing, one is recorded.
        var released = await db.LegalHolds.Where(h => h.Id == holdId && h.ReleasedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.ReleasedAt, now).SetProperty(h => h.ReleasedBy, caller.Actor.Name), ct);
        if (released != 1) return DocumentRetentionErrors.HoldReleased;
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, Release, tenant, target.Value!.Audit, AuditOutcome.Success,
            ("hold", holdId.ToString()), ("name", target.Value!.Name), ("reason", hold.Reason), ("owner", hold.Owner)), ct);
        hold.ReleasedAt = now;
        hold.ReleasedBy = caller.Actor.Name;
        return HoldView.Of(hold, target.Value!.Name);
    }

    private sealed record Target(string Audit, string Name);

    /// <summary>Manage on the document or folder the hold covers; refusals recorded under <paramref name="action"/>.</summary>
    private async Task<Result<Target>> AdmitAsync(CustosDbContext db, TenantId tenant, Guid? documentId, Guid? folderId, DocumentCaller caller,
        string action, CancellationToken ct, bool evenRestricted = false)
    {
        if (documentId is { } d)
        {
            var document = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, d, caller, DocumentRights.Manage, action, ct, evenRestricted: evenRestricted);
            return document.Succeeded ? new Target(DocumentAudit.DocumentTarget(d), document.Value!.Document.Name) : document.Error!;
        }
        var folder = await FolderGate.AdmitAsync(db, audit, accessCache, tenant, folderId!.Value, caller, DocumentRights.Manage, action, ct);
        return folder.Succeeded ? new Target(DocumentAudit.FolderTarget(folderId.Value), folder.Value!.Folder.Name) : folder.Error!;
    }
}
