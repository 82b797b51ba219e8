using Custos.Core.Documents;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Documents.Pages;

/// <summary>The tenant's erasure requests (the caller's own, or all for a manager of the whole tenant), and one request's report.</summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class ErasuresModel(AccessPolicy policy, TenantAdministration tenants, DocumentErasure erasure) : DocumentPageModel(policy, tenants)
{
    public IReadOnlyList<ErasureReport> Requests { get; private set; } = [];
    public ErasureReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid? id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        if (id is { } requestId)
        {
            var report = await erasure.ReportAsync(Tenant, requestId, Caller, ct);
            if (!report.Succeeded) return NotFound();
            Report = report.Value;
            return Page();
        }
        var list = await erasure.ListAsync(Tenant, Caller, ct);
        if (!list.Succeeded) return NotFound();
        Requests = list.Value!;
        return Page();
    }
}
