using Custos.Core.Common;
using Custos.Core.Identity.SecurityKeys;
using Fido2NetLib;
using Microsoft.AspNetCore.Antiforgery;

namespace Custos.Web.Identity;

/// <summary>
/// The JSON side of the WebAuthn ceremonies, called by wwwroot/js/webauthn.js: each "begin" returns the options for the
/// browser, each "finish" verifies the browser's answer. Every call needs the page's anti-forgery token in a header.
/// </summary>
public static class SecurityKeyEndpoints
{
    public const string Prefix = "/api/v1/security-keys";

    public static void MapSecurityKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).WithTags("Security keys").AddEndpointFilter(ValidateAntiforgeryAsync);

        var registration = api.MapGroup("/registration").RequireAuthorization(Policies.Enrolment);
        registration.MapPost("/begin", async (HttpContext http, RegisterSecurityKey register, ServeOptions serve, CancellationToken ct) =>
            Options(await register.BeginAsync(http.Session()!, RelyingPartyOf(serve), ct))).WithName("BeginSecurityKeyRegistration");
        registration.MapPost("/finish", async (RegistrationFinish body, HttpContext http, RegisterSecurityKey register, ServeOptions serve, CancellationToken ct) =>
        {
            var result = await register.FinishAsync(http.Session()!, RelyingPartyOf(serve), body.Name, body.Password, body.Credential, http.Actor(), ct);
            return result.Succeeded ? Results.Ok(new KeyDto(result.Value!.Id, result.Value.Name)) : Problem(result.Error!);
        }).WithName("FinishSecurityKeyRegistration");

        // The second login step: the same per-address limit as the password and code steps.
        var login = api.MapGroup("/login").RequireAuthorization(Policies.SecondFactorPending).RequireRateLimiting(LoginRateLimit.Policy);
        MapAssertion(login, SecurityKeyCeremony.Login, "Login");
        var stepUp = api.MapGroup("/step-up").RequireAuthorization(Policies.FullSession);
        MapAssertion(stepUp, SecurityKeyCeremony.StepUp, "StepUp");
    }

    private static void MapAssertion(RouteGroupBuilder group, SecurityKeyCeremony ceremony, string name)
    {
        group.MapPost("/begin", async (HttpContext http, UseSecurityKey use, ServeOptions serve, CancellationToken ct) =>
            Options(await use.BeginAsync(http.Session()!, RelyingPartyOf(serve), ceremony, ct))).WithName($"BeginSecurityKey{name}");
        group.MapPost("/finish", async (AssertionFinish body, HttpContext http, UseSecurityKey use, ServeOptions serve, CancellationToken ct) =>
        {
            var result = await use.FinishAsync(http.Session()!, RelyingPartyOf(serve), ceremony, body.Credential, http.Actor(), ct);
            return result.Succeeded ? Results.Ok(new KeyDto(result.Value!.Id, result.Value.Name)) : Problem(result.Error!);
        }).WithName($"FinishSecurityKey{name}");
    }

    /// <summary>
    /// From the configured public host and port rather than the Host header, so a request cannot choose what the key signs
    /// for. Behind a proxy that changes host or port, these options must name what the browser sees.
    /// </summary>
    private static RelyingParty RelyingPartyOf(ServeOptions serve) => RelyingParty.ForHttps(serve.PublicHost, serve.HttpsPort);

    private static async ValueTask<object?> ValidateAntiforgeryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Problem(statusCode: 400, title: "Bad request", detail: "The anti-forgery token is missing or invalid.");
        }
        return await next(context);
    }

    private static IResult Options(Result<string> result) =>
        result.Succeeded ? Results.Content(result.Value!, "application/json") : Problem(result.Error!);

    private static IResult Problem(Error error)
    {
        var status = error.Code switch
        {
            "security_key.not_found" or "security_key.none" => 404,
            "security_key.wrong_state" or "security_key.last_second_factor" => 409,
            "auth.password_wrong" or "security_key.invalid" => 401,
            _ => 400,
        };
        return Results.Problem(statusCode: status, title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code });
    }

    public sealed record RegistrationFinish(string? Name, string? Password, AuthenticatorAttestationRawResponse? Credential);

    public sealed record AssertionFinish(AuthenticatorAssertionRawResponse? Credential);

    public sealed record KeyDto(Guid Id, string Name);
}
