using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Vault.Pages;

/// <summary>
/// What every vault page shares: the tenant from the route (reachable or 404, the same answer for "missing" and "not
/// yours"), the caller, and the step-up redirect for sensitive places.
/// </summary>
public abstract class VaultPageModel(AccessPolicy policy, TenantAdministration tenants, TimeProvider time) : PageModel
{
    public Guid TenantRouteId { get; private set; }
    public TenantId Tenant => new(TenantRouteId);
    public string TenantName { get; private set; } = "";
    protected TimeProvider Time => time;
    protected VaultCaller Caller => HttpContext.Caller(time);

    /// <summary>Loads the tenant; null when the page may go on, else the result to return.</summary>
    protected async Task<IActionResult?> LoadTenantAsync(Guid tenant, CancellationToken ct)
    {
        TenantRouteId = tenant;
        var access = await policy.ForUserAsync(HttpContext.Session()!.UserId, ct);
        var found = await tenants.GetAsync(access, new TenantId(tenant), HttpContext.Actor(), ct);
        if (!found.Succeeded) return NotFound();
        TenantName = found.Value!.Tenant.Name;
        return null;
    }

    public Administration.ResultMessage? Message { get; protected set; }

    /// <summary>Adds a grant from the rights dialog (see _Grants.cshtml); the time window is entered in UTC.</summary>
    protected async Task<Result<Guid>> AddGrantAsync(VaultGrants grants, Guid? folder, Guid? entry, string? group, string? user,
        IEnumerable<string>? rights, DateTime? from, DateTime? until, CancellationToken ct)
    {
        var permission = new PermissionInput(string.IsNullOrWhiteSpace(group) ? null : group, string.IsNullOrWhiteSpace(user) ? null : user,
            RightsForm.Parse(rights), Utc(from), Utc(until));
        return await grants.AddAsync(Tenant, new GrantTarget(entry is null ? folder : null, entry), permission, Caller, ct);
    }

    /// <summary>Group names for the rights choices of forms (names only: which groups exist is not a secret to colleagues).</summary>
    protected static async Task<List<string>> GroupNamesAsync(IDbContextFactory<CustosDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(ct);
    }

    protected static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>The answer to a service error on a page: 404, the step-up page, or null (show the message on the page).</summary>
    protected IActionResult? Redirected(Error error) =>
        error.Code == VaultErrors.NotFound.Code ? NotFound()
        : error.Code == VaultErrors.StepUpRequired.Code ? Redirect($"{StepUpModel.Route}?returnUrl={Uri.EscapeDataString(Request.Path + Request.QueryString)}")
        : null;
}
