using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.SecureUse;

/// <summary>
/// Using an SSH credential without revealing it (TOM 6.9) against a real sshd on loopback: a Use-only colleague runs
/// commands with the entry's password or key; the host key must be confirmed first and a changed one is refused and
/// raised; the secret appears in no reply, error or audit record.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshCommandTests
{
    private sealed record Setup(VaultTestSetup Vault, SshTestServer Ssh, Guid Tenant, VaultClient Carol, VaultClient Dave, Guid Folder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Ssh.DisposeAsync();
            await Vault.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(string kind)
    {
        var ssh = await SshTestServer.StartAsync();
        var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Server");
        return new Setup(v, ssh, tenant, carol, dave, folder);
    }

    private static Task<Reply> ExecAsync(VaultClient client, Guid entry, string command, int? timeoutSeconds = null) =>
        client.PostAsync($"/entries/{entry}/ssh/exec", new { command, timeoutSeconds });

    private static async Task<string> AuditTextAsync(VaultTestSetup v)
    {
        await using var data = v.Data();
        var rows = await data.AuditEvents.AsNoTracking().ToListAsync();
        return JsonSerializer.Serialize(rows);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UseOnlyColleague_RunsCommandsWithPasswordAndKey_AfterHostKeyConfirmed_NeverSeesSecrets(string kind)
    {
        await using var s = await StartAsync(kind);
        var url = $"ssh://{s.Ssh.Host}:{s.Ssh.Port}";
        var byPassword = await s.Carol.CreateEntryAsync(s.Folder, "web01 (Passwort)", s.Ssh.Password, new { serviceLimitation = "Testserver", userName = s.Ssh.PasswordUser, urls = new[] { url } });
        var byKey = await s.Carol.CreateEntryAsync(s.Folder, "web01 (Schlüssel)", VaultTestSetup.NewSecret(), new
        {
            userName = s.Ssh.KeyUser, urls = new[] { url },
            fields = new object[] { new { name = "private-key", value = s.Ssh.PrivateKey, secret = true }, new { name = "passphrase", value = s.Ssh.KeyPassphrase, secret = true } },
        });

        // First contact: the key is recorded, nothing is sent, the reply names the fingerprint.
        var first = await ExecAsync(s.Dave, byPassword, "id -un");
        Assert.True(first.Status == HttpStatusCode.Conflict && first.Code == "ssh.hostkey_unconfirmed", first.ToString());
        Assert.Contains(s.Ssh.HostKeyFingerprint, first.Body);
        // Use is not enough to confirm it; Manage is, and only the key that was presented.
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Dave.PostAsync($"/entries/{byPassword}/ssh/hostkey/confirm", new { fingerprint = s.Ssh.HostKeyFingerprint })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Carol.PostAsync($"/entries/{byPassword}/ssh/hostkey/confirm", new { fingerprint = "SHA256:AAAA" })).Status);
        var confirmed = (await s.Carol.PostAsync($"/entries/{byPassword}/ssh/hostkey/confirm", new { fingerprint = s.Ssh.HostKeyFingerprint })).AssertOk();
        Assert.True(confirmed.Json.GetProperty("hostKey").GetProperty("confirmed").GetBoolean());

        var ran = (await ExecAsync(s.Dave, byPassword, "id -un; echo fehler >&2; exit 3")).AssertOk();
        Assert.Equal(s.Ssh.PasswordUser, ran.Json.GetProperty("output").GetString()!.Trim());
        Assert.Equal("fehler", ran.Json.GetProperty("errors").GetString()!.Trim());
        Assert.Equal(3, ran.Json.GetProperty("exitStatus").GetInt32());

        // The key entry names the host key in its field instead: accepted at once.
        await s.Carol.PutAsync($"/entries/{byKey}", new
        {
            expectedVersion = await s.Carol.VersionOfAsync(byKey),
            fields = new object[]
            {
                new { name = "private-key", value = (string?)null, secret = true }, new { name = "passphrase", value = (string?)null, secret = true },
                new { name = "host-key", value = s.Ssh.HostKeyFingerprint, secret = false },
            },
        });
        var keyed = (await ExecAsync(s.Dave, byKey, "id -un")).AssertOk();
        Assert.Equal(s.Ssh.KeyUser, keyed.Json.GetProperty("output").GetString()!.Trim());

        // Dave may use, not read: the reveal is refused, and neither secret is anywhere he could look.
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Dave.RevealAsync(byPassword)).Status);
        var everything = first.Body + ran.Body + keyed.Body + (await s.Dave.GetAsync($"/entries/{byPassword}/ssh/hostkey")).Body + await AuditTextAsync(s.Vault);
        Assert.DoesNotContain(s.Ssh.Password, everything);
        Assert.DoesNotContain(s.Ssh.KeyPassphrase, everything);
        Assert.DoesNotContain("PRIVATE KEY", everything);

        // Start and end of each run are on record, with target and exit status.
        await using var data = s.Vault.Data();
        var ends = await data.AuditEvents.AsNoTracking().Where(a => a.Action == "ssh.exec_end" && a.Actor == "user:dave").ToListAsync();
        Assert.Equal(2, ends.Count(a => a.Outcome == AuditOutcome.Success));
        Assert.Equal(3, await data.AuditEvents.CountAsync(a => a.Action == "ssh.exec" && a.Actor == "user:dave"));
        Assert.Contains(ends, a => a.Details != null && a.Details.Contains("\"exit\":\"3\""));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ChangedHostKey_IsRefusedAndRaised_UntilManageAcceptsIt(string kind)
    {
        await using var s = await StartAsync(kind);
        var entry = await s.Carol.CreateEntryAsync(s.Folder, "db01", s.Ssh.Password,
            new { serviceLimitation = "Testserver", userName = s.Ssh.PasswordUser, urls = new[] { $"ssh://{s.Ssh.Host}:{s.Ssh.Port}" } });
        await ExecAsync(s.Dave, entry, "true");
        (await s.Carol.PostAsync($"/entries/{entry}/ssh/hostkey/confirm", new { fingerprint = s.Ssh.HostKeyFingerprint })).AssertOk();
        (await ExecAsync(s.Dave, entry, "true")).AssertOk();
        var old = s.Ssh.HostKeyFingerprint;

        await s.Ssh.ReplaceHostKeyAsync();
        var refused = await ExecAsync(s.Dave, entry, "true");
        Assert.True(refused.Status == HttpStatusCode.Conflict && refused.Code == "ssh.hostkey_mismatch", refused.ToString());
        Assert.Contains(old, refused.Body);
        Assert.Contains(s.Ssh.HostKeyFingerprint, refused.Body);
        await using (var data = s.Vault.Data())
            Assert.Equal(1, await data.AuditEvents.CountAsync(a => a.Action == "ssh.hostkey_mismatch" && a.Outcome == AuditOutcome.Failure));

        (await s.Carol.PostAsync($"/entries/{entry}/ssh/hostkey/confirm", new { fingerprint = s.Ssh.HostKeyFingerprint })).AssertOk();
        (await ExecAsync(s.Dave, entry, "true")).AssertOk();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WrongPassword_Unreachable_Timeout_OtherTenant_GiveClearErrorsWithoutSecrets(string kind)
    {
        await using var s = await StartAsync(kind);
        var url = $"ssh://{s.Ssh.Host}:{s.Ssh.Port}";
        var wrong = VaultTestSetup.NewSecret("wrong");
        var entry = await s.Carol.CreateEntryAsync(s.Folder, "falsch", wrong, new { serviceLimitation = "Testserver", userName = s.Ssh.PasswordUser, urls = new[] { url } });
        await ExecAsync(s.Dave, entry, "true");
        (await s.Carol.PostAsync($"/entries/{entry}/ssh/hostkey/confirm", new { fingerprint = s.Ssh.HostKeyFingerprint })).AssertOk();
        var login = await ExecAsync(s.Dave, entry, "true");
        Assert.True(login.Status == HttpStatusCode.BadGateway && login.Code == "ssh.login_failed", login.ToString());
        Assert.DoesNotContain(wrong, login.Body);

        var good = await s.Carol.CreateEntryAsync(s.Folder, "gut", s.Ssh.Password, new
        {
            serviceLimitation = "Testserver", userName = s.Ssh.PasswordUser, urls = new[] { url }, fields = new object[] { new { name = "host-key", value = s.Ssh.HostKeyFingerprint, secret = false } },
        });
        var slow = await ExecAsync(s.Dave, good, "sleep 30", timeoutSeconds: 1);
        Assert.True(slow.Status == HttpStatusCode.GatewayTimeout && slow.Code == "ssh.timeout", slow.ToString());

        var closed = await s.Carol.CreateEntryAsync(s.Folder, "weg", s.Ssh.Password, new { serviceLimitation = "Testserver", userName = s.Ssh.PasswordUser, urls = new[] { "ssh://127.0.0.1:1" } });
        var unreachable = await ExecAsync(s.Dave, closed, "true");
        Assert.True(unreachable.Status == HttpStatusCode.BadGateway && unreachable.Code == "ssh.unreachable", unreachable.ToString());

        var notSsh = await s.Carol.CreateEntryAsync(s.Folder, "Portal", s.Ssh.Password, new { serviceLimitation = "Testserver", urls = new[] { "https://portal.example" } });
        Assert.Equal("ssh.not_ssh", (await ExecAsync(s.Dave, notSsh, "true")).Code);

        // Another tenant's entry id is as absent as a missing one.
        var other = await s.Vault.AddTenantAsync("Globex", ("ops", "manage"));
        Assert.Equal(HttpStatusCode.NotFound, (await ExecAsync(s.Dave.On(other), good, "true")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ExecAsync(s.Carol.On(other), good, "true")).Status);
        Assert.DoesNotContain(s.Ssh.Password, await AuditTextAsync(s.Vault));
    }
}
