using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Identity;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Tenants;

/// <summary>
/// Tenants (customers), their projects and the grants that open them to groups. Creating and granting are
/// administration; reading a tenant's details needs access to it through a grant, and "missing" and "not yours"
/// answer alike, with the refusal recorded.
/// </summary>
public sealed class TenantAdministration(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public static readonly Error NotFound = new("tenant.not_found", "No such tenant or project.");
    public static readonly Error NameTaken = new("tenant.name_taken", "A tenant or project with this name exists already.");
    public static readonly Error NameInvalid = new("tenant.name_invalid", "The name must be 1 to 200 characters.");
    public static readonly Error GroupNotFound = new("group.not_found", "No such group.");

    public async Task<Result<Tenant>> CreateTenantAsync(string name, bool sensitive, Actor actor, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200) return NameInvalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Tenants.AnyAsync(t => t.Name == name, ct)) return NameTaken;
        var tenant = new Tenant { Id = TenantId.New(), Name = name, IsSensitive = sensitive, CreatedAt = time.StoredNow() };
        db.Tenants.Add(tenant);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "tenant.create", Tenant: tenant.Id, Target: $"tenant:{tenant.Id}",
            ClientAddress: actor.ClientAddress, Details: new Dictionary<string, string?> { ["name"] = name, ["sensitive"] = sensitive.ToString() }), ct);
        return tenant;
    }

    public async Task<Result<Project>> CreateProjectAsync(TenantId tenantId, string name, bool sensitive, Actor actor, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200) return NameInvalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId && t.Id != TenantId.System, ct)) return NotFound;
        if (await db.Projects.AnyAsync(p => p.TenantId == tenantId && p.Name == name, ct)) return NameTaken;
        var project = new Project { Id = ProjectId.New(), TenantId = tenantId, Name = name, IsSensitive = sensitive, CreatedAt = time.StoredNow() };
        db.Projects.Add(project);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "project.create", Tenant: tenantId, Target: $"project:{project.Id}",
            ClientAddress: actor.ClientAddress, Details: new Dictionary<string, string?> { ["name"] = name }), ct);
        return project;
    }

    /// <summary>Opens a tenant (or one project of it) to a group.</summary>
    /// <summary>Lets the group reach the tenant (or project); granting again changes what it may do with documents there.</summary>
    public async Task<Result<TenantGrant>> GrantAsync(string groupName, TenantId tenantId, ProjectId? projectId, Actor actor, CancellationToken ct = default,
        Documents.DocumentRights documents = Documents.DocumentRights.Read)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var group = await db.Groups.SingleOrDefaultAsync(g => g.Name == groupName, ct);
        if (group is null) return GroupNotFound;
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId && t.Id != TenantId.System, ct)) return NotFound;
        if (projectId is { } pid && !await db.Projects.AnyAsync(p => p.Id == pid && p.TenantId == tenantId, ct)) return NotFound;
        var existing = await db.TenantGrants.SingleOrDefaultAsync(g => g.GroupId == group.Id && g.TenantId == tenantId && g.ProjectId == projectId, ct);
        documents = documents.Normalize() | Documents.DocumentRights.Read;
        if (existing is not null && existing.DocumentRights == documents) return existing;
        var grant = existing ?? new TenantGrant
        {
            Id = Guid.CreateVersion7(), GroupId = group.Id, TenantId = tenantId, ProjectId = projectId,
            GrantedAt = time.StoredNow(), GrantedBy = actor.Name,
        };
        grant.DocumentRights = documents;
        if (existing is null) db.TenantGrants.Add(grant);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "tenant.grant", Tenant: tenantId, Target: $"group:{group.Name}",
            ClientAddress: actor.ClientAddress, Details: new Dictionary<string, string?>
            {
                ["project"] = projectId?.ToString(), ["documents"] = documents.ToString(),
            }), ct);
        return grant;
    }

    public async Task<Result<bool>> RevokeGrantAsync(string groupName, TenantId tenantId, ProjectId? projectId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var group = await db.Groups.SingleOrDefaultAsync(g => g.Name == groupName, ct);
        if (group is null) return GroupNotFound;
        var grant = await db.TenantGrants.SingleOrDefaultAsync(g => g.GroupId == group.Id && g.TenantId == tenantId && g.ProjectId == projectId, ct);
        if (grant is null) return NotFound;
        db.TenantGrants.Remove(grant);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "tenant.revoke", Tenant: tenantId, Target: $"group:{group.Name}",
            ClientAddress: actor.ClientAddress, Details: new Dictionary<string, string?> { ["project"] = projectId?.ToString() }), ct);
        return true;
    }

    /// <summary>All tenants, for administrators (names and flags only: no tenant data).</summary>
    public async Task<IReadOnlyList<Tenant>> ListAllAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => t.Id != TenantId.System).OrderBy(t => t.Name).ToListAsync(ct);
    }

    /// <summary>The tenants this user can see.</summary>
    public async Task<IReadOnlyList<Tenant>> ListVisibleAsync(TenantAccess access, CancellationToken ct = default)
    {
        var ids = access.WholeTenants.Concat(access.Projects.Select(p => p.Tenant)).Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tenants.AsNoTracking().Where(t => ids.Contains(t.Id)).OrderBy(t => t.Name).ToListAsync(ct);
    }

    /// <summary>One tenant with the projects the user can reach; NotFound (and a recorded refusal) when not reachable.</summary>
    public async Task<Result<TenantView>> GetAsync(TenantAccess access, TenantId tenantId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = access.CanSeeTenant(tenantId) ? await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tenantId, ct) : null;
        if (tenant is null)
        {
            await RecordRefusalAsync(db, actor, $"tenant:{tenantId}", ct);
            return NotFound;
        }
        var projects = await db.Projects.AsNoTracking().Where(p => p.TenantId == tenantId).OrderBy(p => p.Name).ToListAsync(ct);
        return new TenantView(tenant, projects.Where(p => access.CanReachProject(tenantId, p.Id)).ToList());
    }

    public async Task<Result<Project>> GetProjectAsync(TenantAccess access, TenantId tenantId, ProjectId projectId, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = access.CanReachProject(tenantId, projectId)
            ? await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId && p.TenantId == tenantId, ct)
            : null;
        if (project is null)
        {
            await RecordRefusalAsync(db, actor, $"project:{projectId}", ct);
            return NotFound;
        }
        return project;
    }

    private Task RecordRefusalAsync(CustosDbContext db, Actor actor, string target, CancellationToken ct) =>
        audit.RecordAsync(db, new AuditEntry(actor.Name, "access.deny", AuditOutcome.Denied, Target: target, ClientAddress: actor.ClientAddress), ct);
}

public sealed record TenantView(Tenant Tenant, IReadOnlyList<Project> Projects);
