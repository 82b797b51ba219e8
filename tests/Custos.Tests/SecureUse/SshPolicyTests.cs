using System.Net;
using System.Net.WebSockets;
using System.Text;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.SecureUse;

/// <summary>
/// A folder's session policy for SSH use (issue 9, point 5): allowed hours, a required reason or ticket number (recorded
/// with the use), an idle timeout and a maximum length for interactive sessions, on the server's clock.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshPolicyTests
{
    private static async Task<ClientWebSocket> ShellAsync(VaultTestSetup v, string token, Guid tenant, Guid entry, string reason)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var url = new UriBuilder(v.Server.HttpsUrl)
        {
            Scheme = "wss", Path = $"/api/v1/tenants/{tenant}/vault/entries/{entry}/ssh/shell", Query = $"reason={Uri.EscapeDataString(reason)}",
        };
        await socket.ConnectAsync(url.Uri, CancellationToken.None);
        return socket;
    }

    /// <summary>
    /// Sends a line and waits for its marker and the prompt after it, so the session is up and quiet: output that came
    /// later (a prompt read after the test moved the clock) would count as activity and reset the idle timeout.
    /// </summary>
    private static async Task EchoAsync(ClientWebSocket socket, string marker)
    {
        const string prompt = "READY> ";
        await socket.SendAsync(Encoding.UTF8.GetBytes($"PS1='{prompt}'; echo {marker}-$((1+1))\n"), WebSocketMessageType.Binary, true, CancellationToken.None);
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        bool Quiet()
        {
            var text = seen.ToString();
            var at = text.IndexOf($"{marker}-2", StringComparison.Ordinal);
            return at >= 0 && text[at..].EndsWith(prompt, StringComparison.Ordinal);
        }
        while (!Quiet())
        {
            var r = await socket.ReceiveAsync(buffer, limit.Token);
            Assert.NotEqual(WebSocketMessageType.Close, r.MessageType);
            seen.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
    }

    private static async Task<WebSocketCloseStatus?> ClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await socket.ReceiveAsync(buffer, limit.Token)).MessageType != WebSocketMessageType.Close) { }
        return socket.CloseStatus;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Hours_Reason_IdleTimeout_And_MaximumLength_AreEnforced(string kind)
    {
        await using var ssh = await SshTestServer.StartAsync();
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var login = new
        {
            serviceLimitation = "Testserver", userName = ssh.PasswordUser, urls = new[] { $"ssh://{ssh.Host}:{ssh.Port}" },
            fields = new object[] { new { name = "host-key", value = ssh.HostKeyFingerprint, secret = false } },
        };
        var strict = await carol.CreateFolderAsync("Kunde A", policy: new { sessionHours = "07:00-19:00", sessionReasonRequired = true, sessionIdleMinutes = 2 });
        var capped = await carol.CreateFolderAsync("Kunde B", policy: new { sessionMaxMinutes = 5 });
        var a = await carol.CreateEntryAsync(strict, "a01", ssh.Password, login);
        var b = await carol.CreateEntryAsync(capped, "b01", ssh.Password, login);
        Assert.Equal(HttpStatusCode.BadRequest, (await carol.PostAsync("/folders", new { name = "Falsch", permissions = Array.Empty<object>(), policy = new { sessionHours = "7 bis 19" } })).Status);

        // The server's clock (UTC here) at 05:00 the next day: outside the hours, refused and on record.
        var now = v.Time.GetUtcNow();
        v.Time.Advance(now.Date.AddDays(1).AddHours(5) - now);
        var early = await dave.PostAsync($"/entries/{a}/ssh/exec", new { command = "true", reason = "TICKET-4711" });
        Assert.True(early.Status == HttpStatusCode.Forbidden && early.Code == "ssh.outside_hours", early.ToString());

        v.Time.Advance(TimeSpan.FromHours(5));
        var noReason = await dave.PostAsync($"/entries/{a}/ssh/exec", new { command = "true" });
        Assert.True(noReason.Status == HttpStatusCode.UnprocessableEntity && noReason.Code == "ssh.reason_required", noReason.ToString());
        (await dave.PostAsync($"/entries/{a}/ssh/exec", new { command = "true", reason = "TICKET-4711" })).AssertOk();
        (await dave.PostAsync($"/entries/{b}/ssh/exec", new { command = "true" })).AssertOk();
        await using (var data = v.Data())
        {
            Assert.Equal(2, await data.AuditEvents.CountAsync(e => e.Action == "ssh.exec" && e.Outcome == AuditOutcome.Denied));
            Assert.Equal(1, await data.AuditEvents.CountAsync(e => e.Action == "ssh.exec" && e.Outcome == AuditOutcome.Success && e.Details!.Contains("TICKET-4711")));
        }

        // Interactive: idle for longer than 2 minutes ends the first, 5 minutes end the second (both on the server's clock).
        var token = await v.TokenAsync("dave");
        using (var idle = await ShellAsync(v, token, tenant, a, "TICKET-4712"))
        {
            await EchoAsync(idle, "IDLE");
            v.Time.Advance(TimeSpan.FromMinutes(3));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await ClosedAsync(idle));
        }
        using (var longOne = await ShellAsync(v, token, tenant, b, ""))
        {
            await EchoAsync(longOne, "LANG");
            v.Time.Advance(TimeSpan.FromMinutes(4));
            await EchoAsync(longOne, "NOCH");
            v.Time.Advance(TimeSpan.FromMinutes(1.5));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await ClosedAsync(longOne));
        }
        await using (var data = v.Data())
        {
            var ends = await data.SshSessions.AsNoTracking().OrderBy(s => s.StartedAt).Select(s => s.EndReason).ToListAsync();
            Assert.Equal(["idle", "timeout"], ends);
            Assert.Equal(1, await data.AuditEvents.CountAsync(e => e.Action == "ssh.session" && e.Details!.Contains("TICKET-4712")));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ApprovalRequired_UseWaitsForAnApprovedSessionRequest_ThatEndsWithItsHours(string kind)
    {
        await using var ssh = await SshTestServer.StartAsync();
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Kunde C", policy: new { sessionApprovalRequired = true });
        var entry = await carol.CreateEntryAsync(folder, "c01", ssh.Password, new
        {
            serviceLimitation = "Testserver", userName = ssh.PasswordUser, urls = new[] { $"ssh://{ssh.Host}:{ssh.Port}" },
            fields = new object[] { new { name = "host-key", value = ssh.HostKeyFingerprint, secret = false } },
        });

        // dave (Use) is refused until a manager approves; carol (Manage) decides, so she needs no approval herself.
        var refused = await dave.PostAsync($"/entries/{entry}/ssh/exec", new { command = "true" });
        Assert.True(refused.Status == HttpStatusCode.Forbidden && refused.Code == "ssh.approval_required", refused.ToString());
        (await carol.PostAsync($"/entries/{entry}/ssh/exec", new { command = "true" })).AssertOk();
        var asked = (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 2, reason = "TICKET-4713", kind = "Session" })).AssertOk();
        var request = asked.Json.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.PostAsync($"/access-requests/{request}/approve", new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.PostAsync($"/entries/{entry}/ssh/exec", new { command = "true" })).Status);
        (await carol.PostAsync($"/access-requests/{request}/approve", new { })).AssertOk();

        var ran = (await dave.PostAsync($"/entries/{entry}/ssh/exec", new { command = "echo approved" })).AssertOk();
        Assert.Contains("approved", ran.Json.GetProperty("output").GetString());
        // An approved session request shows nothing: dave still cannot read the password.
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.RevealAsync(entry)).Status);

        // Two hours later the approval has run out.
        v.Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        var late = await dave.PostAsync($"/entries/{entry}/ssh/exec", new { command = "true" });
        Assert.True(late.Status == HttpStatusCode.Forbidden && late.Code == "ssh.approval_required", late.ToString());

        await using var data = v.Data();
        var actions = await data.AuditEvents.AsNoTracking().Select(a => new { a.Action, a.Outcome, a.Details }).ToListAsync();
        Assert.Equal(3, actions.Count(a => a.Action == "ssh.exec" && a.Outcome == AuditOutcome.Denied && a.Details!.Contains("ssh.approval_required")));
        Assert.Contains(actions, a => a.Action == "vault.access-request.approve" && a.Details!.Contains("session"));
        Assert.Empty(await data.VaultGrants.AsNoTracking().Where(g => g.AccessRequestId == request).ToListAsync());
    }
}
