using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Backup.Restic;

/// <summary>
/// A repository on a real sshd over SFTP, reached as Custos configures it: restic's sftp.command runs ssh with a key
/// file, BatchMode (never a prompt) and a known_hosts file that pins the server's host key.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticSftpTests : IAsyncLifetime
{
    private readonly ResticSandbox sandbox = new();
    private readonly string remoteDirectory = "custos-restic-" + Guid.NewGuid().ToString("N")[..12];
    private SshTestServer ssh = null!;

    private string RemotePath => $"/home/{ssh.KeyUser}/{remoteDirectory}";

    public async Task InitializeAsync() => ssh = await SshTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        try
        {
            await ssh.DisposeAsync();
            if (Directory.Exists(RemotePath)) Directory.Delete(RemotePath, recursive: true);
        }
        finally
        {
            sandbox.Dispose();
        }
    }

    [Fact]
    public async Task Sftp_InitBackupSnapshotsRestore_Works()
    {
        var location = await SftpLocationAsync();
        var repository = sandbox.Repository(location);
        Assert.False(await repository.ExistsAsync(CancellationToken.None));

        await repository.InitAsync(CancellationToken.None);

        Assert.True(await repository.ExistsAsync(CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(RemotePath, "config")), "the repository is not on the SFTP server");
        var source = sandbox.NewDirectory("source");
        ResticSandbox.WriteRandomFile(Path.Combine(source, "db", "custos.db"), 300_000);
        ResticSandbox.WriteRandomFile(Path.Combine(source, "blobs", "ab", "one"), 100_000);
        var summary = await repository.BackupAsync(source, "custos-test", ["custos"], null, CancellationToken.None);
        Assert.Equal(2, summary.FilesNew);
        var snapshot = Assert.Single(await repository.SnapshotsAsync("custos", CancellationToken.None));
        Assert.Equal(summary.SnapshotId, snapshot.ShortId);

        var target = Path.Combine(sandbox.Root, "restored");
        await repository.RestoreAsync(snapshot.Id, target, [], CancellationToken.None);

        Assert.Equal(ResticBackupTests.RelativeFiles(source), ResticBackupTests.RelativeFiles(target));
        foreach (var file in ResticBackupTests.RelativeFiles(source))
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(Path.Combine(target, file)));
        var again = await Assert.ThrowsAsync<ResticException>(() => repository.InitAsync(CancellationToken.None));
        Assert.Equal(ResticFailureKind.AlreadyInitialized, again.Kind);
        sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task Sftp_UnknownHostKey_IsUnreachable_NotAPrompt()
    {
        var location = await SftpLocationAsync();
        await File.WriteAllTextAsync(Path.Combine(sandbox.Root, "known_hosts"), "");

        var failure = await Assert.ThrowsAsync<ResticException>(() => sandbox.Repository(location).ExistsAsync(CancellationToken.None));

        Assert.Equal(ResticFailureKind.Unreachable, failure.Kind);
        Assert.False(Directory.Exists(RemotePath));
    }

    /// <summary>
    /// The key user's key without its passphrase (ssh in BatchMode cannot ask for one) in a 0600 file, and a known_hosts
    /// line for the server's host key on its port.
    /// </summary>
    private async Task<ResticLocation> SftpLocationAsync()
    {
        var key = Path.Combine(sandbox.Root, "id_ed25519");
        await File.WriteAllTextAsync(key, ssh.PrivateKey);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (code, output) = await SshTestServer.RunAsync(SshTestServer.SshKeygen, null, "-p", "-P", ssh.KeyPassphrase, "-N", "", "-f", key);
        Assert.True(code == 0, output);
        var knownHosts = Path.Combine(sandbox.Root, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"[{ssh.Host}]:{ssh.Port} {ssh.HostPublicKey}\n");
        var command = $"ssh -p {ssh.Port} -i {key} -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10 -o UserKnownHostsFile={knownHosts} "
            + $"-o StrictHostKeyChecking=yes {ssh.KeyUser}@{ssh.Host} -s sftp";
        return new ResticLocation($"sftp:{ssh.KeyUser}@{ssh.Host}:{RemotePath}", ["sftp.command=" + command], new Dictionary<string, string>());
    }
}
