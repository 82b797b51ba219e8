using Custos.Core.Data;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Vault.Pages;

/// <summary>A new folder, at the top of the vault or inside another; its rights are chosen explicitly, as for entries.</summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class NewFolderModel(
    AccessPolicy policy, TenantAdministration tenants, VaultFolders folders, IDbContextFactory<CustosDbContext> dbFactory, TimeProvider time)
    : VaultPageModel(policy, tenants, time)
{
    public Guid? Parent { get; private set; }
    public string ParentName { get; private set; } = "";
    public IReadOnlyList<string> Groups { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid? parent, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        return await LoadAsync(parent, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid tenant, Guid? parent, string? name, string? rightsChoice, string? grantGroup, string[]? rights,
        bool sensitive, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        if (await LoadAsync(parent, ct) is { } missing) return missing;
        IReadOnlyList<PermissionInput>? permissions = rightsChoice switch
        {
            "inherit" => [],
            "grant" when !string.IsNullOrEmpty(grantGroup) => [new PermissionInput(grantGroup, null, RightsForm.Parse(rights))],
            _ => null,
        };
        var result = await folders.CreateAsync(Tenant, new FolderInput(name ?? "", parent, permissions, rightsChoice != "grant", sensitive), Caller, ct);
        if (!result.Succeeded)
        {
            if (Redirected(result.Error!) is { } redirect) return redirect;
            Message = Administration.ResultMessage.From(result.Error);
            return Page();
        }
        return Redirect($"/vault/{tenant}?folder={result.Value!.Id}");
    }

    private async Task<IActionResult?> LoadAsync(Guid? parent, CancellationToken ct)
    {
        Parent = parent;
        if (parent is { } p)
        {
            var here = (await folders.ListAsync(Tenant, Caller, ct)).FirstOrDefault(f => f.Id == p);
            if (here is null) return NotFound();
            ParentName = here.Name;
        }
        Groups = await GroupNamesAsync(dbFactory, ct);
        return null;
    }
}
