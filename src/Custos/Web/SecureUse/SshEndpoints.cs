using Custos.Core.Common;
using Custos.Core.SecureUse;
using Custos.Web.Identity;
using Custos.Web.Vault;

namespace Custos.Web.SecureUse;

/// <summary>
/// SSH use of vault entries under /api/v1/tenants/{tenant}/vault/entries/{id}/ssh: run a command with the entry's
/// credential (Use), see and confirm the target's host key (Use, Manage). No route returns the credential.
/// </summary>
public static class SshEndpoints
{
    public sealed record ExecRequest(string? Command, int? TimeoutSeconds, string? Reason = null);

    public sealed record ConfirmRequest(string? Fingerprint);

    public sealed record HostKeyReply(SshHostKeys.HostKeyView? HostKey);

    public static void MapSshEndpoints(this IEndpointRouteBuilder app)
    {
        var ssh = app.MapGroup("/api/v1/tenants/{tenant:guid}/vault/entries/{id:guid}/ssh").RequireAuthorization(Policies.FullSession).WithTags("Secure use");

        // Runs something on the target: a change like any other, so browser sessions need the anti-forgery token.
        ssh.MapPost("/exec", async (Guid tenant, Guid id, ExecRequest body, HttpContext http, SshCommands commands, TimeProvider time, CancellationToken ct) =>
            From(await commands.RunAsync(new TenantId(tenant), id, body.Command, body.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
                body.Reason, http.Caller(time), ct))).Reveals().WithName("RunSshCommand");
        ssh.MapGet("/hostkey", async (Guid tenant, Guid id, HttpContext http, SshHostKeys keys, TimeProvider time, CancellationToken ct) =>
            From(await keys.GetAsync(new TenantId(tenant), id, http.Caller(time), ct), v => new HostKeyReply(v))).Reads().WithName("GetSshHostKey");
        ssh.MapPost("/hostkey/confirm", async (Guid tenant, Guid id, ConfirmRequest body, HttpContext http, SshHostKeys keys, TimeProvider time,
            CancellationToken ct) =>
            From(await keys.ConfirmAsync(new TenantId(tenant), id, body.Fingerprint, http.Caller(time), ct), v => new HostKeyReply(v))).Writes()
            .WithName("ConfirmSshHostKey");
        ssh.MapSshFileEndpoints();
    }

    private static IResult From<T>(Result<T> result, Func<T, object?>? shape = null) =>
        result.Succeeded ? Results.Ok(shape is null ? result.Value : shape(result.Value!)) : Problem(result.Error!);

    internal static IResult Problem(Error error) =>
        error.Code.StartsWith("ssh.", StringComparison.Ordinal)
            ? Results.Problem(statusCode: StatusOf(error), title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code })
            : VaultApi.Problem(error);

    internal static int StatusOf(Error error) => error.Code switch
    {
        "ssh.hostkey_unconfirmed" or "ssh.hostkey_mismatch" => 409,
        "ssh.unreachable" or "ssh.login_failed" => 502,
        "ssh.timeout" => 504,
        "ssh.outside_hours" or "ssh.file_denied" or "ssh.approval_required" => 403,
        "ssh.no_such_file" => 404,
        "ssh.transfer_failed" => 502,
        "ssh.invalid" => 400,
        _ when error.Code.StartsWith("ssh.", StringComparison.Ordinal) => 422,
        _ => VaultApi.StatusOf(error),
    };
}
