using Custos.Core.Identity.SecurityKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

/// <summary>
/// Asks for the security key again before a sensitive area (TOM 6.4), then returns where the user was going. The proof
/// itself goes through the step-up JSON endpoints; this page only offers it.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class StepUpModel(ListSecurityKeys securityKeys) : PageModel
{
    public const string Route = "/account/step-up";

    public string ReturnUrl { get; private set; } = "/";
    public bool HasSecurityKey { get; private set; }

    public async Task OnGetAsync(string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = LoginModel.SafeReturnUrl(returnUrl);
        HasSecurityKey = (await securityKeys.ListAsync(HttpContext.Session()!.UserId, ct)).Count > 0;
    }
}
