using System.Text;
using Custos.Core.Identity;
using Custos.Core.Identity.SecondFactor;
using Custos.Core.Identity.SecurityKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

/// <summary>
/// The user's second factors: set up, replace or turn off the authenticator app (TOM 6.4). The one page an
/// administrator without a second factor can reach.
/// </summary>
[Authorize(Policy = Policies.Enrolment)]
public sealed class AccountSecurityModel(TotpEnrolment enrolment, ListSecurityKeys securityKeys, RemoveSecurityKey removeKey) : PageModel
{
    public const string Route = "/account/security";

    public TotpStatus Status { get; private set; } = null!;
    /// <summary>Set only in the answer to "set up": the one response that carries the new seed.</summary>
    public TotpEnrolmentStart? Started { get; private set; }
    /// <summary>The code field is shown after "set up" and again after a wrong code (without the seed then).</summary>
    public bool AwaitingCode { get; private set; }
    /// <summary>Set only in the answer to a confirmed code: recovery codes are shown this once.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }
    public string? ErrorCode { get; private set; }
    public string? NoticeKey { get; private set; }
    public IReadOnlyList<SecurityKeyInfo> SecurityKeys { get; private set; } = [];

    /// <summary>An administrator who has no second factor yet and can do nothing else until they set one up.</summary>
    public bool MustEnrol => Status.IsAdministrator && !Status.Enabled && !Status.HasSecurityKey;

    public string QrCodeDataUri => "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(Started!.QrCodeSvg));

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context) =>
        // Seeds and recovery codes must not stay in a browser or proxy cache.
        context.HttpContext.Response.Headers.CacheControl = "no-store";

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostBeginAsync(string? password, CancellationToken ct)
    {
        var result = await enrolment.BeginAsync(CurrentUser(), password, HttpContext.Actor(), ct);
        if (result.Succeeded)
        {
            Started = result.Value;
            AwaitingCode = true;
        }
        else Fail(result.Error!.Code);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(string? code, CancellationToken ct)
    {
        var result = await enrolment.ConfirmAsync(CurrentUser(), code, HttpContext.Actor(), ct);
        if (result.Succeeded) RecoveryCodes = result.Value;
        else
        {
            Fail(result.Error!.Code);
            AwaitingCode = result.Error != SecondFactorErrors.TotpNotStarted;
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? password, CancellationToken ct)
    {
        var result = await enrolment.RemoveAsync(CurrentUser(), password, HttpContext.Actor(), ct);
        if (result.Succeeded) NoticeKey = "Security.Totp.Removed";
        else Fail(result.Error!.Code);
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Where the browser code goes after a key was registered (registration itself is a JSON endpoint).</summary>
    public Task OnGetRegisteredAsync(CancellationToken ct)
    {
        NoticeKey = "SecurityKey.Registered";
        return LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostRemoveKeyAsync(Guid keyId, string? password, CancellationToken ct)
    {
        var result = await removeKey.RemoveAsync(CurrentUser(), keyId, password, HttpContext.Actor(), ct);
        if (result.Succeeded) NoticeKey = "SecurityKey.Removed";
        else
        {
            ErrorCode = result.Error!.Code;
            Response.StatusCode = result.Error == SecurityKeyErrors.LastSecondFactor ? StatusCodes.Status409Conflict
                : result.Error == SecurityKeyErrors.NotFound ? StatusCodes.Status404NotFound
                : StatusCodes.Status400BadRequest;
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Status = await enrolment.GetStatusAsync(CurrentUser(), ct);
        SecurityKeys = await securityKeys.ListAsync(CurrentUser(), ct);
    }

    private void Fail(string code)
    {
        ErrorCode = code;
        Response.StatusCode = code == SecondFactorErrors.LastSecondFactor.Code ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
    }

    private Core.Common.UserId CurrentUser() => HttpContext.Session()!.UserId;
}
