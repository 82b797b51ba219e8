using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Administration;

/// <summary>
/// Tenants, projects and grants for administrators. It shows names and who may enter, never tenant data: being an
/// administrator does not open a tenant (separation of duties); an administrator who wants in grants a group of their own,
/// which is audited and visible here.
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class TenantsModel(TenantAdministration tenants, GroupAdministration groups, IDbContextFactory<CustosDbContext> dbFactory,
    VaultGrants vaultGrants, TimeProvider time) : PageModel
{
    public sealed record GrantRow(string Group, string? Project, Guid? ProjectId);

    public sealed record TenantRow(Tenant Tenant, IReadOnlyList<Project> Projects, IReadOnlyList<GrantRow> Grants);

    public IReadOnlyList<TenantRow> Tenants { get; private set; } = [];
    public IReadOnlyList<string> Groups { get; private set; } = [];
    public ResultMessage? Message { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task OnPostCreateAsync(string? name, bool sensitive, CancellationToken ct) =>
        await Respond(ResultMessage.From(await tenants.CreateTenantAsync(name ?? "", sensitive, HttpContext.Actor(), ct)), ct);

    public async Task OnPostProjectAsync(Guid tenantId, string? name, CancellationToken ct) =>
        await Respond(ResultMessage.From(await tenants.CreateProjectAsync(new TenantId(tenantId), name ?? "", false, HttpContext.Actor(), ct)), ct);

    public async Task OnPostGrantAsync(string? scope, string? groupName, CancellationToken ct)
    {
        var parts = (scope ?? "").Split('/');
        if (!Guid.TryParse(parts[0], out var tenant) || (parts.Length > 1 && !Guid.TryParse(parts[1], out _)))
        {
            await Respond(ResultMessage.From(TenantAdministration.NotFound), ct);
            return;
        }
        ProjectId? project = parts.Length > 1 ? new ProjectId(Guid.Parse(parts[1])) : null;
        await Respond(ResultMessage.From(await tenants.GrantAsync(groupName ?? "", new TenantId(tenant), project, HttpContext.Actor(), ct)), ct);
    }

    public async Task OnPostRevokeAsync(Guid tenantId, string? groupName, Guid? projectId, CancellationToken ct) =>
        await Respond(ResultMessage.From(await tenants.RevokeGrantAsync(groupName ?? "", new TenantId(tenantId),
            projectId is { } p ? new ProjectId(p) : null, HttpContext.Actor(), ct)), ct);

    /// <summary>Rights on a tenant's whole vault for a group: how the team that runs a customer's credentials gets started.</summary>
    public async Task OnPostVaultGrantAsync(Guid tenantId, string? groupName, string[]? rights, CancellationToken ct)
    {
        var caller = HttpContext.Caller(time);
        var result = await vaultGrants.AddAsync(new TenantId(tenantId), GrantTarget.Root,
            new PermissionInput(groupName, null, Vault.Pages.RightsForm.Parse(rights)), caller, ct);
        await Respond(ResultMessage.From(result), ct);
    }

    private async Task Respond(ResultMessage message, CancellationToken ct)
    {
        Message = message;
        if (message.IsError) Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var all = await tenants.ListAllAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var projects = await db.Projects.AsNoTracking().ToListAsync(ct);
        var grants = await (from g in db.TenantGrants
                            join grp in db.Groups on g.GroupId equals grp.Id
                            select new { g.TenantId, Group = grp.Name, g.ProjectId }).AsNoTracking().ToListAsync(ct);
        Tenants = all.Select(t =>
        {
            var own = projects.Where(p => p.TenantId == t.Id).OrderBy(p => p.Name).ToList();
            return new TenantRow(t, own, grants.Where(g => g.TenantId == t.Id)
                .Select(g => new GrantRow(g.Group, own.FirstOrDefault(p => p.Id == g.ProjectId)?.Name, g.ProjectId?.Value)).ToList());
        }).ToList();
        Groups = (await groups.ListAsync(ct)).Select(g => g.Name).ToList();
    }
}
