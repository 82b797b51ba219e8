using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Vault.Pages;

/// <summary>Access requests: those waiting for the user's decision (as a Manage holder) and the user's own.</summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class RequestsModel(AccessPolicy policy, TenantAdministration tenants, VaultAccessRequests requests, TimeProvider time)
    : VaultPageModel(policy, tenants, time)
{
    public IReadOnlyList<AccessRequestView> Requests { get; private set; } = [];
    public string Me => HttpContext.Session()!.UserName;

    public async Task<IActionResult> OnGetAsync(Guid tenant, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        Requests = await requests.ListAsync(Tenant, Caller, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid tenant, Guid request, bool approve, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await requests.DecideAsync(Tenant, request, approve, Caller, ct);
        if (!result.Succeeded && Redirected(result.Error!) is { } redirect) return redirect;
        Message = Administration.ResultMessage.From(result);
        Requests = await requests.ListAsync(Tenant, Caller, ct);
        return Page();
    }
}
