using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Tenants;

/// <summary>
/// What one user can reach, loaded once per request: whole tenants granted to one of their groups, and single projects.
/// Decisions are set look-ups. Nothing is reachable by default; administration rights do not imply tenant access.
/// </summary>
public sealed class TenantAccess(IReadOnlySet<TenantId> tenants, IReadOnlySet<(TenantId Tenant, ProjectId Project)> projects)
{
    public static readonly TenantAccess None = new(new HashSet<TenantId>(), new HashSet<(TenantId, ProjectId)>());

    private readonly HashSet<TenantId> tenantsWithProjects = projects.Select(p => p.Tenant).ToHashSet();

    public IReadOnlySet<TenantId> WholeTenants { get; } = tenants;
    public IReadOnlySet<(TenantId Tenant, ProjectId Project)> Projects { get; } = projects;

    /// <summary>True when the user sees the tenant at all (whole, or at least one of its projects).</summary>
    public bool CanSeeTenant(TenantId tenant) => WholeTenants.Contains(tenant) || tenantsWithProjects.Contains(tenant);

    public bool CanReachProject(TenantId tenant, ProjectId project) => WholeTenants.Contains(tenant) || Projects.Contains((tenant, project));

    public bool HasWholeTenant(TenantId tenant) => WholeTenants.Contains(tenant);
}

/// <summary>The one place that answers "may this person reach that tenant's data?".</summary>
public sealed class AccessPolicy(IDbContextFactory<CustosDbContext> dbFactory)
{
    public async Task<TenantAccess> ForUserAsync(UserId user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var grants = await (from m in db.GroupMembers
                            join g in db.TenantGrants on m.GroupId equals g.GroupId
                            where m.UserId == user
                            select new { g.TenantId, g.ProjectId }).AsNoTracking().ToListAsync(ct);
        var whole = grants.Where(g => g.ProjectId is null).Select(g => g.TenantId).ToHashSet();
        var projects = grants.Where(g => g.ProjectId is not null).Select(g => (g.TenantId, g.ProjectId!.Value)).ToHashSet();
        return new TenantAccess(whole, projects);
    }

    /// <summary>Every user who can reach the tenant, and through which group (the "who can reach tenant X" overview).</summary>
    public async Task<IReadOnlyList<ReachEntry>> WhoCanReachAsync(TenantId tenant, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from g in db.TenantGrants
                      join grp in db.Groups on g.GroupId equals grp.Id
                      join m in db.GroupMembers on g.GroupId equals m.GroupId
                      join u in db.Users on m.UserId equals u.Id
                      join p in db.Projects on g.ProjectId equals p.Id into projects
                      from p in projects.DefaultIfEmpty()
                      where g.TenantId == tenant && u.IsEnabled
                      orderby u.UserName, grp.Name
                      select new ReachEntry(u.UserName, grp.Name, g.TenantId, p == null ? null : p.Name))
            .AsNoTracking().ToListAsync(ct);
    }

    /// <summary>Everything the user can reach, and through which group (the "what can user Y reach" overview).</summary>
    public async Task<IReadOnlyList<ReachEntry>> WhatCanReachAsync(UserId user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from m in db.GroupMembers
                      join grp in db.Groups on m.GroupId equals grp.Id
                      join g in db.TenantGrants on m.GroupId equals g.GroupId
                      join t in db.Tenants on g.TenantId equals t.Id
                      join u in db.Users on m.UserId equals u.Id
                      join p in db.Projects on g.ProjectId equals p.Id into projects
                      from p in projects.DefaultIfEmpty()
                      where m.UserId == user
                      orderby t.Name, grp.Name
                      select new ReachEntry(u.UserName, grp.Name, g.TenantId, p == null ? null : p.Name) { TenantName = t.Name })
            .AsNoTracking().ToListAsync(ct);
    }
}

public sealed record ReachEntry(string UserName, string GroupName, TenantId Tenant, string? ProjectName)
{
    public string? TenantName { get; init; }
}
