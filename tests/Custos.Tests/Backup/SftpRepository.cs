using System.Diagnostics;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Backup;

/// <summary>
/// What an operator sets up for an off-site SFTP target: a key without passphrase (ssh runs in batch mode) and a
/// known_hosts file with the server's key, given to restic as its sftp.command.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class SftpRepository
{
    /// <summary>restic's -o option for the test sshd's key user; <paramref name="port"/> overrides the port (an unreachable target).</summary>
    public static async Task<string> OptionAsync(SshTestServer ssh, string dir, int? port = null)
    {
        Directory.CreateDirectory(dir);
        var key = Path.Combine(dir, "id_backup");
        await File.WriteAllTextAsync(key, ssh.PrivateKey);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var keygen = Process.Start(new ProcessStartInfo(SshTestServer.SshKeygen, ["-q", "-p", "-P", ssh.KeyPassphrase, "-N", "", "-f", key])
               { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            await keygen.WaitForExitAsync();
            Assert.Equal(0, keygen.ExitCode);
        }
        var knownHosts = Path.Combine(dir, "known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"[{ssh.Host}]:{ssh.Port} {ssh.HostPublicKey}\n");
        return $"sftp.command=ssh -p {port ?? ssh.Port} -i {key} -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=5 " +
               $"-o UserKnownHostsFile={knownHosts} -o StrictHostKeyChecking=yes {ssh.KeyUser}@{ssh.Host} -s sftp";
    }

    /// <summary>restic's repository string for a path in the key user's home.</summary>
    public static string Location(SshTestServer ssh, string name) => $"sftp:{ssh.KeyUser}@{ssh.Host}:/home/{ssh.KeyUser}/{name}";
}
