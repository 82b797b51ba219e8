using System.Runtime.Versioning;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Custos.Tests.Infrastructure;

/// <summary>The SSH fixture itself: each user gets in only the way it should, and the host key pinning it offers holds.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SshTestServerTests
{
    [Fact]
    public async Task KeyUser_EncryptedKeyAndPinnedHostKey_RunsCommand()
    {
        await using var ssh = await SshTestServer.StartAsync();
        using var key = KeyOf(ssh);
        using var client = Client(ssh, ssh.KeyUser, new PrivateKeyAuthenticationMethod(ssh.KeyUser, key), ssh.HostKeyFingerprint);
        await client.ConnectAsync(CancellationToken.None);

        Assert.Equal(ssh.KeyUser, client.RunCommand("id -un").Result.Trim());
    }

    [Fact]
    public async Task KeyUser_Password_IsRefused()
    {
        await using var ssh = await SshTestServer.StartAsync();
        using var client = Client(ssh, ssh.KeyUser, new PasswordAuthenticationMethod(ssh.KeyUser, ssh.Password), ssh.HostKeyFingerprint);
        await Assert.ThrowsAsync<SshAuthenticationException>(() => client.ConnectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PasswordUser_RightPassword_RunsCommand_WrongPasswordOrKey_IsRefused()
    {
        await using var ssh = await SshTestServer.StartAsync();
        using (var client = Client(ssh, ssh.PasswordUser, new PasswordAuthenticationMethod(ssh.PasswordUser, ssh.Password), ssh.HostKeyFingerprint))
        {
            await client.ConnectAsync(CancellationToken.None);
            Assert.Equal("ok", client.RunCommand("echo ok").Result.Trim());
        }
        using (var client = Client(ssh, ssh.PasswordUser, new PasswordAuthenticationMethod(ssh.PasswordUser, ssh.Password + "x"), ssh.HostKeyFingerprint))
            await Assert.ThrowsAsync<SshAuthenticationException>(() => client.ConnectAsync(CancellationToken.None));
        using var key = KeyOf(ssh);
        using (var client = Client(ssh, ssh.PasswordUser, new PrivateKeyAuthenticationMethod(ssh.PasswordUser, key), ssh.HostKeyFingerprint))
            await Assert.ThrowsAsync<SshAuthenticationException>(() => client.ConnectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceHostKey_ClientPinnedToOldKey_IsRefused_PinnedToNewKey_Connects()
    {
        await using var ssh = await SshTestServer.StartAsync();
        var (oldFingerprint, port) = (ssh.HostKeyFingerprint, ssh.Port);

        await ssh.ReplaceHostKeyAsync();

        Assert.NotEqual(oldFingerprint, ssh.HostKeyFingerprint);
        Assert.Equal(port, ssh.Port);
        using (var pinnedOld = Client(ssh, ssh.PasswordUser, new PasswordAuthenticationMethod(ssh.PasswordUser, ssh.Password), oldFingerprint))
            await Assert.ThrowsAsync<SshConnectionException>(() => pinnedOld.ConnectAsync(CancellationToken.None));
        using var pinnedNew = Client(ssh, ssh.PasswordUser, new PasswordAuthenticationMethod(ssh.PasswordUser, ssh.Password), ssh.HostKeyFingerprint);
        await pinnedNew.ConnectAsync(CancellationToken.None);
        Assert.True(pinnedNew.IsConnected, ssh.LogText());
    }

    [Fact]
    public async Task HostKeyFingerprint_AgreesWithSshKeygen_BeforeAndAfterReplace()
    {
        await using var ssh = await SshTestServer.StartAsync();
        Assert.Equal(await KeygenFingerprintAsync(ssh.HostPublicKey), ssh.HostKeyFingerprint);
        await ssh.ReplaceHostKeyAsync();
        Assert.Equal(await KeygenFingerprintAsync(ssh.HostPublicKey), ssh.HostKeyFingerprint);
    }

    /// <summary>The reference client, too, trusts the server through a known_hosts line and logs in with the key.</summary>
    [Fact]
    public async Task OpenSshClient_KnownHostsAndKey_LogsIn_OtherHostKey_IsRefused()
    {
        await using var ssh = await SshTestServer.StartAsync();
        var dir = Directory.CreateTempSubdirectory("custos-ssh-client-").FullName;
        try
        {
            // BatchMode cannot ask for the passphrase, so the client gets a decrypted copy of the same key.
            var keyPath = Path.Combine(dir, "id_ed25519");
            await File.WriteAllTextAsync(keyPath, ssh.PrivateKey);
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var (code, output) = await SshTestServer.RunAsync(SshTestServer.SshKeygen, null, "-p", "-q", "-P", ssh.KeyPassphrase, "-N", "", "-f", keyPath);
            Assert.True(code == 0, output);
            var knownHosts = Path.Combine(dir, "known_hosts");
            await File.WriteAllTextAsync(knownHosts, $"[{ssh.Host}]:{ssh.Port} {ssh.HostPublicKey}\n");

            (code, output) = await OpenSshAsync(ssh, keyPath, knownHosts);
            Assert.True(code == 0, $"{output}\n{ssh.LogText()}");
            Assert.Equal(ssh.KeyUser, output.Trim());

            await ssh.ReplaceHostKeyAsync();
            (code, output) = await OpenSshAsync(ssh, keyPath, knownHosts);
            Assert.Equal(255, code);
            Assert.Contains("Host key verification failed", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static PrivateKeyFile KeyOf(SshTestServer ssh) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(ssh.PrivateKey)), ssh.KeyPassphrase);

    /// <summary>A client that trusts only the host key with the given fingerprint.</summary>
    private static SshClient Client(SshTestServer ssh, string user, AuthenticationMethod method, string pinnedFingerprint)
    {
        var client = new SshClient(new ConnectionInfo(ssh.Host, ssh.Port, user, method) { Timeout = TimeSpan.FromSeconds(10) });
        // SSH.NET's FingerPrintSHA256 is already unpadded base64, only without the "SHA256:" prefix.
        client.HostKeyReceived += (_, e) => e.CanTrust = "SHA256:" + e.FingerPrintSHA256 == pinnedFingerprint;
        return client;
    }

    private static async Task<string> KeygenFingerprintAsync(string publicKeyLine)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, publicKeyLine + "\n");
            var (code, output) = await SshTestServer.RunAsync(SshTestServer.SshKeygen, null, "-lf", path);
            Assert.True(code == 0, output);
            // "256 SHA256:… comment (ED25519)"
            return output.Split(' ')[1];
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Task<(int ExitCode, string Output)> OpenSshAsync(SshTestServer ssh, string keyPath, string knownHosts) =>
        SshTestServer.RunAsync("/usr/bin/ssh", null,
            "-F", "/dev/null",
            "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none",
            "-o", $"UserKnownHostsFile={knownHosts}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "ConnectTimeout=10",
            "-i", keyPath,
            "-p", ssh.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-l", ssh.KeyUser,
            ssh.Host,
            "id -un");
}
