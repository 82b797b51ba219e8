using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.SecureUse;

/// <summary>
/// Interactive SSH sessions over the WebSocket against a real sshd: a Use-only colleague gets a shell with the entry's
/// credential, resizes it, and the session is recorded (output, not input) and encrypted; administrators see it live
/// and can terminate it; Manage holders play the recording back; the password is nowhere.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshShellTests
{
    private static async Task<ClientWebSocket> ConnectAsync(VaultTestSetup v, string token, Guid tenant, Guid entry, int cols = 100, int rows = 30)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var url = new UriBuilder(v.Server.HttpsUrl) { Scheme = "wss", Path = $"/api/v1/tenants/{tenant}/vault/entries/{entry}/ssh/shell", Query = $"cols={cols}&rows={rows}" };
        await socket.ConnectAsync(url.Uri, CancellationToken.None);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string keys) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(keys), WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Reads terminal output until <paramref name="expected"/> appears (or the socket closes); returns all of it.</summary>
    private static async Task<string> ReadUntilAsync(ClientWebSocket socket, string expected, StringBuilder seen)
    {
        var buffer = new byte[8192];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var r = await socket.ReceiveAsync(buffer, limit.Token);
            if (r.MessageType == WebSocketMessageType.Close) break;
            seen.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
        return seen.ToString();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UseOnlyColleague_GetsRecordedShell_AdministratorSeesAndTerminatesIt(string kind)
    {
        await using var ssh = await SshTestServer.StartAsync();
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Server");
        var entry = await carol.CreateEntryAsync(folder, "app01", ssh.Password, new
        {
            serviceLimitation = "Testserver", userName = ssh.PasswordUser, urls = new[] { $"ssh://{ssh.Host}:{ssh.Port}" },
            fields = new object[] { new { name = "host-key", value = ssh.HostKeyFingerprint, secret = false } },
        });
        var daveToken = await v.TokenAsync("dave");

        // Not a WebSocket, or no right: plain refusals before any upgrade.
        var daveClient = await v.ConnectAsync("dave", tenant);
        Assert.Equal(HttpStatusCode.BadRequest, (await daveClient.GetAsync($"/entries/{entry}/ssh/shell")).Status);

        var seen = new StringBuilder();
        using (var socket = await ConnectAsync(v, daveToken, tenant, entry))
        {
            await SendAsync(socket, "echo HALLO-$((6*7)); stty size\n");
            var text = await ReadUntilAsync(socket, "HALLO-42", seen);
            Assert.Contains("HALLO-42", text);
            await ReadUntilAsync(socket, "30 100", seen);
            await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"resize","cols":120,"rows":40}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            await Task.Delay(300);
            await SendAsync(socket, "stty size\n");
            Assert.Contains("40 120", await ReadUntilAsync(socket, "40 120", seen));

            // The administrator (signed in with her second factor) sees it live and ends it.
            var admin = v.Server.Client;
            (await v.Server.LoginWithTotpAsync()).Dispose();
            var page = await admin.GetStringAsync("/account/security");
            var af = System.Text.RegularExpressions.Regex.Match(page, "name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"");
            Assert.True(af.Success, "no anti-forgery token on the account page");
            admin.DefaultRequestHeaders.Add("RequestVerificationToken", WebUtility.HtmlDecode(af.Groups[1].Success ? af.Groups[1].Value : af.Groups[2].Value));
            var livePage = await admin.GetStringAsync("/admin/ssh-sessions");
            Assert.Contains("user:dave", livePage);
            Assert.Contains($"{ssh.PasswordUser}@{ssh.Host}:{ssh.Port}", livePage);
            Assert.DoesNotContain(ssh.Password, livePage);
            var live = (await Reply.Of(await admin.GetAsync("/api/v1/ssh/sessions"))).AssertOk().Json.EnumerateArray().ToList();
            var mine = Assert.Single(live);
            Assert.Equal("user:dave", mine.GetProperty("actor").GetString());
            Assert.Equal(HttpStatusCode.Forbidden, (await Reply.Of(await daveClient.Http.GetAsync("/api/v1/ssh/sessions"))).Status);
            var id = mine.GetProperty("id").GetGuid();
            Assert.Equal(HttpStatusCode.NoContent, (await Reply.Of(await admin.PostAsync($"/api/v1/ssh/sessions/{id}/terminate", null))).Status);
            var buffer = new byte[4096];
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            WebSocketReceiveResult last;
            do last = await socket.ReceiveAsync(buffer, limit.Token);
            while (last.MessageType != WebSocketMessageType.Close);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        }

        // On record, with its end reason; the recording plays back (Manage) with the output and the resize.
        await using var data = v.Data();
        var record = await data.SshSessions.AsNoTracking().SingleAsync();
        Assert.Equal("terminated", record.EndReason);
        Assert.NotNull(record.RecordingAddress);
        Assert.Equal(1, await data.AuditEvents.CountAsync(a => a.Action == "ssh.session_terminate"));
        Assert.Equal(1, await data.AuditEvents.CountAsync(a => a.Action == "ssh.session_end"));
        var sessions = (await carol.GetAsync($"/entries/{entry}/ssh/sessions")).AssertOk();
        Assert.Equal(record.Id, sessions.Json[0].GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Forbidden, (await daveClient.GetAsync($"/entries/{entry}/ssh/sessions/{record.Id}/recording")).Status);
        var cast = (await carol.GetAsync($"/entries/{entry}/ssh/sessions/{record.Id}/recording")).Body;
        var lines = cast.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(2, header.GetProperty("version").GetInt32());
        Assert.Equal(100, header.GetProperty("width").GetInt32());
        var events = lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(events, e => e[1].GetString() == "o" && e[2].GetString()!.Contains("HALLO-42"));
        Assert.Contains(events, e => e[1].GetString() == "r" && e[2].GetString() == "120x40");
        // Input is not recorded (a typed sudo password would be in it); the echo of the command is output, though.
        Assert.DoesNotContain(events, e => e[1].GetString() == "i");

        // The blob on disk is ciphertext: the output is not in it.
        var blobPath = Path.Combine(v.Db.DataDirectory, "blobs", record.RecordingAddress![..2], record.RecordingAddress[2..4], record.RecordingAddress);
        Assert.DoesNotContain("HALLO-42", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(blobPath)));
        var audit = JsonSerializer.Serialize(await data.AuditEvents.AsNoTracking().ToListAsync());
        foreach (var text in new[] { seen.ToString(), cast, audit }) Assert.DoesNotContain(ssh.Password, text);
    }
}
