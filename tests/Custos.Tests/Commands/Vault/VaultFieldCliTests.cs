namespace Custos.Tests.Commands.Vault;

public sealed class VaultFieldCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    [Fact]
    public async Task CustomFields_RoundTrip_AndTheSecretOneOnlyWithReveal()
    {
        var apiKey = VaultCliFixture.NewSecret();
        var id = await vault.AddEntryAsync("Fielded", VaultCliFixture.NewSecret(), "--field", "Port=8443", "--field", "Query=a=b",
            "--secret-field-file", $"API key={vault.WriteFile("fielded.key", apiKey + "\n")}");

        var outputs = new List<string>();
        foreach (var args in new string[][] { ["show", "Servers/Fielded"], ["show", id, "--json"], ["ls", "Servers", "--json"] })
        {
            var result = await vault.VaultAsync("carol", args);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.DoesNotContain(apiKey, result.Output + result.Error);
            outputs.Add(result.Output);
        }
        var unasked = await vault.VaultAsync("carol", "get", "Servers/Fielded", "--field", "API key");
        var revealed = await vault.VaultOkAsync("carol", "get", "Servers/Fielded", "--field", "API key", "--reveal");
        var prefixed = await vault.VaultOkAsync("carol", "get", "Servers/Fielded", "--field", "field:API key", "--reveal");

        Assert.Matches(@"Field Port:\s+8443", outputs[0]);
        Assert.Matches(@"Field Query:\s+a=b", outputs[0]);
        Assert.Matches(@"Field API key:\s+\*+ \(secret\)", outputs[0]);
        Assert.Contains("field:API key", outputs[1]);
        Assert.Equal(2, unasked.ExitCode);
        Assert.DoesNotContain(apiKey, unasked.Output + unasked.Error);
        Assert.Equal(apiKey + "\n", revealed);
        Assert.Equal(apiKey + "\n", prefixed);
        Assert.Equal(2, await vault.CountAsync(
            $"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}' AND field = 'field:API key' AND client = 'cli'"));
    }

    [Fact]
    public async Task Edit_ChangesTheNamedFields_AndKeepsTheOthers()
    {
        var token = VaultCliFixture.NewSecret();
        var pin = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("Refielded", VaultCliFixture.NewSecret(), "--field", "Port=22", "--field", "Old=x",
            "--secret-field-file", $"Token={vault.WriteFile("refielded.token", token)}");

        await vault.VaultOkAsync("carol", "edit", "Servers/Refielded", "--field", "Port=2222", "--remove-field", "Old",
            "--secret-field-file", $"Pin={vault.WriteFile("refielded.pin", pin)}");
        var show = await vault.VaultOkAsync("carol", "show", "Servers/Refielded");
        var keptToken = await vault.VaultOkAsync("carol", "get", "Servers/Refielded", "--field", "Token", "--reveal");
        var newPin = await vault.VaultOkAsync("carol", "get", "Servers/Refielded", "--field", "Pin", "--reveal");
        await vault.VaultOkAsync("carol", "edit", "Servers/Refielded", "--field", "Token=public now");
        var madePublic = await vault.VaultOkAsync("carol", "show", "Servers/Refielded");
        var noLongerSecret = await vault.VaultAsync("carol", "get", "Servers/Refielded", "--field", "Token", "--reveal");
        var missing = await vault.VaultAsync("carol", "edit", "Servers/Refielded", "--remove-field", "Nonexistent");

        Assert.Matches(@"Field Port:\s+2222", show);
        Assert.DoesNotContain("Field Old", show);
        Assert.Matches(@"Field Token:\s+\*+", show);
        Assert.Matches(@"Field Pin:\s+\*+", show);
        Assert.DoesNotContain(token, show);
        Assert.DoesNotContain(pin, show);
        Assert.Equal(token + "\n", keptToken);
        Assert.Equal(pin + "\n", newPin);
        Assert.Matches(@"Field Token:\s+public now", madePublic);
        Assert.Equal(1, noLongerSecret.ExitCode);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Nonexistent", missing.Error);
    }

    [Fact]
    public async Task SecretFieldValue_OnTheCommandLine_IsRefused()
    {
        var secret = VaultCliFixture.NewSecret();

        var inline = await vault.VaultAsync("carol", "add", "Servers", "--title", "InlineSecret", "--inherit", "--secret-field", $"Token={secret}");
        var twice = await vault.VaultAsync("carol", "add", "Servers", "--title", "TwiceNamed", "--inherit", "--field", "Token=a",
            "--secret-field-file", $"Token={vault.WriteFile("twice.token", secret)}");
        var malformed = await vault.VaultAsync("carol", "add", "Servers", "--title", "Malformed", "--inherit", "--field", "NoValue");
        var twoReaders = await vault.VaultAsync("carol", "add", "Servers", "--title", "TwoReaders", "--inherit", "--password-file", "-",
            "--secret-field", "Token");

        Assert.Equal(2, inline.ExitCode);
        Assert.Contains("--secret-field-file", inline.Error);
        Assert.DoesNotContain(secret, inline.Output + inline.Error);
        Assert.All([twice, malformed, twoReaders], r => Assert.Equal(2, r.ExitCode));
        var listed = await vault.VaultOkAsync("carol", "ls", "Servers");
        Assert.DoesNotContain("InlineSecret", listed);
        Assert.DoesNotContain("TwiceNamed", listed);
    }
}
