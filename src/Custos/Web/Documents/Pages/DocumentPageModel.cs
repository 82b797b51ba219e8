using System.Globalization;
using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Documents.Pages;

/// <summary>
/// What every document page shares: the tenant from the route (reachable or 404, the same answer for "missing" and
/// "not yours"), the caller as the document services see it, and the message line above the page.
/// </summary>
public abstract class DocumentPageModel(AccessPolicy policy, TenantAdministration tenants) : PageModel
{
    /// <summary>Where a redirect after a successful form leaves the text key of its notice.</summary>
    protected const string DoneKey = "DocumentsDone";

    public Guid TenantRouteId { get; private set; }
    public TenantId Tenant => new(TenantRouteId);
    public string TenantName { get; private set; } = "";
    /// <summary>The tenant's projects the user reaches (for new top-level folders of a project).</summary>
    public IReadOnlyList<Project> Projects { get; private set; } = [];
    public string TenantUrl => $"/documents/{TenantRouteId}";
    public string Api => $"/api/v1/tenants/{TenantRouteId}/documents";
    public PageMessage? Message { get; protected set; }
    protected DocumentCaller Caller => HttpContext.DocumentCaller();

    /// <summary>Loads the tenant; null when the page may go on, else the result to return.</summary>
    protected async Task<IActionResult?> LoadTenantAsync(Guid tenant, CancellationToken ct)
    {
        TenantRouteId = tenant;
        var access = await policy.ForUserAsync(HttpContext.Session()!.UserId, ct);
        var found = await tenants.GetAsync(access, new TenantId(tenant), HttpContext.Actor(), ct);
        if (!found.Succeeded) return NotFound();
        TenantName = found.Value!.Tenant.Name;
        Projects = found.Value.Projects;
        if (TempData[DoneKey] is string done) Message = new PageMessage(done, null, false);
        return null;
    }

    /// <summary>Redirects to <paramref name="url"/> with a notice shown there once.</summary>
    protected IActionResult Done(string url, string key)
    {
        TempData[DoneKey] = key;
        return Redirect(url);
    }

    /// <summary>The rights of a view ("Read, Write") as flags.</summary>
    public static DocumentRights ParseRights(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(DocumentRightsExtensions.Parse).Aggregate(DocumentRights.None, (all, r) => all | (r ?? DocumentRights.None)).Normalize();
}

/// <summary>
/// A line above the page: a text key (with one argument) and whether it is an error. A service error is shown in the
/// page's language where its code has a text ("Documents.Error.&lt;code&gt;"), else with the service's message.
/// </summary>
public sealed record PageMessage(string Key, string? Argument, bool IsError)
{
    public static readonly HashSet<string> KnownCodes =
    [
        "document.not_found", "document.forbidden", "document.locked", "document.not_checked_out", "document.already_checked_out",
        "document.conflict", "document.integrity", "document.name_taken", "document.invalid", "document.retained", "document.held",
        "document.restricted",
    ];

    public static PageMessage From(Error error) =>
        KnownCodes.Contains(error.Code) ? new("Documents.Error." + error.Code, error.Message, true) : new("Documents.Error.Other", error.Message, true);
}

/// <summary>How the document pages write sizes and times.</summary>
public static class DocumentFormat
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>"812 B", "1.4 MiB" (in the page's number format).</summary>
    public static string Size(long bytes)
    {
        if (bytes < 1024) return bytes.ToString("N0", CultureInfo.CurrentCulture) + " B";
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString(value < 10 ? "N1" : "N0", CultureInfo.CurrentCulture) + " " + Units[unit];
    }

    public static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.CurrentCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
