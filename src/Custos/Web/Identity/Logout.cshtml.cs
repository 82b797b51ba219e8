using Custos.Core.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

/// <summary>POST only (a link could log people out from another site); revokes the session on the server.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Policies.AnySession)]
public sealed class LogoutModel(Sessions sessions) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (HttpContext.Session() is { } principal) await sessions.RevokeAsync(principal, HttpContext.Actor(), ct);
        SessionAuthenticationHandler.ClearCookie(Response);
        return Redirect("/login?loggedOut=true");
    }
}
