using Custos.Core.Identity.SecondFactor;
using Custos.Core.Identity.SecurityKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

/// <summary>The second login step: a session whose password was accepted shows a TOTP or recovery code here.</summary>
[Authorize(Policy = Policies.SecondFactorPending)]
// Six digits are guessable given enough tries; the same per-address limit as the password step slows that down.
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(LoginRateLimit.Policy)]
public sealed class SecondFactorModel(SecondFactorSignIn signIn, ListSecurityKeys securityKeys) : PageModel
{
    public const string Route = "/login/second-factor";

    public string ReturnUrl { get; private set; } = "/";
    public string? ErrorCode { get; private set; }
    /// <summary>Offers the security key beside the code field.</summary>
    public bool HasSecurityKey { get; private set; }

    public async Task OnGetAsync(string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = LoginModel.SafeReturnUrl(returnUrl);
        HasSecurityKey = (await securityKeys.ListAsync(HttpContext.Session()!.UserId, ct)).Count > 0;
    }

    public async Task<IActionResult> OnPostAsync(string? code, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = LoginModel.SafeReturnUrl(returnUrl);
        var result = await signIn.CompleteAsync(HttpContext.Session()!, code, HttpContext.Actor(), ct);
        if (result.Succeeded) return LocalRedirect(ReturnUrl);
        // Logged out or completed in another tab meanwhile: the session decides where to go next.
        if (result.Error == SecondFactorErrors.NotPending) return LocalRedirect(ReturnUrl);
        ErrorCode = result.Error!.Code;
        HasSecurityKey = (await securityKeys.ListAsync(HttpContext.Session()!.UserId, ct)).Count > 0;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
