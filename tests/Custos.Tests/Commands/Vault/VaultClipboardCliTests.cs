namespace Custos.Tests.Commands.Vault;

/// <summary>
/// `get --copy` against a real clipboard process: a shell script that logs what it receives on standard input. The
/// clipboard commands are environment variables, so only the tests of this class (run one after another) set them.
/// </summary>
public sealed class VaultClipboardCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    [Fact]
    public async Task Copy_PutsTheSecretOnTheClipboard_AndClearsIt()
    {
        var secret = VaultCliFixture.NewSecret();
        var id = await vault.AddEntryAsync("Copied", secret);
        var (log, current) = Files("copied");

        var result = await WithClipboardAsync(Script(log, current), $"cat '{current}'",
            () => vault.VaultAsync("carol", "get", "Servers/Copied", "--copy", "--clear-after", "1"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal([$"[{secret}]", "[]"], await File.ReadAllLinesAsync(log));
        Assert.DoesNotContain(secret, result.Output + result.Error);
        Assert.Contains("Clipboard cleared", result.Error);
        Assert.Equal(1, await vault.CountAsync($"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}' AND client = 'cli'"));
    }

    [Fact]
    public async Task Copy_WithoutReadBack_ClearsAnyway()
    {
        var secret = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("CopiedBlind", secret);
        var (log, current) = Files("blind");

        var result = await WithClipboardAsync(Script(log, current), null,
            () => vault.VaultAsync("carol", "get", "Servers/CopiedBlind", "--copy", "--clear-after", "1"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal([$"[{secret}]", "[]"], await File.ReadAllLinesAsync(log));
    }

    [Fact]
    public async Task Copy_LeavesAClipboardAlone_ThatHoldsSomethingNewByNow()
    {
        var secret = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("CopiedOver", secret);
        var (log, current) = Files("over");

        var result = await WithClipboardAsync(Script(log, current), "printf 'something the user copied later'",
            () => vault.VaultAsync("carol", "get", "Servers/CopiedOver", "--copy", "--clear-after", "1"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal([$"[{secret}]"], await File.ReadAllLinesAsync(log));
        Assert.Contains("something else", result.Error);
    }

    [Fact]
    public async Task Copy_FailingClipboardTool_ExitsOneWithoutPrintingTheSecret()
    {
        var secret = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("CopyFails", secret);

        var result = await WithClipboardAsync("cat > /dev/null; exit 3", null,
            () => vault.VaultAsync("carol", "get", "Servers/CopyFails", "--copy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("clipboard", result.Error);
        Assert.DoesNotContain(secret, result.Output + result.Error);
    }

    private (string Log, string Current) Files(string name) =>
        (Path.Combine(vault.WorkDirectory, name + ".clipboard.log"), Path.Combine(vault.WorkDirectory, name + ".clipboard"));

    /// <summary>A clipboard that logs each value it is given and keeps the last one, as the read-back command sees it.</summary>
    private string Script(string log, string current) =>
        "sh '" + vault.WriteFile(Path.GetFileName(log) + ".sh", $"value=$(cat)\nprintf '[%s]\\n' \"$value\" >> '{log}'\nprintf '%s' \"$value\" > '{current}'\n") + "'";

    private static async Task<T> WithClipboardAsync<T>(string copy, string? read, Func<Task<T>> action)
    {
        Environment.SetEnvironmentVariable("CUSTOS_CLIPBOARD_COMMAND", copy);
        Environment.SetEnvironmentVariable("CUSTOS_CLIPBOARD_READ_COMMAND", read);
        try
        {
            return await action();
        }
        finally
        {
            Environment.SetEnvironmentVariable("CUSTOS_CLIPBOARD_COMMAND", null);
            Environment.SetEnvironmentVariable("CUSTOS_CLIPBOARD_READ_COMMAND", null);
        }
    }
}
