using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.SecureUse;

/// <summary>
/// File transfer on an SSH entry's target against a real sshd (SFTP): a Use-only colleague copies files up and down and
/// lists a directory with the entry's password, which he never sees; every transfer is on record with path and bytes;
/// missing files, other tenants and a broken upload get clear answers and leave nothing half-written.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshFileTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UseOnlyColleague_CopiesFilesBothWays_AndListsThem_AllOnRecord(string kind)
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
        var dave = await v.ConnectAsync("dave", tenant);
        var files = $"/entries/{entry}/ssh/files";
        var name = $"custos-{Guid.NewGuid():N}.bin";

        // Up (several MiB, so it spans many SFTP writes), replaced by a second upload, then down again byte for byte.
        var first = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var up = (await dave.SendAsync(HttpMethod.Put, $"{files}?path={name}&reason=T-1", new ByteArrayContent(first))).AssertOk();
        Assert.Equal(first.Length, up.Json.GetProperty("bytes").GetInt64());
        var second = RandomNumberGenerator.GetBytes(100_000);
        (await dave.SendAsync(HttpMethod.Put, $"{files}?path={name}", new ByteArrayContent(second))).AssertOk();
        var down = (await dave.GetAsync($"{files}?path={name}&reason=T-2")).AssertOk();
        Assert.Equal(second, down.Bytes);
        Assert.Contains(name, down.Header("Content-Disposition"));

        var listing = (await dave.GetAsync($"{files}/list?path=.")).AssertOk().Json.EnumerateArray().ToList();
        var listed = Assert.Single(listing, f => f.GetProperty("name").GetString() == name);
        Assert.Equal(second.Length, listed.GetProperty("size").GetInt64());
        Assert.DoesNotContain(listing, f => f.GetProperty("name").GetString()!.EndsWith(".part", StringComparison.Ordinal));

        // Clear answers for what is not there, and nothing for another tenant's entry or without a path.
        Assert.Equal("ssh.no_such_file", (await dave.GetAsync($"{files}?path=no-such-{Guid.NewGuid():N}")).AssertStatus(HttpStatusCode.NotFound).Code);
        Assert.Equal("ssh.no_such_file", (await dave.GetAsync($"{files}?path=/tmp")).AssertStatus(HttpStatusCode.NotFound).Code);
        Assert.Equal("ssh.file_denied", (await dave.SendAsync(HttpMethod.Put, $"{files}?path=/etc/custos-test", new ByteArrayContent([1]))).AssertStatus(HttpStatusCode.Forbidden).Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await dave.GetAsync(files)).Status);
        var other = await v.AddTenantAsync("Other", ("ops", "manage"));
        var otherCarol = await v.ConnectAsync("carol", other);
        var otherFolder = await otherCarol.CreateFolderAsync("Server");
        var otherEntry = await otherCarol.CreateEntryAsync(otherFolder, "app02", ssh.Password, new
        {
            serviceLimitation = "Testserver", userName = ssh.PasswordUser, urls = new[] { $"ssh://{ssh.Host}:{ssh.Port}" },
        });
        Assert.Equal(HttpStatusCode.NotFound, (await dave.On(other).GetAsync($"/entries/{otherEntry}/ssh/files?path={name}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await dave.GetAsync($"/entries/{otherEntry}/ssh/files?path={name}")).Status);

        // On record: each start with its path and reason, each end with its bytes.
        await using var data = v.Data();
        var events = await data.AuditEvents.AsNoTracking().Where(a => a.Action.StartsWith("ssh.file")).OrderBy(a => a.Sequence).ToListAsync();
        var all = JsonSerializer.Serialize(events);
        Assert.Equal(3, events.Count(e => e.Action == "ssh.file_upload"));
        Assert.Contains(events, e => e.Action == "ssh.file_end" && e.Outcome == Core.Audit.AuditOutcome.Success && e.Details!.Contains(first.Length.ToString()));
        Assert.Contains(events, e => e.Action == "ssh.file_end" && e.Outcome == Core.Audit.AuditOutcome.Success && e.Details!.Contains(second.Length.ToString())
            && e.Details.Contains("ssh.file_download"));
        Assert.Contains(events, e => e.Action == "ssh.file_end" && e.Outcome == Core.Audit.AuditOutcome.Failure && e.Details!.Contains("ssh.file_denied"));
        Assert.Contains(events, e => e.Action == "ssh.file_download" && e.Details!.Contains("T-2"));
        Assert.Contains(events, e => e.Action == "ssh.file_end" && e.Outcome == Core.Audit.AuditOutcome.Failure && e.Details!.Contains("ssh.no_such_file"));
        Assert.DoesNotContain(ssh.Password, all);
    }
}
