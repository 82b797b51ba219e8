using Custos.Core.Sharing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Sharing.Public;

/// <summary>
/// What the public share and upload pages share: the token goes through the gate on every request (an unusable one
/// gets <see cref="PublicPages.UnavailableHtml"/>), the visitor cookie, each access logged, and the password form.
/// Nothing of the tenant is shown beyond the files and the sender's display name.
/// </summary>
public abstract class PublicLinkModel(ShareGate gate, ShareLog log, ShareVisitorCookie cookies, ShareKind kind) : PageModel
{
    public ShareLink Link { get; private set; } = null!;
    public ShareVisitorCookie.Visitor Visitor { get; private set; } = null!;
    public bool NeedsPassword => !ShareVisitorCookie.Admitted(Link, Visitor);
    /// <summary>A text key for the password form (wrong password, too many attempts).</summary>
    public string? PasswordError { get; private set; }
    public string Token { get; private set; } = "";
    public string Language => System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;

    protected async Task<bool> EnterAsync(string token, CancellationToken ct)
    {
        Token = token;
        var link = await gate.FindAsync(token, kind, ct);
        if (link is null)
        {
            await PublicPages.UnavailableAsync(HttpContext);
            return false;
        }
        Link = link;
        Visitor = cookies.Read(HttpContext, link);
        if (Visitor.IsNew) cookies.Write(HttpContext, link, Visitor);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        if (!await EnterAsync(token, ct)) return new EmptyResult();
        await log.AddAsync(Link, "open", ShareVisitorCookie.Client(HttpContext, Visitor), ct: ct);
        if (!NeedsPassword) await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(string token, [FromForm] string? password, CancellationToken ct)
    {
        if (!await EnterAsync(token, ct)) return new EmptyResult();
        if (!NeedsPassword) return Redirect($"{HttpContext.Request.Path}?lang={Language}");
        var checkedPassword = await gate.CheckPasswordAsync(Link, password, ShareVisitorCookie.Client(HttpContext, Visitor), ct);
        if (checkedPassword.Succeeded)
        {
            cookies.Write(HttpContext, Link, Visitor with { PasswordGiven = true });
            return Redirect($"{HttpContext.Request.Path}?lang={Language}");
        }
        // Locked by this very attempt: from now on the link answers like any unusable one.
        if (await gate.FindAsync(token, kind, ct) is null)
        {
            await PublicPages.UnavailableAsync(HttpContext);
            return new EmptyResult();
        }
        PasswordError = checkedPassword.Error!.Code == ShareErrors.Throttled.Code ? "Share.Public.Throttled" : "Share.Public.WrongPassword";
        if (checkedPassword.Error.Code == ShareErrors.Throttled.Code) Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Page();
    }

    /// <summary>Loads what an admitted visitor sees.</summary>
    protected abstract Task LoadAsync(CancellationToken ct);
}
