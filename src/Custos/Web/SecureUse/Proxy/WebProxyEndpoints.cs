using Custos.Core.Common;
using Custos.Core.SecureUse.Web;
using Custos.Web.Identity;
using Custos.Web.Vault;

namespace Custos.Web.SecureUse.Proxy;

/// <summary>
/// Web sessions of vault entries: open one with the entry's credential (Use) and get its one-time launch URL on the
/// proxy domain; list an entry's sessions and their request logs (Manage); administrators list live sessions and end
/// them. No route returns the credential or the target's cookies.
/// </summary>
public static class WebProxyEndpoints
{
    public sealed record OpenRequest(string? Reason = null);

    public sealed record OpenReply(Guid SessionId, string Url);

    public static void MapWebProxyEndpoints(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("/api/v1/tenants/{tenant:guid}/vault/entries/{id:guid}/web").RequireAuthorization(Policies.FullSession).WithTags("Secure use");
        // Uses the credential: browser sessions need the anti-forgery token, as for running an SSH command.
        web.MapPost("/open", async (Guid tenant, Guid id, OpenRequest? body, HttpContext http, WebSessions sessions, ServeOptions options, TimeProvider time,
            CancellationToken ct) =>
        {
            var opened = await sessions.OpenAsync(new TenantId(tenant), id, body?.Reason, http.Caller(time), ct);
            return opened.Succeeded
                ? Results.Ok(new OpenReply(opened.Value!.SessionId, WebProxyHosts.LaunchUrl(opened.Value, sessions.Options.Domain!, options.HttpsPort)))
                : Problem(opened.Error!);
        }).Reveals().WithName("OpenWebSession");
        web.MapGet("/sessions", async (Guid tenant, Guid id, HttpContext http, WebSessions sessions, TimeProvider time, CancellationToken ct) =>
            From(await sessions.ListAsync(new TenantId(tenant), id, http.Caller(time), ct))).Reads().WithName("ListWebSessions");
        web.MapGet("/sessions/{session:guid}/requests", async (Guid tenant, Guid id, Guid session, HttpContext http, WebSessions sessions, TimeProvider time,
            CancellationToken ct) =>
            From(await sessions.RequestsAsync(new TenantId(tenant), id, session, http.Caller(time), ct))).Reads().WithName("ListWebSessionRequests");

        var admin = app.MapGroup("/api/v1/web/sessions").RequireAuthorization(Policies.Administrator).WithTags("Secure use");
        admin.MapGet("/", (WebSessions sessions) => Results.Ok(sessions.Live()))
            .AddEndpointFilter(VaultApi.Require(Core.Identity.AccessTokens.VaultRead, antiforgery: false)).WithName("ListLiveWebSessions");
        admin.MapPost("/{session:guid}/terminate", async (Guid session, HttpContext http, WebSessions sessions, CancellationToken ct) =>
                await sessions.TerminateAsync(session, http.Actor(), ct) ? Results.NoContent() : Results.NotFound())
            .AddEndpointFilter(VaultApi.Require(Core.Identity.AccessTokens.VaultWrite, antiforgery: true)).WithName("TerminateWebSession");
    }

    private static IResult From<T>(Result<T> result) => result.Succeeded ? Results.Ok(result.Value) : Problem(result.Error!);

    internal static IResult Problem(Error error) =>
        error.Code.StartsWith("web.", StringComparison.Ordinal)
            ? Results.Problem(statusCode: StatusOf(error), title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code })
            : SshEndpoints.Problem(error); // shared session policy answers (ssh.approval_required), then the vault's

    internal static int StatusOf(Error error) => error.Code switch
    {
        "web.proxy_disabled" => 409,
        "web.unreachable" or "web.login_failed" => 502,
        "web.outside_hours" => 403,
        "web.invalid" => 400,
        _ when error.Code.StartsWith("web.", StringComparison.Ordinal) => 422,
        _ => VaultApi.StatusOf(error),
    };
}
