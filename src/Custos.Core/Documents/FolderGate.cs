using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// <see cref="DocumentGate"/> for folders: the folder of this tenant, reached through the caller's grants, with the
/// right the operation needs. Out of reach answers "not found", in reach without the right "forbidden"; both recorded.
/// </summary>
internal static class FolderGate
{
    public sealed record Admitted(DocumentFolder Folder, DocumentRights Rights);

    public static async Task<Result<Admitted>> AdmitAsync(CustosDbContext db, AuditLog audit, DocumentAccessCache accessCache, TenantId tenant, Guid folderId, DocumentCaller caller,
        DocumentRights needed, string action, CancellationToken ct)
    {
        var folder = await db.DocumentFolders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == folderId && f.TenantId == tenant, ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        var rights = folder is null ? DocumentRights.None : access.On(folder.ProjectId);
        var target = DocumentAudit.FolderTarget(folderId);
        if (rights == DocumentRights.None) return await DocumentAudit.DenyAsync(audit, db, caller, action, tenant, target, DocumentErrors.NotFound, ct);
        if (!rights.Allows(needed)) return await DocumentAudit.DenyAsync(audit, db, caller, action, tenant, target, DocumentErrors.Forbidden, ct);
        return new Admitted(folder!, rights);
    }
}
