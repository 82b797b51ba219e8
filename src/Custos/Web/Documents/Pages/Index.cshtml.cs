using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Documents.Pages;

/// <summary>The tenants whose documents the user can open (every tenant grant carries at least Read on documents).</summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class IndexModel(AccessPolicy policy, TenantAdministration tenants) : PageModel
{
    public IReadOnlyList<Tenant> Tenants { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Tenants = await tenants.ListVisibleAsync(await policy.ForUserAsync(HttpContext.Session()!.UserId, ct), ct);
}
