using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// A user's rights on one tenant's documents, from the tenant grants of their groups: a whole-tenant grant reaches every
/// folder, a project grant only the folders of that project. Nothing is reachable by default, administrators included.
/// </summary>
public sealed class DocumentAccess(DocumentRights wholeTenant, IReadOnlyDictionary<ProjectId, DocumentRights> projects)
{
    public bool CanSeeTenant => wholeTenant != DocumentRights.None || projects.Count > 0;

    /// <summary>The rights on a folder (or document) of <paramref name="project"/>, or of no project.</summary>
    public DocumentRights On(ProjectId? project) =>
        (wholeTenant | (project is { } p ? projects.GetValueOrDefault(p) : DocumentRights.None)).Normalize();

    public static async Task<DocumentAccess> LoadAsync(CustosDbContext db, UserId user, TenantId tenant, CancellationToken ct)
    {
        var grants = await (from m in db.GroupMembers
                            join g in db.TenantGrants on m.GroupId equals g.GroupId
                            where m.UserId == user && g.TenantId == tenant
                            select new { g.ProjectId, g.DocumentRights }).AsNoTracking().ToListAsync(ct);
        var whole = DocumentRights.None;
        var projects = new Dictionary<ProjectId, DocumentRights>();
        foreach (var g in grants)
        {
            if (g.ProjectId is { } p) projects[p] = projects.GetValueOrDefault(p) | g.DocumentRights;
            else whole |= g.DocumentRights;
        }
        return new DocumentAccess(whole, projects);
    }
}
