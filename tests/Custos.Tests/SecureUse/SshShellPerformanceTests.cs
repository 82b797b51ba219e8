using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.SecureUse;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.SecureUse;

/// <summary>
/// Bulk output through an interactive session (no timing here; the SSH benchmark measures speed): a reader that falls
/// behind holds the target back instead of the server buffering without end, everything still arrives, and the
/// recording holds exactly what was shown, multi-byte characters split across reads included. A session held back
/// that way still ends at once when an administrator terminates it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshShellPerformanceTests
{
    // "ä€😀 n" from octal escapes: the bytes do not depend on the target's locale.
    private const string Bulk = @"seq 1 400000; i=0; while [ $i -lt 3000 ]; do printf '\303\244\342\202\254\360\237\230\200 %d\n' $i; i=$((i+1)); done; exit" + "\n";

    private static async Task<(VaultTestSetup V, SshTestServer Ssh, Guid Tenant, Guid Entry, string Token, VaultClient Carol)> SetUpAsync()
    {
        var ssh = await SshTestServer.StartAsync();
        var v = await VaultTestSetup.StartAsync(TestDatabase.Sqlite);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Server");
        var entry = await carol.CreateEntryAsync(folder, "app01", ssh.Password, new
        {
            serviceLimitation = "Testserver", userName = ssh.PasswordUser, urls = new[] { $"ssh://{ssh.Host}:{ssh.Port}" },
            fields = new object[] { new { name = "host-key", value = ssh.HostKeyFingerprint, secret = false } },
        });
        return (v, ssh, tenant, entry, await v.TokenAsync("dave"), carol);
    }

    private static async Task<ClientWebSocket> ConnectAsync(VaultTestSetup v, string token, Guid tenant, Guid entry)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var url = new UriBuilder(v.Server.HttpsUrl) { Scheme = "wss", Path = $"/api/v1/tenants/{tenant}/vault/entries/{entry}/ssh/shell" };
        await socket.ConnectAsync(url.Uri, CancellationToken.None);
        return socket;
    }

    /// <summary>Everything until the server's close frame.</summary>
    private static async Task<byte[]> ReadToEndAsync(ClientWebSocket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer, limit.Token);
            if (r.MessageType == WebSocketMessageType.Close) return all.ToArray();
            all.Write(buffer, 0, r.Count);
        }
    }

    [Fact]
    public async Task BulkOutput_ToASlowReader_ArrivesWhole_AndIsRecordedExactly()
    {
        var (v, ssh, tenant, entry, token, carol) = await SetUpAsync();
        await using var _ = ssh;
        await using var __ = v;

        byte[] shown;
        using (var socket = await ConnectAsync(v, token, tenant, entry))
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(Bulk), WebSocketMessageType.Binary, true, CancellationToken.None);
            // Not reading for a while: the output backs up to the target instead of piling up in the server.
            await Task.Delay(TimeSpan.FromSeconds(2));
            shown = await ReadToEndAsync(socket);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        }
        var text = Encoding.UTF8.GetString(shown);
        Assert.Contains("400000", text);
        Assert.Contains("ä€😀 2999", text);

        await using var data = v.Data();
        var record = await data.SshSessions.AsNoTracking().SingleAsync();
        Assert.Equal("closed", record.EndReason);
        Assert.Equal(shown.Length, record.BytesOut);
        var cast = (await carol.GetAsync($"/entries/{entry}/ssh/sessions/{record.Id}/recording")).AssertOk().Body;
        var recorded = new StringBuilder();
        foreach (var line in cast.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var e = JsonDocument.Parse(line).RootElement;
            if (e[1].GetString() == "o") recorded.Append(e[2].GetString());
        }
        Assert.True(text == recorded.ToString(), $"recorded {recorded.Length} characters, shown {text.Length}");
    }

    [Fact]
    public async Task SessionHeldBackByASlowReader_EndsAtOnce_WhenTerminated()
    {
        var (v, ssh, tenant, entry, token, _) = await SetUpAsync();
        await using var _ssh = ssh;
        await using var _v = v;

        using var socket = await ConnectAsync(v, token, tenant, entry);
        // Endless output that nobody reads: SSH.NET's receive thread ends up waiting for room.
        await socket.SendAsync(Encoding.ASCII.GetBytes("yes 0123456789abcdefghijklmnopqrstuvwxyz\n"), WebSocketMessageType.Binary, true, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var shells = v.Server.Host.Services.GetRequiredService<SshShells>();
        var live = Assert.Single(shells.Live());
        Assert.True(await shells.TerminateAsync(live.Id, Actor.CommandLine()));

        await ReadToEndAsync(socket);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        await using var data = v.Data();
        var record = await data.SshSessions.AsNoTracking().SingleAsync();
        Assert.Equal("terminated", record.EndReason);
        Assert.NotNull(record.RecordingAddress);
        Assert.Empty(shells.Live());
    }
}
