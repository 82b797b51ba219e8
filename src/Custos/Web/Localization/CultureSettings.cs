using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Custos.Web.Localization;

/// <summary>English and German; the browser's language decides until the user picks one with the switch (a cookie) or a page says ?lang=.</summary>
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
            // ?lang=de: the public share pages (no cookie of ours for strangers, no switch form on an edge instance).
            new QueryStringRequestCultureProvider { QueryStringKey = "lang", UIQueryStringKey = "lang" },
            new CookieRequestCultureProvider { CookieName = CookieName },
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }
}
