using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Identity.SecurityKeys;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Antiforgery;

namespace Custos.Web.Vault;

/// <summary>What every vault endpoint shares: who calls, the scope and anti-forgery checks, and errors as problem details.</summary>
internal static class VaultApi
{
    /// <summary>The command line says so in this header; it only labels reveals ("cli" instead of "api"), it grants nothing.</summary>
    public const string ClientHeader = "X-Custos-Client";

    public static VaultCaller Caller(this HttpContext http, TimeProvider time)
    {
        var session = http.Session()!;
        var client = !session.IsToken ? "web" : http.Request.Headers[ClientHeader] == "cli" ? "cli" : "api";
        return new VaultCaller(session.UserId, http.Actor(), client, StepUp.IsFresh(session, time), session.IsInRole(Roles.Administrator),
            session.RightsStamp);
    }

    /// <summary>
    /// Tokens need the vault scope for the kind of call; browser sessions need the page's anti-forgery token on every
    /// change (their cookie would otherwise ride along on a forged request).
    /// </summary>
    public static RouteHandlerBuilder Reads(this RouteHandlerBuilder route) => route.AddEndpointFilter(Require(AccessTokens.VaultRead, antiforgery: false));

    public static RouteHandlerBuilder Reveals(this RouteHandlerBuilder route) => route.AddEndpointFilter(Require(AccessTokens.VaultRead, antiforgery: true));

    public static RouteHandlerBuilder Writes(this RouteHandlerBuilder route) => route.AddEndpointFilter(Require(AccessTokens.VaultWrite, antiforgery: true));

    internal static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Require(string scope, bool antiforgery) =>
        async (context, next) =>
        {
            var http = context.HttpContext;
            var session = http.Session()!;
            if (!session.HasScope(scope))
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: $"The token lacks the scope {scope}.");
            if (antiforgery && !session.IsToken)
            {
                try
                {
                    await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
                }
                catch (AntiforgeryValidationException)
                {
                    return Results.Problem(statusCode: 400, title: "Bad request", detail: "The anti-forgery token is missing or invalid.");
                }
            }
            return await next(context);
        };

    public static IResult Problem(Error error) =>
        error.Code == VaultErrors.StepUpRequired.Code
            ? StepUpResults.Required()
            : Results.Problem(statusCode: StatusOf(error), title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code });

    public static IResult From<T>(Result<T> result, Func<T, object?>? shape = null) =>
        result.Succeeded ? Results.Ok(shape is null ? result.Value : shape(result.Value!)) : Problem(result.Error!);

    internal static int StatusOf(Error error) => error.Code == VaultErrors.StepUpRequired.Code ? 403 : error.Code switch
    {
        "vault.not_found" or "vault.no_such_field" => 404,
        "vault.forbidden" or "vault.expired" => 403,
        "vault.version_conflict" or "vault.request_not_pending" => 409,
        "vault.attachment_too_large" => 413,
        "vault.policy" or "vault.password_reused" => 422,
        _ => 400,
    };
}
