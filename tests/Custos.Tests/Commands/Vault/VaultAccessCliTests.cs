using System.Text.Json;

namespace Custos.Tests.Commands.Vault;

public sealed class VaultAccessCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    [Fact]
    public async Task GrantAndRevoke_OpenAndCloseReading()
    {
        var secret = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("Switch", secret);
        Assert.Equal(1, (await vault.VaultAsync("dave", "get", "Servers/Switch", "--reveal")).ExitCode);

        var granted = await vault.VaultOkAsync("carol", "grant", "Servers/Switch", "--user", "dave", "--rights", "read", "--json");
        var grantId = JsonDocument.Parse(granted).RootElement.GetProperty("id").GetString()!;
        var listed = await vault.VaultOkAsync("carol", "grants", "Servers/Switch");
        var read = await vault.VaultOkAsync("dave", "get", "Servers/Switch", "--reveal");
        await vault.VaultOkAsync("carol", "revoke", grantId);
        var afterRevoke = await vault.VaultAsync("dave", "get", "Servers/Switch", "--reveal");

        Assert.Contains(grantId, listed);
        Assert.Contains("user:dave", listed);
        Assert.Equal(secret + "\n", read);
        Assert.Equal(1, afterRevoke.ExitCode);
        Assert.DoesNotContain(secret, afterRevoke.Output + afterRevoke.Error);
        Assert.DoesNotContain(grantId, await vault.VaultOkAsync("carol", "grants", "Servers/Switch"));
    }

    [Fact]
    public async Task Grant_OnTheVaultRootAndAFolder()
    {
        var root = await vault.VaultOkAsync("carol", "grant", "/", "--group", "helpdesk", "--rights", "use", "--until", "2099-12-31");
        await vault.VaultOkAsync("carol", "mkdir", "Servers/Lab", "--inherit", "--grant", "group:helpdesk=read");
        var folder = await vault.VaultOkAsync("carol", "grants", "Servers/Lab");
        var useless = await vault.VaultAsync("carol", "grant", "/", "--group", "helpdesk", "--user", "dave", "--rights", "read");
        var noRights = await vault.VaultAsync("carol", "grant", "/", "--group", "helpdesk", "--rights", "fly");

        Assert.Contains("the vault root", root);
        Assert.Contains("group:helpdesk", folder);
        Assert.Contains("use,read", folder);
        Assert.Equal(2, useless.ExitCode);
        Assert.Equal(2, noRights.ExitCode);
    }

    [Fact]
    public async Task Grant_WithoutManage_IsRefused()
    {
        await vault.AddEntryAsync("Managed", VaultCliFixture.NewSecret());

        var result = await vault.VaultAsync("dave", "grant", "Servers/Managed", "--user", "dave", "--rights", "read");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("right", result.Error);
    }

    [Fact]
    public async Task RequestAndApprove_GiveReadForTheHoursAsked()
    {
        var secret = VaultCliFixture.NewSecret();
        var entryId = await vault.AddEntryAsync("Firewall", secret);

        var requested = await vault.VaultOkAsync("dave", "request", "Servers/Firewall", "--hours", "2", "--reason", "ticket 4711", "--json");
        var requestId = JsonDocument.Parse(requested).RootElement.GetProperty("id").GetString()!;
        var pending = await vault.VaultOkAsync("carol", "requests");
        await vault.VaultOkAsync("carol", "approve", requestId);
        var read = await vault.VaultOkAsync("dave", "get", entryId, "--reveal");
        var again = await vault.VaultAsync("carol", "deny", requestId);

        Assert.Contains("ticket 4711", pending);
        Assert.Contains(requestId, pending);
        Assert.Equal(secret + "\n", read);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("decided", again.Error);
    }

    [Fact]
    public async Task Reports_ShowAccessRevealsExpiryAndAPersonsReveals()
    {
        var id = await vault.AddEntryAsync("Reported", VaultCliFixture.NewSecret(), "--expires", DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd"));
        await vault.VaultOkAsync("carol", "get", "Servers/Reported", "--reveal");

        var entry = await vault.VaultOkAsync("carol", "report", "Servers/Reported");
        var expiring = await vault.VaultOkAsync("carol", "report", "--expiring");
        var person = await vault.VaultOkAsync("erin", "report", "--user", "carol");
        var notAuditor = await vault.VaultAsync("dave", "report", "--user", "carol");
        var twoAtOnce = await vault.VaultAsync("carol", "report", "Servers/Reported", "--expiring");

        Assert.Contains("carol", entry);
        Assert.Contains("dave", entry);
        Assert.Contains("via cli", entry);
        Assert.Contains("Servers/Reported", expiring);
        Assert.Contains(id, person);
        Assert.Equal(1, notAuditor.ExitCode);
        Assert.Equal(2, twoAtOnce.ExitCode);
    }
}
