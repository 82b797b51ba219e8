using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>Listing documents and showing one with its versions (Read).</summary>
public sealed class DocumentLibrary(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit)
{
    public async Task<Result<IReadOnlyList<DocumentView>>> ListAsync(TenantId tenant, Guid folderId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        var folder = await db.DocumentFolders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == folderId && f.TenantId == tenant, ct);
        if (folder is null || access.On(folder.ProjectId) is var rights && rights == DocumentRights.None)
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.list", tenant, DocumentAudit.FolderTarget(folderId), DocumentErrors.NotFound, ct);
        var rows = await (from d in db.Documents
                          join v in db.DocumentVersions on new { DocumentId = d.Id, Number = d.CurrentVersion } equals new { v.DocumentId, v.Number }
                          where d.FolderId == folderId && d.TenantId == tenant
                          orderby d.Name
                          select new { d, v }).AsNoTracking().ToListAsync(ct);
        return rows.Where(r => access.Sees(r.d)).Select(r => DocumentViewing.View(r.d, r.v, rights, caller.User)).ToList();
    }

    public async Task<Result<DocumentView>> GetAsync(TenantId tenant, Guid documentId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Read, "document.view", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var versions = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == documentId && v.TenantId == tenant)
            .OrderByDescending(v => v.Number).ToListAsync(ct);
        var (document, rights) = admitted.Value!;
        return DocumentViewing.View(document, versions.First(v => v.Number == document.CurrentVersion), rights, caller.User) with
        {
            Versions = versions.Select(DocumentViewing.View).ToList(),
        };
    }
}
