using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Custos.Commands.SecureUse;

/// <summary>
/// `custos ssh ENTRY` without a command: the local terminal becomes the remote shell, through the same server-side
/// session (and recording) as the browser terminal. Keys go out as typed, window resizes follow, the remote output comes
/// back byte for byte. With stdin not a terminal, its bytes are typed into the remote shell and its end is sent as Ctrl+D.
/// </summary>
internal static class SshInteractive
{
    private const byte EndOfTransmission = 4;

    /// <summary>A text frame from the server: an "error" (refused, then closed) or a "notice" (input is recorded).</summary>
    private sealed record ServerError(string? Type, int Status, string? Code, string? Title);

    /// <returns>0 when the remote side ended the session, 1 when the server refused or ended it.</returns>
    public static async Task<int> RunAsync(ClientWebSocket socket, Stream input, Stream? rawOutput, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var sending = new SemaphoreSlim(1, 1);
        async Task SendAsync(ReadOnlyMemory<byte> bytes, WebSocketMessageType type)
        {
            await sending.WaitAsync(ct);
            try
            {
                if (socket.State == WebSocketState.Open) await socket.SendAsync(bytes, type, true, ct);
            }
            finally
            {
                sending.Release();
            }
        }

        using var raw = LocalTerminal.EnterRawMode();
        using var resized = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context =>
        {
            context.Cancel = true;
            var (cols, rows) = LocalTerminal.Size();
            _ = SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "resize", cols, rows }), WebSocketMessageType.Text);
        });

        // The input pump blocks in a read of stdin; it is left behind when the session ends (the process ends with it).
        _ = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await input.ReadAsync(buffer, ct)) > 0) await SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary);
                await SendAsync(new[] { EndOfTransmission }, WebSocketMessageType.Binary);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                // The session is over; the receive loop reports why.
            }
        }, CancellationToken.None);

        var decoder = Encoding.UTF8.GetDecoder();
        var received = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(received.Length)];
        var text = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(received, ct);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    text.Write(received, 0, result.Count);
                    if (!result.EndOfMessage) continue;
                    var message = JsonSerializer.Deserialize<ServerError>(text.ToArray(), JsonSerializerOptions.Web);
                    text.SetLength(0);
                    if (message?.Type == "notice")
                    {
                        // Before the remote prompt, on stderr: the user sees it, a redirected output stays the remote's own.
                        await error.WriteLineAsync($"custos: {message.Title}\r");
                        continue;
                    }
                    if (message?.Type != "error") continue;
                    raw?.Dispose();
                    await error.WriteLineAsync($"custos: {message.Title}");
                    return 1;
                }
                if (rawOutput is not null)
                {
                    await rawOutput.WriteAsync(received.AsMemory(0, result.Count), ct);
                    await rawOutput.FlushAsync(ct);
                }
                else
                {
                    var count = decoder.GetChars(received, 0, result.Count, chars, 0);
                    await output.WriteAsync(chars, 0, count);
                }
            }
        }
        catch (WebSocketException e)
        {
            raw?.Dispose();
            await error.WriteLineAsync($"custos: the session broke off: {e.Message}");
            return 1;
        }
        raw?.Dispose();
        if (socket.CloseStatus == WebSocketCloseStatus.PolicyViolation)
        {
            await error.WriteLineAsync("\r\ncustos: the session was ended by its time limit, its idle timeout or an administrator.");
            return 1;
        }
        if (socket.State == WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed", CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // Gone already.
            }
        }
        return 0;
    }
}
