using Custos.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

/// <summary>The idle lock (TOM 6.8): after inactivity the session stays but needs the password again.</summary>
[Authorize(Policy = Policies.IdleLocked)]
public sealed class UnlockModel(Sessions sessions, PasswordProof proof) : PageModel
{
    public string ReturnUrl { get; private set; } = "/";
    public bool Failed { get; private set; }
    public HeldForm.Content? Held { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = LoginModel.SafeReturnUrl(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? password, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = LoginModel.SafeReturnUrl(returnUrl);
        if (!await sessions.UnlockAsync(HttpContext.Session()!, password ?? "", HttpContext.Actor(), proof, ct))
        {
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        // Input typed before the lock: offer it back to where it was going, with a fresh anti-forgery token.
        Held = HeldForm.Take(HttpContext);
        if (Held is not null && LoginModel.SafeReturnUrl(Held.Action) == Held.Action) return Page();
        return LocalRedirect(ReturnUrl);
    }
}
