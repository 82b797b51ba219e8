using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Bench;

/// <summary>
/// A real OpenSSH sshd on a free loopback port for the SSH benchmark: its own temporary directory with host key, config,
/// known_hosts and an unencrypted ed25519 client key authorised for one system user, <see cref="UserName"/> (created when
/// missing and kept afterwards: sshd only admits real accounts). Needs root. sshd logs at DEBUG1 so that the negotiated
/// ciphers can be reported. Disposing stops sshd with its per-connection children and removes the directory.
/// </summary>
internal sealed class SshBenchTarget : IAsyncDisposable
{
    public const string Sshd = "/usr/sbin/sshd";
    public const string Ssh = "/usr/bin/ssh";
    public const string SshKeygen = "/usr/bin/ssh-keygen";
    public const string UserName = "custos-bench-ssh";
    public const string Host = "127.0.0.1";

    private readonly StringBuilder log = new();
    private Process? sshd;

    private SshBenchTarget(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public string Root { get; }
    public int Port { get; }
    public string KeyPath => Path.Combine(Root, "client_key");
    public string KnownHostsPath => Path.Combine(Root, "known_hosts");
    /// <summary>The client key in OpenSSH format, for the vault entry's secret field private-key.</summary>
    public string PrivateKey { get; private set; } = "";
    /// <summary>"SHA256:" and the unpadded base64 of the host key blob's SHA-256, as ssh-keygen -lf prints it.</summary>
    public string HostKeyFingerprint { get; private set; } = "";

    /// <summary>What is missing for this benchmark, or null when it can run.</summary>
    public static string? Missing()
    {
        foreach (var program in new[] { Sshd, Ssh, SshKeygen, "/usr/sbin/useradd" })
            if (!File.Exists(program)) return $"{program} is missing: the SSH benchmark needs OpenSSH (apt-get install openssh-server openssh-client).";
        return Environment.IsPrivilegedProcess ? null : "The SSH benchmark runs sshd and creates a system user, so it needs root.";
    }

    [UnsupportedOSPlatform("windows")]
    public static async Task<SshBenchTarget> StartAsync()
    {
        await EnsureUserAsync();
        // sshd refuses to start without its privilege-separation directory, which only the package's service creates.
        Directory.CreateDirectory("/run/sshd");
        var root = Directory.CreateTempSubdirectory("custos-bench-sshd-").FullName;
        // The user's side (authorized_keys as that user, the payload file) must be able to read in here.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                                   UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var target = new SshBenchTarget(root, FreePort());
        try
        {
            await target.ConfigureAsync();
            await target.StartSshdAsync();
            return target;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The ssh options both direct clients use: only our key and known_hosts, no user or system config, no prompts, no
    /// escape character (the payload must pass untouched), TERM as Custos requests it for its pty.
    /// </summary>
    public IEnumerable<string> SshArguments(bool tty, string? command = null)
    {
        string[] common =
        [
            "-F", "/dev/null", "-i", KeyPath, "-p", Port.ToString(CultureInfo.InvariantCulture), "-e", "none",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={KnownHostsPath}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        ];
        return [.. common, tty ? "-tt" : "-T", $"{UserName}@{Host}", .. command is null ? Array.Empty<string>() : [command]];
    }

    /// <summary>
    /// A file of <paramref name="bytes"/> printable bytes (base64 of random bytes in 76-character lines, as base64(1)
    /// writes it): a raw binary stream would be rewritten by the pty's line discipline. Returns its path and line count.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    public async Task<(string Path, long Lines)> WritePayloadAsync(long bytes)
    {
        var path = Path.Combine(Root, "payload.b64");
        const int raw = 57, line = 77; // 57 bytes -> 76 base64 characters and a newline
        var chunk = new byte[line * 16384];
        var random = new byte[raw * 16384];
        long written = 0, lines = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            while (written < bytes)
            {
                RandomNumberGenerator.Fill(random);
                for (var i = 0; i < 16384; i++)
                {
                    Base64.EncodeToUtf8(random.AsSpan(i * raw, raw), chunk.AsSpan(i * line, line - 1), out _, out _);
                    chunk[i * line + line - 1] = (byte)'\n';
                }
                var take = (int)Math.Min(chunk.Length, bytes - written);
                await file.WriteAsync(chunk.AsMemory(0, take));
                written += take;
                lines += take / line;
            }
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return (path, lines);
    }

    /// <summary>CPU seconds of sshd so far: the listener and the per-connection processes it has reaped.</summary>
    public double CpuSeconds()
    {
        if (sshd is null) return 0;
        try
        {
            var text = File.ReadAllText($"/proc/{sshd.Id}/stat");
            var s = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(s[11], CultureInfo.InvariantCulture) + long.Parse(s[12], CultureInfo.InvariantCulture) +
                    long.Parse(s[13], CultureInfo.InvariantCulture) + long.Parse(s[14], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Cipher and MAC each client software negotiated (from sshd's DEBUG1 log): "SSH.NET_… -> aes128-ctr MAC hmac-sha2-256".</summary>
    public IReadOnlyDictionary<string, string> Ciphers()
    {
        var result = new Dictionary<string, string>();
        string? client = null;
        string[] lines;
        lock (log) lines = log.ToString().Split('\n');
        foreach (var line in lines)
        {
            const string software = "remote software version ";
            const string cipher = "kex: server->client cipher: ";
            var at = line.IndexOf(software, StringComparison.Ordinal);
            if (at >= 0) client = line[(at + software.Length)..].Trim();
            at = line.IndexOf(cipher, StringComparison.Ordinal);
            if (at >= 0 && client is not null) result.TryAdd(client, line[(at + cipher.Length)..].Replace("[preauth]", "").Trim());
        }
        return result;
    }

    /// <summary>Processes running as <see cref="UserName"/>: each open session holds its sshd child and its shell.</summary>
    public int UserProcesses()
    {
        var uid = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == UserName)?[2];
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var line = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (line?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == uid) count++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended meanwhile.
            }
        }
        return count;
    }

    public string LogText()
    {
        lock (log) return log.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (sshd is not null)
        {
            // The whole tree: each connection is a child sshd that would otherwise outlive the listener.
            if (!sshd.HasExited) sshd.Kill(entireProcessTree: true);
            await sshd.WaitForExitAsync();
            sshd.Dispose();
            sshd = null;
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Leaves a temporary directory behind, nothing else.
        }
    }

    private static async Task EnsureUserAsync()
    {
        var (code, output) = await RunAsync("/usr/sbin/useradd", "-m", "-s", "/bin/bash", UserName);
        // 9: the user exists (an earlier run).
        if (code is not 0 and not 9) throw new InvalidOperationException($"useradd {UserName} exited with {code}: {output}");
        // '*' matches no password but, unlike useradd's '!', does not lock the account: sshd without PAM refuses locked
        // accounts even for keys.
        (code, output) = await RunAsync("/usr/sbin/usermod", "-p", "*", UserName);
        if (code != 0) throw new InvalidOperationException($"usermod -p '*' {UserName} exited with {code}: {output}");
    }

    [UnsupportedOSPlatform("windows")]
    private async Task ConfigureAsync()
    {
        var hostKey = Path.Combine(Root, "ssh_host_ed25519_key");
        await RunCheckedAsync(SshKeygen, "-q", "-t", "ed25519", "-N", "", "-C", "custos-bench-host", "-f", hostKey);
        var hostPublic = (await File.ReadAllTextAsync(hostKey + ".pub")).Trim();
        HostKeyFingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(hostPublic.Split(' ')[1]))).TrimEnd('=');
        await File.WriteAllTextAsync(KnownHostsPath, $"[{Host}]:{Port} {hostPublic}\n");

        await RunCheckedAsync(SshKeygen, "-q", "-t", "ed25519", "-N", "", "-C", "custos-bench", "-f", KeyPath);
        PrivateKey = await File.ReadAllTextAsync(KeyPath);
        var authorized = Path.Combine(Root, "authorized_keys");
        await File.WriteAllTextAsync(authorized, await File.ReadAllTextAsync(KeyPath + ".pub"));
        File.SetUnixFileMode(authorized, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var config = Path.Combine(Root, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {Port}
            ListenAddress {Host}
            HostKey {hostKey}
            PidFile {Root}/sshd.pid
            AuthorizedKeysFile {authorized}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin no
            UsePAM no
            StrictModes no
            AllowUsers {UserName}
            PrintMotd no
            PrintLastLog no
            # The session phase opens dozens of connections in quick succession.
            MaxStartups 200
            LogLevel DEBUG1

            """);
        var (code, output) = await RunAsync(Sshd, "-t", "-f", config);
        if (code != 0) throw new InvalidOperationException($"sshd -t rejected {config} (exit {code}): {output}");
    }

    private async Task StartSshdAsync()
    {
        // The absolute path matters: sshd re-executes itself for each connection.
        var start = new ProcessStartInfo(Sshd) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-D", "-e", "-f", Path.Combine(Root, "sshd_config") }) start.ArgumentList.Add(a);
        var p = Process.Start(start) ?? throw new InvalidOperationException("sshd did not start.");
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        sshd = p;
        // Ready once a connection gets the SSH-2.0 banner: sshd serving, not merely a socket that listens.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (p.HasExited) throw new InvalidOperationException($"sshd exited with {p.ExitCode} before it was ready:\n{LogText()}");
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
                using var reader = new StreamReader(probe.GetStream(), Encoding.ASCII);
                if ((await reader.ReadLineAsync(attempt.Token))?.StartsWith("SSH-2.0-", StringComparison.Ordinal) == true) return;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // Not yet.
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"sshd on {Host}:{Port} sent no banner within 15 s:\n{LogText()}");
            await Task.Delay(50);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // A closed stdin keeps a program that would prompt from waiting forever.
        p.StandardInput.Close();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    private static async Task RunCheckedAsync(string program, params string[] args)
    {
        var (code, output) = await RunAsync(program, args);
        if (code != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {code}: {output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
