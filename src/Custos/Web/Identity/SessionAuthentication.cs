using System.Security.Claims;
using System.Text.Encodings.Web;
using Custos.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Custos.Web.Identity;

/// <summary>
/// Authenticates a request by its session cookie against the server-side session table, on every request, so logout,
/// expiry and disabling a user take effect at the next request. Pages are sent to the login form, the API gets 401.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Sessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "custos-session";
    /// <summary>__Host- makes the browser insist on Secure, path / and no Domain attribute.</summary>
    public const string CookieName = "__Host-custos-session";
    public const string SessionIdClaim = "custos:sid";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();
        var principal = await sessions.ValidateAsync(token, Context.RequestAborted);
        if (principal is null) return AuthenticateResult.Fail("Session invalid or expired.");
        Context.Items[typeof(SessionPrincipal)] = principal;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, principal.UserId.ToString()),
            new(ClaimTypes.Name, principal.UserName),
            new(SessionIdClaim, principal.SessionId.ToString()),
        };
        claims.AddRange(principal.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsApi(Request))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Results.Problem(statusCode: 401, title: "Authentication required").ExecuteAsync(Context);
        }
        var returnUrl = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (IsApi(Request)) return Results.Problem(statusCode: 403, title: "Forbidden").ExecuteAsync(Context);
        Response.Redirect("/denied");
        return Task.CompletedTask;
    }

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi");

    public static void SetCookie(HttpResponse response, string token, DateTimeOffset expires) =>
        response.Cookies.Append(CookieName, token, new CookieOptions
        {
            Secure = true,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = expires,
            IsEssential = true,
        });

    public static void ClearCookie(HttpResponse response) =>
        response.Cookies.Delete(CookieName, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
}

public static class HttpContextIdentityExtensions
{
    public static SessionPrincipal? Session(this HttpContext context) =>
        context.Items.TryGetValue(typeof(SessionPrincipal), out var p) ? p as SessionPrincipal : null;

    /// <summary>The acting person and their address, for the audit record of whatever they do.</summary>
    public static Core.Audit.Actor Actor(this HttpContext context) =>
        new(context.Session()?.ActorName ?? "anonymous", context.Connection.RemoteIpAddress?.ToString());
}

public static class Policies
{
    public const string Auditor = "auditor";
}
