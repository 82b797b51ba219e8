using System.Security.Cryptography;
using Custos.Core.Sharing;
using Microsoft.AspNetCore.DataProtection;

namespace Custos.Web.Sharing.Public;

/// <summary>
/// What a recipient's browser keeps for one link: a random visitor id (telling recipients apart in the log, letting a
/// download resume and an uploader see what they sent) and whether the link's password was given. Protected by Data
/// Protection (authenticated encryption, keys sealed by the keyring) and bound to the link; SameSite=Lax, so a
/// cross-site form post never carries it.
/// </summary>
public sealed class ShareVisitorCookie(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("custos.share.visitor.v1");

    public sealed record Visitor(string Id, bool PasswordGiven, bool IsNew);

    private static string Name(ShareLink link) => $"__Host-custos-s-{link.Id:N}";

    public Visitor Read(HttpContext http, ShareLink link)
    {
        if (http.Request.Cookies[Name(link)] is { } value)
        {
            try
            {
                var parts = protector.Unprotect(value).Split('|');
                if (parts.Length == 3 && parts[0] == link.Id.ToString("N")) return new Visitor(parts[1], parts[2] == "1", false);
            }
            catch (CryptographicException)
            {
                // Altered or from another server: a new visitor.
            }
        }
        return new Visitor(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), false, true);
    }

    public void Write(HttpContext http, ShareLink link, Visitor visitor) =>
        http.Response.Cookies.Append(Name(link), protector.Protect($"{link.Id:N}|{visitor.Id}|{(visitor.PasswordGiven ? 1 : 0)}"), new CookieOptions
        {
            Path = "/", Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Expires = link.ExpiresAt, IsEssential = true,
        });

    /// <summary>May this visitor see the files (or drop some)? Without a password, anyone with the link may.</summary>
    public static bool Admitted(ShareLink link, Visitor visitor) => link.PasswordHash is null || visitor.PasswordGiven;

    public static ShareClient Client(HttpContext http, Visitor visitor) =>
        new(visitor.Id, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
}
