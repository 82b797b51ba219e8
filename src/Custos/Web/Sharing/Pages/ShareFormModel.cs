using Custos.Core.Common;
using Custos.Core.Sharing;
using Custos.Core.Tenants;
using Custos.Web.Documents.Pages;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sharing.Pages;

/// <summary>
/// The form both kinds of link start from: expiry (a day, bounded by the tenant's policy), password (generated, own,
/// or none where the policy allows), recipient and message. A created link is rendered straight from the POST, never
/// cached and never redirected to, so its URL and passwords are in this one response only.
/// </summary>
public abstract class ShareFormModel(AccessPolicy policy, TenantAdministration tenants, SharePolicies policies, TimeProvider time)
    : SharePageModel(policy, tenants)
{
    /// <summary>The day the link ends, at the time of day it is made (so the default is exactly the policy's days).</summary>
    [BindProperty] public DateOnly? Expires { get; set; }
    /// <summary>generate, own or none.</summary>
    [BindProperty] public string Password { get; set; } = "generate";
    /// <summary>The sender's own password: sent once, never rendered back.</summary>
    [BindProperty] public string? OwnPassword { get; set; }
    [BindProperty] public string? Recipient { get; set; }
    [BindProperty(Name = "message")] public string? Note { get; set; }

    public SharePolicies.Policy Policy { get; private set; } = null!;
    public DateOnly Today { get; private set; }
    public DateOnly LatestExpiry { get; private set; }
    public CreatedLink? Created { get; private set; }

    protected async Task LoadPolicyAsync(CancellationToken ct)
    {
        Policy = await policies.GetAsync(Tenant, ct);
        Today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        LatestExpiry = Today.AddDays(Policy.MaxExpiryDays);
        Expires ??= Today.AddDays(Policy.DefaultExpiryDays);
    }

    protected DateTimeOffset? ExpiresAt => Expires is { } day ? ShareDates.At(day, time.GetUtcNow()) : null;

    protected static string Language => ShareEndpoints.Language(null);

    /// <summary>The password mode the form asks for; null (and the form shown again) when a field does not parse.</summary>
    protected SharePasswordMode? AskedMode()
    {
        if (ModelState.IsValid && ShareEndpoints.Mode(Password) is { } mode) return mode;
        Message = new PageMessage("Share.Error.Input", null, true);
        return null;
    }

    /// <summary>The form again, with the line above it (no secret is in it: the own password is not rendered back).</summary>
    protected IActionResult ShowForm()
    {
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>The created link (or the refusal, with the form again).</summary>
    protected IActionResult Show(Result<CreatedShare> created)
    {
        Response.Headers.CacheControl = "no-store";
        if (!created.Succeeded)
        {
            Refuse(created.Error!, created.Error!.Code == "share.expiry_too_late" ? DocumentFormat.Date(LatestExpiry) : null);
            return Page();
        }
        var c = created.Value!;
        Created = new CreatedLink(c.Share, ShareApi.PublicUrl(HttpContext, c.Path), c.Password, c.PackagePassword, c.PackageNote, LinkUrl(c.Share.Id));
        return Page();
    }
}

/// <summary>A link just made, with what is shown this once: the URL and the passwords Custos generated.</summary>
public sealed record CreatedLink(ShareView Share, string Url, string? Password, string? PackagePassword, string? PackageNote, string DetailUrl);

/// <summary>How the share pages turn a day into a moment.</summary>
public static class ShareDates
{
    /// <summary>The day at the time of day of <paramref name="clock"/> (UTC): "in seven days" is seven days from now, not from midnight.</summary>
    public static DateTimeOffset At(DateOnly day, DateTimeOffset clock) =>
        new(day.ToDateTime(TimeOnly.FromTimeSpan(clock.UtcDateTime.TimeOfDay)), TimeSpan.Zero);
}
