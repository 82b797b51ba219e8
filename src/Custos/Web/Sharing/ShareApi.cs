using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Sharing;
using Custos.Web.Documents;
using Custos.Web.Vault;

namespace Custos.Web.Sharing;

/// <summary>What the sender's share endpoints share: the token scope, anti-forgery, and errors as problem details.</summary>
internal static class ShareApi
{
    public static RouteHandlerBuilder Reads(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter(VaultApi.Require(AccessTokens.Shares, antiforgery: false));

    public static RouteHandlerBuilder Writes(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter(VaultApi.Require(AccessTokens.Shares, antiforgery: true));

    public static IResult From<T>(Result<T> result) => result.Succeeded ? Results.Ok(result.Value) : Problem(result.Error!);

    public static IResult Problem(Error error) =>
        error.Code.StartsWith("document.", StringComparison.Ordinal) ? DocumentApi.Problem(error)
        : error.Code.StartsWith("sluice.", StringComparison.Ordinal) ? Sluice.SluiceApi.Problem(error)
        : Results.Problem(statusCode: StatusOf(error), title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code });

    private static int StatusOf(Error error) => error.Code switch
    {
        "share.not_found" => 404,
        "share.forbidden" => 403,
        "share.ended" => 409,
        "share.password_required" or "share.uploads_off" or "share.expiry_too_late" or "share.too_many_items" => 422,
        _ => 400,
    };

    /// <summary>The absolute link for the recipient: on the public host when one is configured (the edge), else on this one.</summary>
    public static string PublicUrl(HttpContext http, string path)
    {
        var options = http.RequestServices.GetRequiredService<ServeOptions>();
        var origin = options.PublicUrl?.TrimEnd('/') ?? $"{http.Request.Scheme}://{http.Request.Host}";
        return origin + path;
    }
}
