using Custos.Tests.Infrastructure;

namespace Custos.Tests.Commands.Vault;

/// <summary>
/// `custos ssh ENTRY -- COMMAND` and the host-key verbs against a real sshd: a Use-only user runs commands with the
/// entry's password, gets the remote output and exit status, and the secret is printed nowhere.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshCliTests(VaultCliFixture f) : IClassFixture<VaultCliFixture>
{
    [Fact]
    public async Task UseOnlyUser_RunsRemoteCommand_WithExitStatus_AfterManageTrustsHostKey()
    {
        await using var ssh = await SshTestServer.StartAsync();
        var title = "web-" + Guid.NewGuid().ToString("N")[..8];
        await f.VaultOkAsync("carol", "add", "Servers", "--title", title, "--user", ssh.PasswordUser, "--url", $"ssh://{ssh.Host}:{ssh.Port}",
            "--password-file", f.WriteFile(Guid.NewGuid().ToString("N"), ssh.Password + "\n"), "--service-limitation", "Testserver", "--inherit");
        var entry = $"Servers/{title}";

        // Without a command it is an interactive session; the server refuses it the same way, with its reason.
        var noCommand = await f.SshAsync("dave", entry);
        Assert.Equal(1, noCommand.ExitCode);
        Assert.Contains(ssh.HostKeyFingerprint, noCommand.Error);
        var unconfirmed = await f.SshAsync("dave", entry, "--", "true");
        Assert.NotEqual(0, unconfirmed.ExitCode);
        Assert.Contains(ssh.HostKeyFingerprint, unconfirmed.Error);
        var shown = await f.VaultOkAsync("dave", "hostkey", entry);
        Assert.Contains("NOT confirmed", shown);
        Assert.NotEqual(0, (await f.VaultAsync("dave", "trust-hostkey", entry, ssh.HostKeyFingerprint)).ExitCode);
        await f.VaultOkAsync("carol", "trust-hostkey", entry, ssh.HostKeyFingerprint);

        var ran = await f.SshAsync("dave", entry, "--", "echo", "hallo;", "id", "-un;", "exit", "7");
        Assert.True(ran.ExitCode == 7, $"exit {ran.ExitCode}: {ran.Error}");
        Assert.Equal(["hallo", ssh.PasswordUser], ran.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // custos scp, both ways: a local file up to the target's home, and back down into a directory under its own name.
        var local = f.WriteFile($"up-{Guid.NewGuid():N}.txt", "Prüfbericht\n" + new string('z', 300_000));
        var remoteName = Path.GetFileName(local);
        var up = await f.ScpAsync("dave", local, $"{entry}:{remoteName}");
        Assert.True(up.ExitCode == 0, $"scp up: exit {up.ExitCode}: {up.Error}");
        var into = Directory.CreateTempSubdirectory("custos-scp").FullName;
        var down = await f.ScpAsync("dave", $"{entry}:{remoteName}", into);
        Assert.True(down.ExitCode == 0, $"scp down: exit {down.ExitCode}: {down.Error}");
        Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(Path.Combine(into, remoteName)));
        Assert.Single(Directory.GetFiles(into));
        var missing = await f.ScpAsync("dave", $"{entry}:no-such-{Guid.NewGuid():N}", into);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no such file", missing.Error);
        Assert.Single(Directory.GetFiles(into)); // nothing half-written beside it
        Assert.Equal(2, (await f.ScpAsync("dave", local, into)).ExitCode); // neither side remote

        foreach (var text in new[] { noCommand.Output, noCommand.Error, unconfirmed.Output, unconfirmed.Error, shown, ran.Output, ran.Error, up.Error, down.Error, missing.Error })
            Assert.DoesNotContain(ssh.Password, text);
    }
}
