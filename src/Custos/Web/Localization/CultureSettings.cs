using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Custos.Web.Localization;

/// <summary>English and German; the browser's language decides until the user picks one with the switch (a cookie).</summary>
public static class CultureSettings
{
    public const string CookieName = "__Host-custos-culture";
    public static readonly string[] Supported = ["en", "de"];

    public static void Configure(RequestLocalizationOptions options)
    {
        var cultures = Supported.Select(c => new CultureInfo(c)).ToList();
        options.DefaultRequestCulture = new RequestCulture("en");
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider { CookieName = CookieName },
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }
}
