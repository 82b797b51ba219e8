using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Tests.Infrastructure;

/// <summary>
/// A real OpenSSH sshd on a free loopback port, so SSH features are tested against the reference server rather than a
/// stand-in. Each instance has its own directory, host key and client key; the two system users it admits are shared by
/// the whole test process (they are real accounts, and sshd only knows real accounts): <see cref="PasswordUser"/> logs in
/// with <see cref="Password"/> only, <see cref="KeyUser"/> with <see cref="PrivateKey"/> only. Needs root, to create
/// those users and to run sshd.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SshTestServer : IAsyncDisposable
{
    public const string Sshd = "/usr/sbin/sshd";
    public const string SshKeygen = "/usr/bin/ssh-keygen";
    // The password user is this process's own: test processes side by side would otherwise set each other's password
    // (and lock each other's clients out). The key user needs no secret of its own: each server authorises its own key.
    private const string PasswordUserPrefix = "custos-pw-";
    private static readonly string PasswordUserName = PasswordUserPrefix + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private const string KeyUserName = "custos-ssh-key";
    private const UnixFileMode EveryoneReads = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // One password per process, not per server: servers running in parallel in this process share the system user, and
    // setting a fresh password for each would lock the other servers' clients out.
    private static readonly string ProcessPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private static readonly SemaphoreSlim UsersGate = new(1, 1);
    private static bool usersReady;

    private readonly string root;
    private readonly StringBuilder log = new();
    private Process? process;

    private SshTestServer(string root, int port)
    {
        this.root = root;
        Port = port;
        KeyPassphrase = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    public string PasswordUser => PasswordUserName;
    public string Password => ProcessPassword;
    public string KeyUser => KeyUserName;
    /// <summary>OpenSSH-format ed25519 private key, encrypted with <see cref="KeyPassphrase"/>; authorised for <see cref="KeyUser"/> only.</summary>
    public string PrivateKey { get; private set; } = "";
    public string KeyPassphrase { get; }
    /// <summary>"SHA256:" and the unpadded base64 of the host key blob's SHA-256, as <c>ssh-keygen -lf</c> and <c>ssh</c> print it.</summary>
    public string HostKeyFingerprint { get; private set; } = "";
    /// <summary>The host key's .pub line ("ssh-ed25519 AAAA… comment"), for a known_hosts file.</summary>
    public string HostPublicKey { get; private set; } = "";

    private string HostKeyPath => Path.Combine(root, "ssh_host_ed25519_key");
    private string ConfigPath => Path.Combine(root, "sshd_config");

    public static async Task<SshTestServer> StartAsync()
    {
        if (!File.Exists(Sshd) || !File.Exists(SshKeygen))
            throw new InvalidOperationException($"{Sshd} or {SshKeygen} is missing: ./test.sh installs Debian's openssh-server package (the SSH tests need a real sshd).");
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException("The SSH tests run sshd and create system users, so they need root: run them as ./test.sh does, as root (./test.sh installs openssh-server).");
        await EnsureUsersAsync();
        // sshd refuses to start without its privilege-separation directory, which only the package's service creates.
        Directory.CreateDirectory("/run/sshd");

        var root = Directory.CreateTempSubdirectory("custos-sshd-").FullName;
        var server = new SshTestServer(root, FreePort.Next());
        try
        {
            // sshd reads authorized_keys as the logging-in user, so the directory must be traversable by everyone.
            File.SetUnixFileMode(root, EveryoneReads | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            await server.WriteHostKeyAsync();
            await server.WriteClientKeyAsync();
            await server.WriteConfigAsync();
            await server.StartSshdAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops sshd, gives it a new host key and starts it again on the same port, as a re-installed server would look.</summary>
    public async Task ReplaceHostKeyAsync()
    {
        await StopAsync();
        lock (log) log.AppendLine("--- host key replaced, sshd restarted ---");
        File.Delete(HostKeyPath);
        File.Delete(HostKeyPath + ".pub");
        await WriteHostKeyAsync();
        await StartSshdAsync();
    }

    public string LogText()
    {
        lock (log) return log.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>"SHA256:" + unpadded base64 of the SHA-256 of the key blob, the blob being the base64 second field of a .pub line.</summary>
    public static string FingerprintOf(string publicKeyLine)
    {
        var blob = Convert.FromBase64String(publicKeyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }

    /// <summary>Runs a program to completion; returns its exit code and stdout followed by stderr.</summary>
    internal static async Task<(int ExitCode, string Output)> RunAsync(string program, string? input, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // Closing stdin even without input keeps a program that would prompt (ssh-keygen, ssh) from waiting forever.
        if (input is not null) await p.StandardInput.WriteAsync(input);
        p.StandardInput.Close();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    private static async Task<string> RunCheckedAsync(string program, string? input, params string[] args)
    {
        var (code, output) = await RunAsync(program, input, args);
        if (code != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {code}:\n{output}");
        return output;
    }

    /// <summary>Creates the two users once per process and sets the password user's password.</summary>
    private static async Task EnsureUsersAsync()
    {
        await UsersGate.WaitAsync();
        try
        {
            if (usersReady) return;
            await RemoveStalePasswordUsersAsync();
            foreach (var user in new[] { PasswordUserName, KeyUserName })
            {
                var (code, output) = await RunAsync("/usr/sbin/useradd", null, "-m", "-s", "/bin/bash", user);
                // 9: the user exists already (an earlier run, or another test process that got there first).
                if (code is not 0 and not 9) throw new InvalidOperationException($"useradd {user} exited with {code}:\n{output}");
            }
            await RunCheckedAsync("/usr/sbin/chpasswd", $"{PasswordUserName}:{ProcessPassword}\n");
            // '*' matches no password but, unlike useradd's "!", does not mark the account locked: sshd without PAM refuses
            // every method, keys included, for a locked account. (passwd -d would allow an empty password instead.)
            await RunCheckedAsync("/usr/sbin/usermod", null, "-p", "*", KeyUserName);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveUser(PasswordUserName);
            usersReady = true;
        }
        finally
        {
            UsersGate.Release();
        }
    }

    /// <summary>Password users of test processes that are gone (killed before they could remove their own).</summary>
    private static async Task RemoveStalePasswordUsersAsync()
    {
        foreach (var line in await File.ReadAllLinesAsync("/etc/passwd"))
        {
            var name = line.Split(':')[0];
            if (name.StartsWith(PasswordUserPrefix, StringComparison.Ordinal) && int.TryParse(name[PasswordUserPrefix.Length..], out var pid) &&
                pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                RemoveUser(name);
        }
    }

    /// <summary>userdel -r, best effort (at exit, or for a stale user): a left-over account only costs a line in /etc/passwd.</summary>
    private static void RemoveUser(string name)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/sbin/userdel", ["-r", name]) { RedirectStandardOutput = true, RedirectStandardError = true });
            p?.WaitForExit(10_000);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Gone already, or no userdel: nothing to do.
        }
    }

    private async Task WriteHostKeyAsync()
    {
        await RunCheckedAsync(SshKeygen, null, "-q", "-t", "ed25519", "-N", "", "-C", "custos-test-host", "-f", HostKeyPath);
        HostPublicKey = (await File.ReadAllTextAsync(HostKeyPath + ".pub")).Trim();
        HostKeyFingerprint = FingerprintOf(HostPublicKey);
    }

    private async Task WriteClientKeyAsync()
    {
        var keyPath = Path.Combine(root, "client_key");
        await RunCheckedAsync(SshKeygen, null, "-q", "-t", "ed25519", "-N", KeyPassphrase, "-C", "custos-test", "-f", keyPath);
        PrivateKey = await File.ReadAllTextAsync(keyPath);
        // Only the key user gets the key; the password user has no authorized_keys file at all.
        var authorized = Path.Combine(root, $"authorized_keys_{KeyUserName}");
        await File.WriteAllTextAsync(authorized, await File.ReadAllTextAsync(keyPath + ".pub"));
        File.SetUnixFileMode(authorized, EveryoneReads | UnixFileMode.UserWrite);
    }

    private async Task WriteConfigAsync()
    {
        await File.WriteAllTextAsync(ConfigPath, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {HostKeyPath}
            PidFile {root}/sshd.pid
            AuthorizedKeysFile {root}/authorized_keys_%u
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin no
            UsePAM no
            StrictModes no
            AllowUsers {PasswordUserName} {KeyUserName}
            Subsystem sftp internal-sftp
            # Tests in parallel may open many connections at once; the default 10 unauthenticated ones would drop some.
            MaxStartups 100

            """);
        // OpenSSH 9.8+ penalises a source address after failed logins, which would refuse tests after a wrong-password
        // test; older versions reject the option, so it is only added where sshd accepts it.
        var (code, _) = await RunAsync(Sshd, null, "-t", "-f", ConfigPath, "-o", "PerSourcePenalties=no");
        if (code == 0) await File.AppendAllTextAsync(ConfigPath, "PerSourcePenalties no\n");
    }

    private async Task StartSshdAsync()
    {
        var (code, output) = await RunAsync(Sshd, null, "-t", "-f", ConfigPath);
        if (code != 0) throw new InvalidOperationException($"sshd -t rejected {ConfigPath} (exit {code}):\n{output}");
        // The absolute path matters: sshd re-executes itself for each connection and refuses to run from a relative one.
        var start = new ProcessStartInfo(Sshd) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-D", "-e", "-f", ConfigPath }) start.ArgumentList.Add(a);
        var p = Process.Start(start) ?? throw new InvalidOperationException("sshd did not start.");
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        await WaitUntilReadyAsync(p);
    }

    /// <summary>Ready once a connection gets the SSH-2.0 banner: that is sshd serving, not merely a socket that listens.</summary>
    private async Task WaitUntilReadyAsync(Process p)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? last = null;
        while (true)
        {
            if (p.HasExited)
                throw new InvalidOperationException($"sshd exited with code {p.ExitCode} before it was ready:\n{LogText()}");
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
                using var reader = new StreamReader(probe.GetStream(), Encoding.ASCII);
                last = await reader.ReadLineAsync(attempt.Token);
                if (last?.StartsWith("SSH-2.0-", StringComparison.Ordinal) == true) return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"sshd on 127.0.0.1:{Port} sent no SSH-2.0 banner within 15 s (last: {last}):\n{LogText()}");
            await Task.Delay(50);
        }
    }

    private async Task StopAsync()
    {
        if (process is null) return;
        // The whole tree: each connection is a child sshd that would otherwise outlive the listener.
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        process = null;
    }
}
