using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Custos.Web.Identity;

/// <summary>
/// Keeps what a user had typed when their session was idle-locked mid-edit: the posted fields travel, encrypted and
/// for 15 minutes at most, in a cookie to the unlock page, which offers them back to the original form target.
/// </summary>
public static class HeldForm
{
    private const string CookieName = "__Host-custos-held";
    private const int MaxBytes = 3000;

    public sealed record Content(string Action, Dictionary<string, string> Fields);

    public static async Task HoldAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType) return;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = form.Where(f => f.Key != "__af" && !IsSecret(f.Key)).ToDictionary(f => f.Key, f => f.Value.ToString());
        var json = JsonSerializer.Serialize(new Content(context.Request.Path + context.Request.QueryString, fields));
        if (json.Length > MaxBytes) return;
        var protector = Protector(context).ToTimeLimitedDataProtector();
        context.Response.Cookies.Append(CookieName, protector.Protect(json, TimeSpan.FromMinutes(15)), Options());
    }

    // Secrets never travel in the cookie nor come back as hidden inputs in a page: the user types them again.
    private static readonly string[] SecretMarkers = ["password", "secret", "code", "token", "key"];
    private static readonly string[] SecretNames = ["current", "next", "repeat"];

    internal static bool IsSecret(string field) =>
        SecretNames.Contains(field, StringComparer.OrdinalIgnoreCase) ||
        SecretMarkers.Any(m => field.Contains(m, StringComparison.OrdinalIgnoreCase));

    public static Content? Take(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value)) return null;
        context.Response.Cookies.Delete(CookieName, Options());
        try
        {
            var json = Protector(context).ToTimeLimitedDataProtector().Unprotect(value);
            return JsonSerializer.Deserialize<Content>(json);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static IDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("custos.held-form." + context.User.Identity?.Name);

    private static CookieOptions Options() => new() { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true };
}
