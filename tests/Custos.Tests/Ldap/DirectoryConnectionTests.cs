using Custos.Core.Ldap;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Custos.Tests.Ldap.DirectoryTestSetup;

namespace Custos.Tests.Ldap;

public sealed class DirectoryConnectionTests
{
    [Theory]
    [InlineData(DirectorySecurity.Ldaps)]
    [InlineData(DirectorySecurity.StartTls)]
    public async Task Sync_OverTls_Works(string security)
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        await ConfigureAsync(db, ldap, security);

        var result = await SyncAsync(db);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("4 directory users: 4 created", result.Output);
    }

    [Fact]
    public async Task Configure_PlainLdapWithoutAllowInsecure_RefusedWithClearMessage()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);

        var result = await RunAsync(ConfigureArgs(db, ldap, DirectorySecurity.None));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Plain LDAP", result.Error);
        Assert.Contains("--allow-insecure", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        await using var context = Open(db);
        Assert.False(await context.DirectorySettings.AnyAsync());
    }

    [Fact]
    public void Connect_PlainLdapWithoutAllowInsecure_RefusedBeforeAnyPasswordIsSent()
    {
        // A port nobody listens on: the refusal must come before any connection attempt.
        var endpoint = new DirectoryEndpoint("127.0.0.1", FreePort.Next(), DirectorySecurity.None, AllowInsecure: false, null);

        var e = Assert.Throws<DirectoryException>(() => DirectoryConnection.Open(endpoint, SlapdFixture.AdminDn, "secret"));

        Assert.Equal(DirectoryFailure.InsecureRefused, e.Failure);
        Assert.Contains("--allow-insecure", e.Message);
    }

    [Fact]
    public async Task Sync_PlainLdapExplicitlyAllowed_Works()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        Assert.Equal(0, (await RunAsync([.. ConfigureArgs(db, ldap, DirectorySecurity.None), "--allow-insecure"])).ExitCode);

        var result = await SyncAsync(db);

        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Theory]
    [InlineData(DirectorySecurity.Ldaps)]
    [InlineData(DirectorySecurity.StartTls)]
    public async Task Sync_CertificateNotTrusted_ExitsOneWithClearMessage(string security)
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        var emptyCaDirectory = Directory.CreateDirectory(Path.Combine(ldap.Root, "no-ca")).FullName;
        Assert.Equal(0, (await RunAsync(ConfigureArgs(db, ldap, security, emptyCaDirectory))).ExitCode);

        var result = await SyncAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not trusted", result.Error);
        Assert.Contains(emptyCaDirectory, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM users"));
    }

    [Fact]
    public async Task Sync_ClosedPort_ExitsOneWithClearMessageAndRecordsFailure()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        var closed = FreePort.Next();
        Assert.Equal(0, (await RunAsync(ConfigureArgs(db, ldap, port: closed))).ExitCode);

        var result = await SyncAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"custos: The directory at ldaps://127.0.0.1:{closed} cannot be reached: connection refused.", result.Error.Trim());
        await using var context = Open(db);
        Assert.StartsWith("failed: ", (await context.DirectorySettings.SingleAsync()).LastSyncResult);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.sync' AND outcome = 2"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Sync_DirectoryStopped_ExitsOneAndChangesNoUser(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);

        await ldap.StopAsync();
        var result = await SyncAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot be reached", result.Error);
        // An outage is not "everyone left the company": nobody is disabled.
        await using var context = Open(db);
        Assert.Equal(4, await context.Users.CountAsync(u => u.IsEnabled && u.DirectoryDn != null));
    }

    [Fact]
    public async Task Configure_BindPassword_StoredSealedAndNeverAudited()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);

        await ConfigureAsync(db, ldap);

        await using var context = Open(db);
        var settings = await context.DirectorySettings.SingleAsync();
        var sealedPassword = settings.BindPassword!;
        Assert.DoesNotContain(ldap.AdminPassword, System.Text.Encoding.UTF8.GetString(sealedPassword));
        var details = await context.AuditEvents.Where(e => e.Action == "directory.configure").Select(e => e.Details).SingleAsync();
        Assert.DoesNotContain(ldap.AdminPassword, details);
        Assert.Contains("\"bindPassword\":\"set\"", details);
    }

    [Fact]
    public async Task Configure_BadValues_ExitTwoOrOneWithMessage()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await InitialiseAsync(db);
        var args = ConfigureArgs(db, ldap);

        var badMode = await RunAsync([.. args.Select(a => a == "ldaps" ? "ssl" : a)]);
        var noBaseDn = await RunAsync([.. args.Select(a => a == SlapdFixture.BaseDn ? "example" : a)]);
        var badMap = await RunAsync([.. args, "--map", "Administrators"]);

        Assert.Equal(2, badMode.ExitCode);
        Assert.Equal(1, noBaseDn.ExitCode);
        Assert.Contains("base DN", noBaseDn.Error);
        Assert.Equal(2, badMap.ExitCode);
    }
}
