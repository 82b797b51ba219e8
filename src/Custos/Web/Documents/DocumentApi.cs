using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Identity;
using Custos.Web.Identity;
using Custos.Web.Vault;

namespace Custos.Web.Documents;

/// <summary>What every document endpoint shares: who calls, the scope and anti-forgery checks, errors as problem details.</summary>
internal static class DocumentApi
{
    public static DocumentCaller DocumentCaller(this HttpContext http)
    {
        var session = http.Session()!;
        var client = !session.IsToken ? "web" : http.Request.Headers[VaultApi.ClientHeader] == "cli" ? "cli" : "api";
        return new DocumentCaller(session.UserId, session.UserName, http.Actor(), client, session.IsInRole(Roles.Administrator),
            session.RightsStamp);
    }

    public static RouteHandlerBuilder Reads(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter(VaultApi.Require(AccessTokens.DocumentsRead, antiforgery: false));

    public static RouteHandlerBuilder Writes(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter(VaultApi.Require(AccessTokens.DocumentsWrite, antiforgery: true));

    public static IResult Problem(Error error) =>
        Results.Problem(statusCode: StatusOf(error), title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code });

    public static IResult From<T>(Result<T> result) => result.Succeeded ? Results.Ok(result.Value) : Problem(result.Error!);

    private static int StatusOf(Error error) => error.Code switch
    {
        "document.not_found" => 404,
        "document.forbidden" => 403,
        "document.locked" or "document.restricted" or "document.not_checked_out" or "document.already_checked_out" or "document.conflict" or "document.name_taken" => 409,
        "document.integrity" => 500,
        _ => 400,
    };
}
