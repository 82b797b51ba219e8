using System.Security.Claims;
using System.Text.Encodings.Web;
using Custos.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Custos.Web.Identity;

/// <summary>
/// Authenticates a request by its session cookie against the server-side session table, on every request, so logout,
/// expiry and disabling a user take effect at the next request. Pages are sent to the login form, the API gets 401.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Sessions sessions, AccessTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "custos-session";
    /// <summary>__Host- makes the browser insist on Secure, path / and no Domain attribute.</summary>
    public const string CookieName = "__Host-custos-session";
    public const string SessionIdClaim = "custos:sid";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        SessionPrincipal? principal;
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // Personal access tokens, for the command line and scripts; never accepted from a cookie or the query string.
            principal = await tokens.ValidateAsync(authorization["Bearer ".Length..].Trim(), Context.RequestAborted);
            if (principal is null) return AuthenticateResult.Fail("Token invalid, expired or revoked.");
        }
        else
        {
            if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();
            principal = await sessions.ValidateAsync(token, Context.RequestAborted);
            if (principal is null) return AuthenticateResult.Fail("Session invalid or expired.");
        }
        Context.Items[typeof(SessionPrincipal)] = principal;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, principal.UserId.ToString()),
            new(ClaimTypes.Name, principal.UserName),
            new(SessionIdClaim, principal.SessionId.ToString()),
        };
        claims.AddRange(principal.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (SessionStates.Of(principal) is { } state) claims.Add(new Claim(SessionStates.ClaimType, state));
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

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var state = Context.User.FindFirst(SessionStates.ClaimType)?.Value;
        if (state == SessionStates.IdleLocked && HttpMethods.IsPost(Request.Method) && !IsApi(Request)) await HeldForm.HoldAsync(Context);
        if (IsApi(Request))
        {
            await Results.Problem(statusCode: 403, title: "Forbidden", detail: state is null ? null : SessionStates.ApiDetail(state)).ExecuteAsync(Context);
            return;
        }
        var returnUrl = Uri.EscapeDataString(Request.PathBase + Request.Path + Request.QueryString);
        Response.Redirect(state switch
        {
            SessionStates.SecondFactorPending => "/login/second-factor?returnUrl=" + returnUrl,
            SessionStates.IdleLocked => "/unlock?returnUrl=" + returnUrl,
            SessionStates.NeedsEnrolment => "/account/security",
            _ => "/denied",
        });
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

/// <summary>
/// A session that is not fully usable carries one of these states; the fallback policy refuses every state, and the
/// few pages that resolve a state name the policy that lets that state in.
/// </summary>
public static class SessionStates
{
    public const string ClaimType = "custos:session-state";
    public const string SecondFactorPending = "second-factor-pending";
    public const string IdleLocked = "idle-locked";
    /// <summary>An administrator without a second factor may do nothing but enrol one (TOM 6.4).</summary>
    public const string NeedsEnrolment = "needs-enrolment";

    public static string? Of(SessionPrincipal p) =>
        p.SecondFactorPending ? SecondFactorPending
        : p.IdleLocked ? IdleLocked
        : p.IsInRole(Roles.Administrator) && !p.HasSecondFactor ? NeedsEnrolment
        : null;

    public static string ApiDetail(string state) => state switch
    {
        SecondFactorPending => "Complete the second factor first.",
        IdleLocked => "The session is locked after inactivity; unlock it first.",
        NeedsEnrolment => "Administrators must enrol a second factor before anything else.",
        _ => state,
    };
}

public static class Policies
{
    /// <summary>A fully signed-in session: the fallback for every endpoint.</summary>
    public const string FullSession = "full-session";
    public const string Auditor = "auditor";
    public const string Administrator = "administrator";
    /// <summary>Any session at all, whatever its state (logout).</summary>
    public const string AnySession = "any-session";
    /// <summary>Sessions that owe the second factor (the second-factor page).</summary>
    public const string SecondFactorPending = "second-factor-pending";
    /// <summary>Idle-locked sessions (the unlock page).</summary>
    public const string IdleLocked = "idle-locked";
    /// <summary>Full sessions and administrators who still have to enrol a second factor (the enrolment pages).</summary>
    public const string Enrolment = "enrolment";

    public static void Add(AuthorizationBuilder builder)
    {
        AuthorizationPolicy State(params string?[] allowed) => new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireAssertion(c => allowed.Contains(c.User.FindFirst(SessionStates.ClaimType)?.Value))
            .Build();
        var full = State([null]);
        // Default too: endpoints that say only "RequireAuthorization()" (the OpenAPI document) get the full-session rule.
        builder.SetDefaultPolicy(full).SetFallbackPolicy(full)
            .AddPolicy(FullSession, full)
            .AddPolicy(Auditor, new AuthorizationPolicyBuilder().Combine(full).RequireRole(Roles.Auditor).Build())
            .AddPolicy(Administrator, new AuthorizationPolicyBuilder().Combine(full).RequireRole(Roles.Administrator).Build())
            .AddPolicy(AnySession, new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SecondFactorPending, State(SessionStates.SecondFactorPending))
            .AddPolicy(IdleLocked, State(SessionStates.IdleLocked))
            .AddPolicy(Enrolment, State(null, SessionStates.NeedsEnrolment));
    }
}
