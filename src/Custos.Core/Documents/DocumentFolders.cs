using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>The folder tree of a tenant's documents. A subfolder belongs to its parent's project.</summary>
public sealed class DocumentFolders(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit, TimeProvider time)
{
    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public async Task<Result<FolderView>> CreateAsync(TenantId tenant, string? name, Guid? parentId, ProjectId? projectId, DocumentCaller caller,
        CancellationToken ct = default)
    {
        var checkedName = DocumentNames.Validate(name);
        if (!checkedName.Succeeded) return checkedName.Error!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        var target = parentId is { } parentFolder ? DocumentAudit.FolderTarget(parentFolder)
            : projectId is { } project ? $"project:{project}" : $"tenant:{tenant}";
        // Out of reach answers like missing, and is recorded like any refusal.
        Task<Error> NotFound() => DocumentAudit.DenyAsync(audit, db, caller, "document.folder_create", tenant, target, DocumentErrors.NotFound, ct);
        if (!access.CanSeeTenant) return await NotFound();
        if (parentId is { } pid)
        {
            var parent = await db.DocumentFolders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == pid && f.TenantId == tenant, ct);
            if (parent is null || access.On(parent.ProjectId) == DocumentRights.None) return await NotFound();
            projectId = parent.ProjectId;
        }
        else if (projectId is { } p && !await db.Projects.AnyAsync(x => x.Id == p && x.TenantId == tenant, ct))
        {
            return await NotFound();
        }
        if (!access.On(projectId).Allows(DocumentRights.Write))
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.folder_create", tenant, target, DocumentErrors.Forbidden, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two creations of one name at once: SQLite's write transactions are serial already; on PostgreSQL the tenant's
        // row lock makes them so (a unique index cannot, as NULL parents count as distinct there).
        if (db.Database.ProviderName == PostgresProvider)
            await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM tenants WHERE id = {0} FOR UPDATE", [tenant.Value], ct);
        if (await db.DocumentFolders.AnyAsync(f => f.TenantId == tenant && f.ParentId == parentId && f.ProjectId == projectId && f.Name == checkedName.Value, ct))
            return DocumentErrors.NameTaken;
        var folder = new DocumentFolder
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, ProjectId = projectId, ParentId = parentId, Name = checkedName.Value!,
            CreatedAt = time.StoredNow(), CreatedBy = caller.UserName,
        };
        db.DocumentFolders.Add(folder);
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.folder_create", tenant, DocumentAudit.FolderTarget(folder.Id),
            details: ("name", folder.Name)), ct);
        return new FolderView(folder.Id, folder.ParentId, folder.Name, folder.ProjectId?.Value, access.On(projectId).ToString());
    }

    /// <summary>The folders the caller reaches (all of the tenant's with a whole-tenant grant, else those of their projects).</summary>
    public async Task<Result<IReadOnlyList<FolderView>>> ListAsync(TenantId tenant, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        if (!access.CanSeeTenant) return DocumentErrors.NotFound;
        var folders = await db.DocumentFolders.AsNoTracking().Where(f => f.TenantId == tenant).OrderBy(f => f.Name).ToListAsync(ct);
        return folders.Where(f => access.On(f.ProjectId) != DocumentRights.None)
            .Select(f => new FolderView(f.Id, f.ParentId, f.Name, f.ProjectId?.Value, access.On(f.ProjectId).ToString())).ToList();
    }
}
