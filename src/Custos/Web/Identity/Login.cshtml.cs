using Custos.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(LoginRateLimit.Policy)]
public sealed class LoginModel(SignIn signIn) : PageModel
{
    public string? ErrorCode { get; private set; }
    public string? UserName { get; private set; }
    public string ReturnUrl { get; private set; } = "/";
    public bool LoggedOut { get; private set; }

    public void OnGet(string? returnUrl, bool loggedOut = false)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        LoggedOut = loggedOut;
    }

    public async Task<IActionResult> OnPostAsync(string? userName, string? password, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        UserName = userName;
        var result = await signIn.SignInAsync(userName ?? "", password ?? "", HttpContext.Actor(), ct);
        if (!result.Succeeded)
        {
            ErrorCode = result.Error!.Code;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        SessionAuthenticationHandler.SetCookie(Response, result.Value!.SessionToken, result.Value.ExpiresAt);
        if (result.Value.Principal.SecondFactorPending)
            return LocalRedirect(SecondFactorModel.Route + "?returnUrl=" + Uri.EscapeDataString(ReturnUrl));
        return LocalRedirect(ReturnUrl);
    }

    /// <summary>Only paths of this site: an open redirect after login would hand phishers a trusted link.</summary>
    internal static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\") ? url : "/";
}
