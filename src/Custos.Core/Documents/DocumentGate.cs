using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// The one check every operation on a document passes: the document of this tenant, reached through the caller's grants,
/// with the right the operation needs. Another tenant's id, or a document out of reach, answers "not found"; a
/// document in reach without the right answers "forbidden"; both are recorded.
/// </summary>
internal static class DocumentGate
{
    public sealed record Admitted(Document Document, DocumentRights Rights);

    public static async Task<Result<Admitted>> AdmitAsync(CustosDbContext db, AuditLog audit, DocumentAccessCache accessCache, TenantId tenant, Guid documentId, DocumentCaller caller,
        DocumentRights needed, string action, CancellationToken ct, bool tracked = false, bool evenRestricted = false)
    {
        var query = db.Documents.Where(d => d.Id == documentId && d.TenantId == tenant);
        var document = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        // evenRestricted: releasing a hold must stay possible for a manager outside the restriction's group, or the document is kept for ever.
        var rights = document is null ? DocumentRights.None : evenRestricted ? access.On(document.ProjectId) : access.OnDocument(document);
        var target = DocumentAudit.DocumentTarget(documentId);
        if (rights == DocumentRights.None) return await DocumentAudit.DenyAsync(audit, db, caller, action, tenant, target, DocumentErrors.NotFound, ct);
        if (!rights.Allows(needed)) return await DocumentAudit.DenyAsync(audit, db, caller, action, tenant, target, DocumentErrors.Forbidden, ct);
        // Art. 18: a restricted document is kept, not processed; nobody changes its content.
        if (document!.RestrictionId is not null && needed == DocumentRights.Write)
            return await DocumentAudit.DenyAsync(audit, db, caller, action, tenant, target, DocumentErrors.Restricted, ct);
        return new Admitted(document!, rights);
    }
}
