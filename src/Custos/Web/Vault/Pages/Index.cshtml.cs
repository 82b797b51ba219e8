using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Vault.Pages;

/// <summary>The tenants whose vaults the user can open.</summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class IndexModel(AccessPolicy policy, TenantAdministration tenants) : PageModel
{
    public IReadOnlyList<Tenant> Tenants { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Tenants = await tenants.ListVisibleAsync(await policy.ForUserAsync(HttpContext.Session()!.UserId, ct), ct);
}
