using System.Text.Json;
using OtpNet;

namespace Custos.Tests.Commands.Vault;

public sealed class VaultEntryCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    [Fact]
    public async Task LsAndShow_ListEverythingButTheSecret()
    {
        var secret = VaultCliFixture.NewSecret();
        var id = await vault.AddEntryAsync("Listed", secret, "--tag", "network", "--notes-file", vault.WriteFile("listed.notes", "secret notes " + secret));

        var outputs = new List<string>();
        foreach (var args in new string[][]
                 {
                     ["ls"], ["ls", "Servers"], ["ls", "--search", "network"], ["ls", "Servers", "--json"],
                     ["show", "Servers/Listed"], ["show", id, "--json"], ["show", "Listed"],
                 })
        {
            var result = await vault.VaultAsync("carol", args);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.DoesNotContain(secret, result.Output + result.Error);
            outputs.Add(result.Output);
        }

        Assert.Contains("Servers/", outputs[0]);
        Assert.Contains("Listed", outputs[1]);
        Assert.Contains("https://listed.acme.test", outputs[1]);
        Assert.Contains("Servers/Listed", outputs[2]);
        Assert.Contains(id, outputs[3]);
        Assert.Contains("password, notes", outputs[4]);
        Assert.Contains("admin", outputs[4]);
        Assert.Equal("Listed", JsonDocument.Parse(outputs[5]).RootElement.GetProperty("entry").GetProperty("title").GetString());
        Assert.Equal(outputs[4], outputs[6]);
        Assert.Equal(0, await vault.CountAsync($"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}'"));
    }

    [Fact]
    public async Task Get_WithoutRevealOrCopy_RefusesAndRevealsNothing()
    {
        var secret = VaultCliFixture.NewSecret();
        var id = await vault.AddEntryAsync("Refused", secret);

        var result = await vault.VaultAsync("carol", "get", "Servers/Refused");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--reveal", result.Error);
        Assert.Contains("--copy", result.Error);
        Assert.DoesNotContain(secret, result.Output + result.Error);
        Assert.Equal(0, await vault.CountAsync($"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}'"));
    }

    [Fact]
    public async Task GetReveal_PrintsTheSecret_AndTheServerRecordsACliReveal()
    {
        var secret = VaultCliFixture.NewSecret();
        var id = await vault.AddEntryAsync("Revealed", secret);

        var output = await vault.VaultOkAsync("carol", "get", "Servers/Revealed", "--reveal");

        Assert.Equal(secret + "\n", output);
        Assert.Equal(1, await vault.CountAsync(
            $"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}' AND client = 'cli' AND field = 'password'"));
        Assert.Equal(1, await vault.CountAsync(
            $"SELECT COUNT(*) FROM audit_events WHERE action = 'vault.reveal' AND outcome = 1 AND target = 'entry:{id}' AND details LIKE '%\"client\":\"cli\"%'"));
        Assert.Equal(0, await vault.CountAsync($"SELECT COUNT(*) FROM audit_events WHERE details LIKE '%{secret}%'"));
    }

    [Fact]
    public async Task Get_UseHolderIsRefused_WithoutTheSecret()
    {
        var secret = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("UseOnly", secret);

        var result = await vault.VaultAsync("dave", "get", "Servers/UseOnly", "--reveal");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("right", result.Error);
        Assert.DoesNotContain(secret, result.Output + result.Error);
    }

    [Fact]
    public async Task Add_RequiresAnExplicitRightsChoice()
    {
        var file = vault.WriteFile("norights.pw", VaultCliFixture.NewSecret());

        var result = await vault.VaultAsync("carol", "add", "Servers", "--title", "NoRights", "--password-file", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--inherit", result.Error);
        Assert.Contains("--grant", result.Error);
        Assert.DoesNotContain("NoRights", await vault.VaultOkAsync("carol", "ls", "Servers"));
    }

    [Fact]
    public async Task Add_TakesPasswordsOnlyFromFiles()
    {
        var secret = VaultCliFixture.NewSecret();

        var result = await vault.VaultAsync("carol", "add", "Servers", "--title", "OnTheCommandLine", "--password", secret, "--inherit");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--password", result.Error);
        Assert.DoesNotContain("OnTheCommandLine", await vault.VaultOkAsync("carol", "ls", "Servers"));
    }

    [Fact]
    public async Task Add_WithGrant_GivesThatGroupTheRights()
    {
        var secret = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("Granted", secret, "--grant", "group:helpdesk=read");

        Assert.Contains("group:helpdesk", await vault.VaultOkAsync("carol", "grants", "Servers/Granted"));
        Assert.Equal(secret + "\n", await vault.VaultOkAsync("dave", "get", "Servers/Granted", "--reveal"));
    }

    [Fact]
    public async Task Add_WithGenerate_StoresAGeneratedPasswordWithoutPrintingIt()
    {
        var output = await vault.VaultOkAsync("carol", "add", "Servers", "--title", "Generated", "--generate", "--inherit");
        var password = await vault.VaultOkAsync("carol", "get", "Servers/Generated", "--reveal");

        Assert.Equal(21, password.Length);
        Assert.DoesNotContain(password.TrimEnd('\n'), output);
        Assert.Contains("generated", await vault.VaultOkAsync("carol", "show", "Servers/Generated"));
    }

    [Fact]
    public async Task Edit_ChangesTheCurrentVersion_AndKeepsTheOldOne()
    {
        var first = VaultCliFixture.NewSecret();
        var second = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("Edited", first);

        await vault.VaultOkAsync("carol", "edit", "Servers/Edited", "--title", "Edited2", "--password-file", vault.WriteFile("edited.pw", second));

        Assert.Equal(second + "\n", await vault.VaultOkAsync("carol", "get", "Servers/Edited2", "--reveal"));
        Assert.Equal(first + "\n", await vault.VaultOkAsync("carol", "get", "Servers/Edited2", "--reveal", "--version", "1"));
        Assert.Contains("Version:", await vault.VaultOkAsync("carol", "show", "Servers/Edited2"));
        var nothing = await vault.VaultAsync("carol", "edit", "Servers/Edited2");
        Assert.Equal(2, nothing.ExitCode);
    }

    [Fact]
    public async Task GetTotp_PrintsTheCurrentCode_OnlyWhenAsked()
    {
        const string seed = "JBSWY3DPEHPK3PXP";
        await vault.AddEntryAsync("Totp", VaultCliFixture.NewSecret(), "--totp-file", vault.WriteFile("totp.seed", seed + "\n"));

        var refused = await vault.VaultAsync("carol", "get", "Servers/Totp", "--totp");
        var code = await vault.VaultOkAsync("carol", "get", "Servers/Totp", "--totp", "--reveal");

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal(new Totp(Base32Encoding.ToBytes(seed)).ComputeTotp(vault.Server.Time.GetUtcNow().UtcDateTime) + "\n", code);
    }

    [Fact]
    public async Task Generate_PrintsAPasswordOrPassphrase()
    {
        var password = (await vault.VaultOkAsync("carol", "generate", "--length", "32", "--no-symbols")).TrimEnd('\n');
        var phrase = (await vault.VaultOkAsync("carol", "generate", "--passphrase", "--words", "4", "--separator", "_")).TrimEnd('\n');
        var mixed = await vault.VaultAsync("carol", "generate", "--passphrase", "--length", "30");

        Assert.Equal(32, password.Length);
        Assert.True(password.All(char.IsLetterOrDigit), password);
        Assert.Equal(4, phrase.Split('_').Length);
        Assert.Equal(2, mixed.ExitCode);
    }

    [Fact]
    public async Task AmbiguousName_IsRefusedWithTheIds()
    {
        var a = await vault.AddEntryAsync("Twin", VaultCliFixture.NewSecret());
        var b = await vault.AddEntryAsync("Twin", VaultCliFixture.NewSecret());

        var result = await vault.VaultAsync("carol", "get", "Servers/Twin", "--reveal");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(a, result.Error);
        Assert.Contains(b, result.Error);
        Assert.Equal("", result.Output);
    }
}
