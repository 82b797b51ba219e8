using Custos.Core.Audit;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Audit;

/// <summary>The audit log, for holders of the auditor role only; each view is recorded in the log itself.</summary>
[Authorize(Policy = Policies.Auditor)]
public sealed class AuditIndexModel(AuditQuery query) : PageModel
{
    public const int PageSize = 50;

    public string? Actor { get; private set; }
    public string? Action { get; private set; }
    public string? Tenant { get; private set; }
    public string? Since { get; private set; }
    public string? Until { get; private set; }
    public bool InvalidFilter { get; private set; }
    public AuditPage? Result { get; private set; }

    public async Task OnGetAsync(string? actor, string? action, string? tenant, string? since, string? until, int? p, CancellationToken ct)
    {
        (Actor, Action, Tenant, Since, Until) = (actor, action, tenant, since, until);
        if (!AuditEndpoints.TryFilter(actor, action, tenant, since, until, out var filter, out _))
        {
            InvalidFilter = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Result = await query.ReadPageAsync(filter, p ?? 1, PageSize, HttpContext.Actor(), ct);
    }

    public string ExportUrl => "/audit/export" + Query().ToQueryString();

    public string PageUrl(int page)
    {
        var q = Query();
        q.Add("p", page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return "/audit" + q.ToQueryString();
    }

    private QueryBuilder Query()
    {
        var q = new QueryBuilder();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) q.Add(key, value);
        }
        Add("actor", Actor);
        Add("action", Action);
        Add("tenant", Tenant);
        Add("since", Since);
        Add("until", Until);
        return q;
    }
}
