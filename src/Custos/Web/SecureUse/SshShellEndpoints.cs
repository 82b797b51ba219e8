using System.Net.WebSockets;
using System.Text.Json;
using Custos.Core.Common;
using Custos.Core.SecureUse;
using Custos.Web.Identity;
using Custos.Web.Vault;

namespace Custos.Web.SecureUse;

/// <summary>
/// Interactive SSH sessions over a WebSocket, for the browser terminal and `custos ssh ENTRY`: binary frames carry
/// terminal bytes both ways, a text frame {"type":"resize","cols":N,"rows":N} resizes. The SSH login happens before
/// the upgrade, so a refusal (host key, rights, target) is an ordinary problem response. Where the folder's policy
/// records input, the first frame is the text frame {"type":"notice","code":"ssh.input_recorded","title":"…"}. Administrators list live
/// sessions and terminate them; Manage holders of an entry list its sessions and play their recordings.
/// </summary>
public static class SshShellEndpoints
{
    private const int MaxControlMessage = 1024;

    private sealed record Control(string? Type, int Cols, int Rows);

    /// <summary>The text frame that tells the client, as the session opens, that what the user types is recorded.</summary>
    public static readonly byte[] InputRecordedNotice = JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = "notice", code = "ssh.input_recorded", title = "This session records what you type, as well as what is shown.",
    });

    public static void MapSshShellEndpoints(this IEndpointRouteBuilder app)
    {
        var entry = app.MapGroup("/api/v1/tenants/{tenant:guid}/vault/entries/{id:guid}/ssh").RequireAuthorization(Policies.FullSession).WithTags("Secure use");
        // Browsers open WebSockets over HTTP/2 where they can, with an extended CONNECT instead of GET (RFC 8441).
        entry.MapMethods("/shell", [HttpMethods.Get, HttpMethods.Connect], ShellAsync).Reads().WithName("OpenSshShell");
        entry.MapGet("/sessions", async (Guid tenant, Guid id, HttpContext http, SshShells shells, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await shells.ListAsync(new TenantId(tenant), id, http.Caller(time), ct))).Reads().WithName("ListSshSessions");
        entry.MapGet("/sessions/{session:guid}/recording", async (Guid tenant, Guid id, Guid session, HttpContext http, SshShells shells, TimeProvider time,
            CancellationToken ct) =>
        {
            var recording = await shells.RecordingAsync(new TenantId(tenant), id, session, http.Caller(time), ct);
            return recording.Succeeded ? Results.File(recording.Value!, "application/x-asciicast", $"session-{session}.cast") : VaultApi.Problem(recording.Error!);
        }).Reads().WithName("GetSshRecording");

        var admin = app.MapGroup("/api/v1/ssh/sessions").RequireAuthorization(Policies.Administrator).WithTags("Secure use");
        admin.MapGet("/", (SshShells shells) => Results.Ok(shells.Live())).AddEndpointFilter(VaultApi.Require(Core.Identity.AccessTokens.VaultRead, antiforgery: false))
            .WithName("ListLiveSshSessions");
        admin.MapPost("/{session:guid}/terminate", async (Guid session, HttpContext http, SshShells shells, CancellationToken ct) =>
                await shells.TerminateAsync(session, http.Actor(), ct) ? Results.NoContent() : Results.NotFound())
            .AddEndpointFilter(VaultApi.Require(Core.Identity.AccessTokens.VaultWrite, antiforgery: true)).WithName("TerminateSshSession");
    }

    /// <param name="errorFrames">
    /// A browser cannot read the response to a refused WebSocket handshake, so the terminal page asks for refusals as a
    /// text frame {"type":"error","status":N,"code":"…","title":"…"} on an accepted socket, closed right after.
    /// </param>
    private static async Task<IResult> ShellAsync(Guid tenant, Guid id, int? cols, int? rows, string? reason, bool? errorFrames, HttpContext http,
        SshShells shells, TimeProvider time)
    {
        if (!http.WebSockets.IsWebSocketRequest) return Results.Problem(statusCode: 400, title: "This address opens a terminal over a WebSocket.");
        // A browser sends its cookie along with any site's WebSocket: only our own pages may open one that way.
        var session = http.Session()!;
        if (!session.IsToken && !SameOrigin(http)) return Results.Problem(statusCode: 403, title: "Terminal sessions open from Custos's own pages only.");
        var ct = http.RequestAborted;
        var opened = await shells.OpenAsync(new TenantId(tenant), id, cols ?? 80, rows ?? 24, reason, http.Caller(time), ct);
        if (!opened.Succeeded)
        {
            if (errorFrames != true) return SshEndpoints.Problem(opened.Error!);
            using var refused = await http.WebSockets.AcceptWebSocketAsync();
            var error = opened.Error!;
            var frame = JsonSerializer.SerializeToUtf8Bytes(new { type = "error", status = SshEndpoints.StatusOf(error), code = error.Code, title = error.Message });
            await Quietly(refused.SendAsync(frame, WebSocketMessageType.Text, true, ct));
            await Quietly(refused.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "refused", CancellationToken.None));
            return Results.Empty;
        }
        await using var shell = opened.Value!;
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        // Told before the first key: the folder's policy records input too (Teleport and Guacamole say so at the start).
        if (shell.RecordsInput) await Quietly(socket.SendAsync(InputRecordedNotice, WebSocketMessageType.Text, true, ct));
        var output = PumpOutputAsync(shell, socket);
        var input = PumpInputAsync(shell, socket);
        var ended = Task.Delay(Timeout.Infinite, shell.Ended);
        await Task.WhenAny(output, input, ended);
        await shell.CloseAsync("closed");
        // Our close frame first: the input pump waits for the client's frames, and the client answers a close frame.
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            var byPolicy = shell.Ended.IsCancellationRequested;
            await Quietly(socket.CloseOutputAsync(byPolicy ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure,
                byPolicy ? "session ended by policy or an administrator" : "closed", CancellationToken.None));
        }
        try
        {
            await Task.WhenAll(Quietly(output), Quietly(input)).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            socket.Abort();
        }
        return Results.Empty;
    }

    private static async Task PumpOutputAsync(SshShell shell, WebSocket socket)
    {
        // Bulk output (cat of a log) goes in frames of up to this size; a keystroke's echo in a frame of its own.
        var buffer = new byte[32 * 1024];
        int read;
        while ((read = await shell.ReadAsync(buffer)) > 0)
            await socket.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, true, CancellationToken.None);
    }

    private static async Task PumpInputAsync(SshShell shell, WebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        var control = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            switch (received.MessageType)
            {
                case WebSocketMessageType.Close:
                    return;
                case WebSocketMessageType.Binary:
                    await shell.WriteAsync(buffer.AsMemory(0, received.Count));
                    break;
                case WebSocketMessageType.Text:
                    if (control.Length + received.Count > MaxControlMessage) return;
                    control.Write(buffer, 0, received.Count);
                    if (!received.EndOfMessage) break;
                    try
                    {
                        var message = JsonSerializer.Deserialize<Control>(control.ToArray(), JsonSerializerOptions.Web);
                        if (message?.Type == "resize") await shell.ResizeAsync(message.Cols, message.Rows);
                    }
                    catch (JsonException)
                    {
                        // Not a control message: ignored.
                    }
                    control.SetLength(0);
                    break;
            }
        }
    }

    private static bool SameOrigin(HttpContext http) =>
        Uri.TryCreate(http.Request.Headers.Origin.ToString(), UriKind.Absolute, out var origin) &&
        string.Equals(origin.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase) && origin.Scheme == "https";

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException
                                      or Renci.SshNet.Common.SshException or InvalidOperationException)
        {
            // The other side went away; the session is closed either way.
        }
    }
}
