using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Localization;

/// <summary>The language switch: remembers the choice in a cookie for a year and returns to the page.</summary>
[AllowAnonymous]
public sealed class CultureModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(string? culture, string? returnUrl)
    {
        if (culture is not null && CultureSettings.Supported.Contains(culture))
        {
            Response.Cookies.Append(CultureSettings.CookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true });
        }
        return LocalRedirect(LoginModel.SafeReturnUrl(returnUrl));
    }
}
