using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// A user's rights on one tenant's documents, from the tenant grants of their groups: a whole-tenant grant reaches every
/// folder, a project grant only the folders of that project. Nothing is reachable by default, administrators included.
/// </summary>
public sealed class DocumentAccess(DocumentRights wholeTenant, IReadOnlyDictionary<ProjectId, DocumentRights> projects, IReadOnlyCollection<GroupId> groups)
{
    /// <summary>The groups the user belongs to: a restricted document is visible only to its named group.</summary>
    public IReadOnlyCollection<GroupId> Groups => groups;

    /// <summary>Every project is reached (a whole-tenant grant); otherwise only <see cref="Projects"/>.</summary>
    public bool WholeTenant => wholeTenant != DocumentRights.None;

    public IEnumerable<ProjectId> Projects => projects.Where(p => p.Value != DocumentRights.None).Select(p => p.Key);

    /// <summary>A document under an erasure restriction (Art. 18) is hidden from all but the members of the group it names.</summary>
    public bool Sees(Document document) => document.RestrictionId is null || (document.RestrictedTo is { } g && groups.Contains(g));

    /// <summary>The rights on this document: none if it is restricted and out of sight.</summary>
    public DocumentRights OnDocument(Document document) => Sees(document) ? On(document.ProjectId) : DocumentRights.None;

    public bool CanSeeTenant => wholeTenant != DocumentRights.None || projects.Count > 0;

    /// <summary>The rights on a folder (or document) of <paramref name="project"/>, or of no project.</summary>
    public DocumentRights On(ProjectId? project) =>
        (wholeTenant | (project is { } p ? projects.GetValueOrDefault(p) : DocumentRights.None)).Normalize();

    public static async Task<DocumentAccess> LoadAsync(CustosDbContext db, UserId user, TenantId tenant, CancellationToken ct)
    {
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.UserId == user).Select(m => m.GroupId).ToListAsync(ct);
        var grants = await db.TenantGrants.AsNoTracking().Where(g => g.TenantId == tenant && groups.Contains(g.GroupId))
            .Select(g => new { g.ProjectId, g.DocumentRights }).ToListAsync(ct);
        var whole = DocumentRights.None;
        var projects = new Dictionary<ProjectId, DocumentRights>();
        foreach (var g in grants)
        {
            if (g.ProjectId is { } p) projects[p] = projects.GetValueOrDefault(p) | g.DocumentRights;
            else whole |= g.DocumentRights;
        }
        return new DocumentAccess(whole, projects, groups.ToHashSet());
    }
}
