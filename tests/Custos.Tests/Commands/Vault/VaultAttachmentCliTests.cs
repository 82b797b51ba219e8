using System.Text.Json;

namespace Custos.Tests.Commands.Vault;

public sealed class VaultAttachmentCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AttachListDownloadDetach_RoundTrip()
    {
        var id = await vault.AddEntryAsync("Certified", VaultCliFixture.NewSecret());
        var content = "-----BEGIN PRIVATE KEY-----\n" + VaultCliFixture.NewSecret() + "\n-----END PRIVATE KEY-----\n";
        var source = vault.WriteFile("certified-source.pem", content);

        var attached = JsonDocument.Parse(await vault.VaultOkAsync("carol", "attach", "Servers/Certified", source, "--name", "server.pem", "--json"))
            .RootElement;
        var listed = await vault.VaultOkAsync("carol", "attachments", "Servers/Certified");
        var shown = await vault.VaultOkAsync("carol", "show", "Servers/Certified");
        var target = Path.Combine(vault.WorkDirectory, "certified-download.pem");
        var saved = await vault.VaultAsync("carol", "get", "Servers/Certified", "--attachment", "server.pem", "--output", target);

        Assert.Equal("server.pem", attached.GetProperty("name").GetString());
        Assert.Contains("server.pem", listed);
        Assert.Contains(attached.GetProperty("id").GetString()!, listed);
        Assert.Contains("server.pem", shown);
        Assert.DoesNotContain(content, listed + shown);
        Assert.True(saved.ExitCode == 0, saved.Error);
        Assert.DoesNotContain(content, saved.Output + saved.Error);
        Assert.Equal(content, await File.ReadAllTextAsync(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Equal(1, await vault.CountAsync(
            $"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}' AND field = 'attachment:server.pem' AND client = 'cli'"));

        await vault.VaultOkAsync("carol", "detach", "Servers/Certified", "server.pem");
        var afterDetach = await vault.VaultAsync("carol", "attachments", "Servers/Certified");
        var gone = await vault.VaultAsync("carol", "get", "Servers/Certified", "--attachment", "server.pem", "--output", target, "--force");

        Assert.Equal(0, afterDetach.ExitCode);
        Assert.DoesNotContain("server.pem", afterDetach.Output);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("server.pem", gone.Error);
    }

    [Fact]
    public async Task Download_RefusesToOverwrite_UnlessForced()
    {
        var id = await vault.AddEntryAsync("Overwritten", VaultCliFixture.NewSecret());
        var content = VaultCliFixture.NewSecret();
        await vault.VaultOkAsync("carol", "attach", "Servers/Overwritten", vault.WriteFile("recovery.txt", content));
        var target = vault.WriteFile("overwritten-target.txt", "keep me");

        var refused = await vault.VaultAsync("carol", "get", "Servers/Overwritten", "--attachment", "recovery.txt", "--output", target);
        var kept = await File.ReadAllTextAsync(target);
        var revealsAfterRefusal = await vault.CountAsync($"SELECT COUNT(*) FROM vault_reveals WHERE lower(entry_id) = '{id}'");
        await vault.VaultOkAsync("carol", "get", "Servers/Overwritten", "--attachment", "recovery.txt", "--output", target, "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Error);
        Assert.Equal("keep me", kept);
        Assert.Equal(0, revealsAfterRefusal);
        Assert.Equal(content, await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task Download_ByAUseHolder_IsRefused_AndWritesNothing()
    {
        var content = VaultCliFixture.NewSecret();
        await vault.AddEntryAsync("UseOnlyAttachment", VaultCliFixture.NewSecret());
        await vault.VaultOkAsync("carol", "attach", "Servers/UseOnlyAttachment", vault.WriteFile("useonly.txt", content));
        var target = Path.Combine(vault.WorkDirectory, "useonly-download.txt");

        var listed = await vault.VaultOkAsync("dave", "attachments", "Servers/UseOnlyAttachment");
        var refused = await vault.VaultAsync("dave", "get", "Servers/UseOnlyAttachment", "--attachment", "useonly.txt", "--output", target);
        var attach = await vault.VaultAsync("dave", "attach", "Servers/UseOnlyAttachment", vault.WriteFile("dave.txt", "x"));
        var detach = await vault.VaultAsync("dave", "detach", "Servers/UseOnlyAttachment", "useonly.txt");

        Assert.Contains("useonly.txt", listed);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("right", refused.Error);
        Assert.DoesNotContain(content, refused.Output + refused.Error);
        Assert.False(File.Exists(target));
        Assert.Equal(1, attach.ExitCode);
        Assert.Equal(1, detach.ExitCode);
        Assert.Contains("useonly.txt", await vault.VaultOkAsync("carol", "attachments", "Servers/UseOnlyAttachment"));
    }

    [Fact]
    public async Task AttachmentOptions_AreCheckedBeforeAnyRequest()
    {
        var noOutput = await vault.VaultAsync("carol", "get", "Servers/X", "--attachment", "a.txt");
        var withReveal = await vault.VaultAsync("carol", "get", "Servers/X", "--attachment", "a.txt", "--output", "a.txt", "--reveal");
        var outputAlone = await vault.VaultAsync("carol", "get", "Servers/X", "--reveal", "--output", "a.txt");

        Assert.All([noOutput, withReveal, outputAlone], r => Assert.Equal(2, r.ExitCode));
    }
}
