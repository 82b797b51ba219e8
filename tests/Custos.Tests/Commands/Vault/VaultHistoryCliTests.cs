using System.Text.Json;

namespace Custos.Tests.Commands.Vault;

public sealed class VaultHistoryCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    [Fact]
    public async Task History_ListsTheVersions_AndGetVersionRevealsAnEarlierSecret()
    {
        var first = VaultCliFixture.NewSecret();
        var second = VaultCliFixture.NewSecret();
        var third = VaultCliFixture.NewSecret();
        var id = await vault.AddEntryAsync("Versioned", first);
        await vault.VaultOkAsync("carol", "edit", "Servers/Versioned", "--password-file", vault.WriteFile("versioned2.pw", second));
        await vault.VaultOkAsync("carol", "edit", "Servers/Versioned", "--user", "root", "--field", "Port=22",
            "--password-file", vault.WriteFile("versioned3.pw", third));

        var history = await vault.VaultAsync("carol", "history", "Servers/Versioned");
        var json = JsonDocument.Parse(await vault.VaultOkAsync("carol", "history", id, "--json")).RootElement;
        var byUseHolder = await vault.VaultAsync("dave", "history", "Servers/Versioned");
        var version1 = await vault.VaultOkAsync("carol", "get", "Servers/Versioned", "--version", "1", "--reveal");
        var version2 = await vault.VaultOkAsync("carol", "get", "Servers/Versioned", "--version", "2", "--reveal");
        var current = await vault.VaultOkAsync("carol", "get", "Servers/Versioned", "--reveal");
        var noSuchVersion = await vault.VaultAsync("carol", "get", "Servers/Versioned", "--version", "9", "--reveal");

        Assert.True(history.ExitCode == 0, history.Error);
        var lines = history.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^3\*\s.*carol\s+userName, textFields", lines[1]);
        Assert.Matches(@"^2\s.*carol\s+-", lines[2]);
        Assert.Matches(@"^1\s.*carol\s+created", lines[3]);
        Assert.Equal([3, 2, 1], json.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("user:carol", json.GetProperty("versions")[1].GetProperty("replacedBy").GetString());
        Assert.Equal(0, byUseHolder.ExitCode);
        foreach (var secret in new[] { first, second, third })
            Assert.DoesNotContain(secret, history.Output + history.Error + byUseHolder.Output + byUseHolder.Error + json);
        Assert.Equal(first + "\n", version1);
        Assert.Equal(second + "\n", version2);
        Assert.Equal(third + "\n", current);
        Assert.Equal(1, noSuchVersion.ExitCode);
        Assert.Equal(1, await vault.CountAsync(
            $"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}' AND field = 'password' AND entry_version = 1"));
    }
}
