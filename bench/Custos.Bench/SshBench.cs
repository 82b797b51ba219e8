using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Custos.Core.SecureUse;
using Custos.Storage;
using Custos.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// Secure use over SSH against a real OpenSSH sshd on loopback (issue: SSH benchmarks). The vault entry carries the
/// target's key; a Use-only user opens the session. (1) Keystroke round trip: one byte into a remote `cat` in raw mode
/// and back, through Custos's WebSocket shell (the browser path) and through OpenSSH's own client (`ssh -tt`, same key,
/// same sshd), interleaved in blocks so both see the same machine. (2) Throughput: `cat` of a printable file through the
/// browser path, the CLI (`custos ssh ENTRY` with piped stdin, where this build has it), ssh -tt and ssh without pty.
/// (3) N concurrent idle WebSocket shells: memory and threads of this process per session, then all closed again.
/// Client and server share this process and its cores. MB = 10^6 bytes.
/// </summary>
internal static class SshBench
{
    private const string Term = "xterm-256color";
    private const string Ready = "READY";
    // The quotes keep the echoed command line from containing the marker; only echo's output does.
    private const string EchoReady = "echo RE''ADY\n";
    private const string RawCat = "stty raw -echo; echo RE''ADY; exec cat\n";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private sealed record Latencies(double[] Sorted)
    {
        public double P(double q) => Sorted.Length == 0 ? double.NaN : Sorted[Math.Clamp((int)Math.Ceiling(q * Sorted.Length) - 1, 0, Sorted.Length - 1)];
        public double Max => Sorted.Length == 0 ? double.NaN : Sorted[^1];
        public string Line => string.Create(CultureInfo.InvariantCulture, $"p50 {P(0.5),6:F3}  p95 {P(0.95),6:F3}  p99 {P(0.99),6:F3}  max {Max,7:F3} ms");
    }

    private sealed record Transfer(string Name, long Payload, long Received, double Seconds, double ConnectMs, double SelfCpu, double ClientCpu, double SshdCpu)
    {
        public double MBps => Payload / Seconds / 1e6;
    }

    /// <summary>What the benchmark needs to reach the target through Custos.</summary>
    private sealed record Fixture(Uri Server, Guid Tenant, Guid Entry, string UseToken, byte[] Certificate, string CertificateFile)
    {
        public async Task<WsTerminal> OpenShellAsync(int cols = 120, int rows = 40)
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", $"Bearer {UseToken}");
            var pinned = Certificate;
            socket.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(pinned);
            socket.Options.CollectHttpResponseDetails = true;
            var url = new UriBuilder(Server)
            {
                Scheme = "wss", Path = $"/api/v1/tenants/{Tenant}/vault/entries/{Entry}/ssh/shell", Query = $"cols={cols}&rows={rows}",
            };
            try
            {
                await socket.ConnectAsync(url.Uri, CancellationToken.None);
            }
            catch (WebSocketException e)
            {
                socket.Dispose();
                throw new InvalidOperationException($"The shell WebSocket was refused ({(int)socket.HttpStatusCode}): {e.Message}", e);
            }
            return new WsTerminal(socket);
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("The SSH benchmark runs on Linux (sshd, /proc).");
            return 1;
        }
        return await RunOnLinuxAsync(args);
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> RunOnLinuxAsync(string[] args)
    {
        var keystrokes = 1000;
        var sizeMib = 100;
        var sessions = 50;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--keystrokes" when i + 1 < args.Length: keystrokes = Math.Max(10, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--size-mib" when i + 1 < args.Length: sizeMib = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--sessions" when i + 1 < args.Length: sessions = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                default:
                    Console.Error.WriteLine("Options: --keystrokes <n> (default 1000) --size-mib <n> (default 100) --sessions <n> (default 50)");
                    return 2;
            }
        }
        if (SshBenchTarget.Missing() is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 1;
        }

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Load.Average()} (1/5/15 min); .NET {Environment.Version}");
        Console.WriteLine($"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}" +
                          (GCSettings.IsServerGC ? "" : " (the server runs with server GC; set DOTNET_gcServer=1 to match)"));
        Console.WriteLine("Client and server share this process and these cores: Custos's figures include the WebSocket client's work.");
        Console.WriteLine($"OpenSSH: {await VersionOfSshAsync()}; Custos's SSH client: SSH.NET {typeof(Renci.SshNet.SshClient).Assembly.GetName().Version}");
        var core = typeof(SshShells).Assembly;
        Console.WriteLine($"Code measured: Custos.Core.dll built {File.GetLastWriteTimeUtc(core.Location):yyyy-MM-dd HH:mm:ss} UTC, MVID {core.ManifestModule.ModuleVersionId}");

        await using var target = await SshBenchTarget.StartAsync();
        var payloadBytes = sizeMib * 1024L * 1024;
        var (payload, payloadLines) = await target.WritePayloadAsync(payloadBytes);
        Console.WriteLine($"Target: sshd on {SshBenchTarget.Host}:{target.Port} as {SshBenchTarget.UserName} (ed25519 key), payload {payload} " +
                          $"({sizeMib} MiB of base64 in {payloadLines:N0} lines)");

        await using var server = await BenchServer.StartAsync(null);
        var fixture = await SetUpAsync(server, target);
        Console.WriteLine($"Set up: tenant, owner with Manage, a Use-only user in group helpdesk with a token, SSH entry {fixture.Entry} " +
                          $"(key in secret field private-key, host-key {target.HostKeyFingerprint}). Load average {Load.Average()}");

        var (viaCustos, viaSsh) = await KeystrokeLatencyAsync(fixture, target, keystrokes);
        var transfers = await ThroughputAsync(fixture, target, payload, payloadBytes);
        var memory = await SessionsAsync(fixture, server, target, sessions, keystrokes);

        Console.WriteLine();
        Console.WriteLine("Ciphers negotiated (sshd's log):");
        foreach (var (client, cipher) in target.Ciphers()) Console.WriteLine($"  {client}: {cipher}");

        var added = viaCustos.P(0.99) - viaSsh.P(0.99);
        Console.WriteLine();
        Console.WriteLine($"=== Summary (load average {Load.Average()}; {Environment.ProcessorCount} cores, client and server in one process) ===");
        Console.WriteLine($"Keystroke round trip, {keystrokes} each, interleaved (1 byte into a raw-mode remote cat and back):");
        Console.WriteLine($"  direct ssh -tt              {viaSsh.Line}");
        Console.WriteLine($"  Custos WebSocket (browser)  {viaCustos.Line}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  added by Custos: p50 {viaCustos.P(0.5) - viaSsh.P(0.5):+0.000;-0.000} ms, p99 {added:+0.000;-0.000} ms — target < 5 ms at p99: {(added < 5 ? "met" : "MISSED")}"));
        Console.WriteLine($"Throughput, cat of {sizeMib} MiB (base64 text), MB/s of payload:");
        var ptyReference = transfers.FirstOrDefault(t => t?.Name.StartsWith("ssh -tt", StringComparison.Ordinal) == true);
        foreach (var t in transfers.OfType<Transfer>())
        {
            var share = ptyReference is null || t == ptyReference || t.Name.StartsWith("ssh", StringComparison.Ordinal) ? "" : $" ({t.MBps / ptyReference.MBps:P0} of ssh -tt)";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.Name,-28}{t.MBps,8:F1} MB/s{share}"));
        }
        if (transfers.All(t => t?.Name.StartsWith("Custos CLI", StringComparison.Ordinal) != true)) Console.WriteLine("  Custos CLI                  not available in this build");
        Console.WriteLine(memory);
        return 0;
    }

    /// <summary>
    /// Tenant "Bench": the owner (group ops, Manage on the vault root) creates folder and entry; "operator" (group
    /// helpdesk, Use only on the vault root) gets the token every session is opened with.
    /// </summary>
    private static async Task<Fixture> SetUpAsync(BenchServer server, SshBenchTarget target)
    {
        var (tenant, _) = await server.VaultOwnerAsync("owner", "Bench");
        var ownerToken = await server.TokenAsync("owner", "vault:read", "vault:write");
        var passwordFile = Path.Combine(target.Root, "operator.pw");
        await File.WriteAllTextAsync(passwordFile, BenchServer.UserPassword);
        await server.CliAsync("user", "add", "operator", "--password-file", passwordFile);
        File.Delete(passwordFile);
        await server.CliAsync("group", "add", "helpdesk");
        await server.CliAsync("group", "add-member", "helpdesk", "operator");
        await server.CliAsync("tenant", "grant", "Bench", "helpdesk");
        await server.CliAsync("tenant", "vault-grant", "Bench", "helpdesk", "--rights", "use");
        var useToken = await server.TokenAsync("operator", "vault:read", "vault:write");

        var api = $"api/v1/tenants/{tenant.Value}/vault";
        using var http = server.NewClient(2);
        var folder = await PostAsync(http, ownerToken, $"{api}/folders", new { name = "Servers", permissions = Array.Empty<object>() });
        var entry = await PostAsync(http, ownerToken, $"{api}/entries", new
        {
            folderId = folder.GetProperty("id").GetGuid(), title = "bench-ssh", userName = SshBenchTarget.UserName,
            password = $"Zq7!bench-{Guid.NewGuid():N}", permissions = Array.Empty<object>(),
            // A generated password may not meet the folder policy for general use; this limits the entry to a test server.
            serviceLimitation = "Testserver", urls = new[] { $"ssh://{SshBenchTarget.Host}:{target.Port}" },
            fields = new object[]
            {
                new { name = SshTarget.PrivateKeyField, value = target.PrivateKey, secret = true },
                new { name = SshTarget.HostKeyField, value = target.HostKeyFingerprint, secret = false },
            },
        });
        var entryId = entry.GetProperty("entry").GetProperty("id").GetGuid();

        // The Use-only user can run a command with it: the setup works before anything is timed.
        var ran = await PostAsync(http, useToken, $"{api}/entries/{entryId}/ssh/exec", new { command = "id -un" });
        if (ran.GetProperty("output").GetString()?.Trim() != SshBenchTarget.UserName)
            throw new InvalidOperationException($"ssh/exec as the Use-only user answered {ran}");

        var certificateFile = Path.Combine(server.Host.Services.GetRequiredService<DataDirectory>().TlsDirectory, "cert.pem");
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificateFile));
        return new Fixture(server.BaseAddress, tenant.Value, entryId, useToken, certificate.RawData, certificateFile);
    }

    // --- (1) keystroke round trip ---

    private static async Task<(Latencies Custos, Latencies Ssh)> KeystrokeLatencyAsync(Fixture fixture, SshBenchTarget target, int keystrokes)
    {
        Console.WriteLine();
        Console.WriteLine($"Keystroke round trip: {keystrokes} single bytes each way, sequential, after a warm-up; blocks of {Math.Max(1, keystrokes / 10)} alternate " +
                          "between the two paths.");
        await using var ws = await fixture.OpenShellAsync();
        await using var ssh = ProcessTerminal.Start(SshBenchTarget.Ssh, target.SshArguments(tty: true));
        foreach (var t in new Terminal[] { ws, ssh })
        {
            await t.SendAsync(RawCat);
            if (!await t.WaitForAsync(Ready, ReadyTimeout)) throw new InvalidOperationException($"No raw-mode cat on the {t.Name} path; it printed: {t.Seen}");
        }

        // Warm-up until the JIT has settled: tier-1 recompilation on a background thread would otherwise land in the
        // measured blocks (it affects both paths, as both clients run here, but Custos's server more).
        var clock = Stopwatch.StartNew();
        var key = 0;
        long compiled;
        var rounds = 0;
        do
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            await KeystrokesAsync(ws, 100, key);
            await KeystrokesAsync(ssh, 100, key);
            key += 100;
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - before;
            rounds++;
        }
        while ((rounds < 3 || compiled >= 5) && clock.Elapsed < TimeSpan.FromSeconds(60));
        Console.WriteLine($"  warm-up: {rounds * 100} keystrokes per path in {clock.Elapsed.TotalSeconds:F1} s (last round compiled {compiled} methods)");

        var custos = new List<double>(keystrokes);
        var direct = new List<double>(keystrokes);
        var block = Math.Max(1, keystrokes / 10);
        for (var done = 0; done < keystrokes; done += block)
        {
            var n = Math.Min(block, keystrokes - done);
            var wsFirst = done / block % 2 == 0;
            if (wsFirst) custos.AddRange(await KeystrokesAsync(ws, n, key));
            direct.AddRange(await KeystrokesAsync(ssh, n, key));
            if (!wsFirst) custos.AddRange(await KeystrokesAsync(ws, n, key));
            key += n;
        }
        var result = (new Latencies([.. custos.Order()]), new Latencies([.. direct.Order()]));
        Console.WriteLine($"  direct ssh -tt              {result.Item2.Line}");
        Console.WriteLine($"  Custos WebSocket (browser)  {result.Item1.Line}   (load {Load.Average()})");
        return result;
    }

    /// <summary>Sends distinct bytes one at a time and times each until its echo is back.</summary>
    private static async Task<double[]> KeystrokesAsync(Terminal terminal, int count, int offset)
    {
        var buffer = new byte[4096];
        var one = new byte[1];
        var latencies = new double[count];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60 + count));
        for (var i = 0; i < count; i++)
        {
            var key = (byte)('a' + (offset + i) % 26);
            one[0] = key;
            var start = Stopwatch.GetTimestamp();
            await terminal.SendAsync(one, limit.Token);
            while (true)
            {
                var n = await terminal.ReceiveAsync(buffer, limit.Token);
                if (n == 0) throw new InvalidOperationException($"The {terminal.Name} path closed during the keystroke test.");
                // Only the echo comes back in raw mode; anything else is the tail of the READY line.
                if (buffer.AsSpan(0, n).IndexOf(key) >= 0) break;
            }
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return latencies;
    }

    // --- (2) throughput ---

    private static async Task<List<Transfer?>> ThroughputAsync(Fixture fixture, SshBenchTarget target, string payload, long payloadBytes)
    {
        Console.WriteLine();
        Console.WriteLine($"Throughput: cat of the {payloadBytes >> 20} MiB payload, timed from the command to the end of the session (login before it is not " +
                          "timed; a pty adds a CR per line). CPU: this process from the command on; the client process (ssh or CLI) from the command on; " +
                          "sshd including the login.");
        var cat = $"cat {payload}; exit\n";
        // An untimed smaller transfer first, so the browser path's bulk code is compiled before it is measured.
        await using (var warm = await fixture.OpenShellAsync())
        {
            await warm.SendAsync(EchoReady);
            await warm.WaitForAsync(Ready, ReadyTimeout);
            await warm.SendAsync($"head -c {Math.Min(payloadBytes, 16L << 20)} {payload}; exit\n");
            var buffer = new byte[64 * 1024];
            while (await warm.ReceiveAsync(buffer) > 0)
            {
            }
        }

        var results = new List<Transfer?>
        {
            await TransferAsync("ssh -T (no pty)", () => Task.FromResult<Terminal>(ProcessTerminal.Start(SshBenchTarget.Ssh,
                target.SshArguments(tty: false, $"echo {Ready}; read go; exec cat {payload}"))), null, "\n", payloadBytes, target),
            await TransferAsync("ssh -tt (pty)", () => Task.FromResult<Terminal>(ProcessTerminal.Start(SshBenchTarget.Ssh, target.SshArguments(tty: true))),
                EchoReady, cat, payloadBytes, target),
            await TransferAsync("Custos WebSocket (browser)", async () => await fixture.OpenShellAsync(), EchoReady, cat, payloadBytes, target),
        };

        // The CLI path: `custos ssh ENTRY` with stdin piped, where this build has an interactive mode.
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var cliDll = typeof(CustosHost).Assembly.Location;
        string[] cliArgs =
        [
            cliDll, "ssh", fixture.Entry.ToString(), "--server", fixture.Server.ToString().TrimEnd('/'), "--ca-cert", fixture.CertificateFile,
            "--tenant", fixture.Tenant.ToString(),
        ];
        var environment = new Dictionary<string, string> { ["CUSTOS_TOKEN"] = fixture.UseToken };
        ProcessTerminal? lastCli = null;
        var cli = await TransferAsync("Custos CLI (custos ssh)", () => Task.FromResult<Terminal>(lastCli = ProcessTerminal.Start(dotnet, cliArgs, environment)),
            EchoReady, cat, payloadBytes, target, quietFailure: true);
        if (cli is null)
        {
            var why = lastCli?.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
            if (why.Length == 0) why = lastCli?.Seen.Trim() ?? "";
            Console.WriteLine($"  CLI path: not available in this build (custos ssh ENTRY with piped stdin: exit {lastCli?.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}" +
                              $"{(why.Length == 0 ? "" : ": " + why[..Math.Min(why.Length, 200)])})");
        }
        results.Add(cli);
        return results;
    }

    /// <summary>
    /// Opens a session, sends <paramref name="ready"/> (if any) and waits for the marker, then times <paramref name="go"/>
    /// until the session ends, counting what arrives. Null when the session never became ready.
    /// </summary>
    private static async Task<Transfer?> TransferAsync(string name, Func<Task<Terminal>> open, string? ready, string go, long payloadBytes, SshBenchTarget target,
        bool quietFailure = false)
    {
        var sshdBefore = target.CpuSeconds();
        var childrenBefore = ChildrenCpu();
        var connect = Stopwatch.StartNew();
        await using var terminal = await open();
        if (ready is not null)
        {
            try
            {
                await terminal.SendAsync(ready);
            }
            catch (IOException)
            {
                // The process is gone already (no such command); WaitForAsync sees the end.
            }
        }
        if (!await terminal.WaitForAsync(Ready, ReadyTimeout))
        {
            await terminal.FinishAsync(TimeSpan.FromSeconds(10));
            if (!quietFailure) Console.WriteLine($"  {name}: never ready; it printed: {terminal.Seen} {terminal.Errors}");
            return null;
        }
        var connectMs = connect.Elapsed.TotalMilliseconds;
        var clientAtGo = terminal.ProcessCpu();
        var selfBefore = ProcessCpu.Self();
        var buffer = new byte[64 * 1024];
        long received = 0;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120 + payloadBytes / 1_000_000));
        var start = Stopwatch.GetTimestamp();
        await terminal.SendAsync(go);
        try
        {
            int n;
            while ((n = await terminal.ReceiveAsync(buffer, limit.Token)) > 0) received += n;
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine($"  {name}: did not end in time after {received:N0} bytes");
            return null;
        }
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var self = (ProcessCpu.Self() - selfBefore).TotalSeconds;
        await terminal.FinishAsync(TimeSpan.FromSeconds(10));
        // sshd reaps its per-connection processes a moment after the session ends; their CPU only then shows in its total.
        await Task.Delay(300);
        var client = terminal.IsProcess ? ChildrenCpu() - childrenBefore - clientAtGo : 0;
        var result = new Transfer(name, payloadBytes, received, seconds, connectMs, self, client, target.CpuSeconds() - sshdBefore);
        var note = received < payloadBytes ? $"  SHORT: only {received:N0} of {payloadBytes:N0} bytes arrived" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-28}{result.MBps,8:F1} MB/s  {seconds,6:F2} s, {received:N0} bytes received; login {connectMs:F0} ms; CPU s: this process {self:F2}" +
            $"{(terminal.IsProcess ? $", client {client:F2}" : "")}, sshd {result.SshdCpu:F2} (load {Load.Average()}){note}"));
        return result;
    }

    // --- (3) concurrent sessions ---

    private static async Task<string> SessionsAsync(Fixture fixture, BenchServer server, SshBenchTarget target, int count, int keystrokes)
    {
        Console.WriteLine();
        Console.WriteLine($"{count} concurrent WebSocket shells, opened one after another and left idle; memory of this process after a full compacting GC " +
                          "(client sockets included, a few KiB each).");
        var shells = server.Host.Services.GetRequiredService<SshShells>();
        var liveBefore = shells.Live().Count;
        // Sessions of the earlier phases may still be winding down on the target.
        for (var wait = Stopwatch.StartNew(); target.UserProcesses() > 0 && wait.Elapsed < TimeSpan.FromSeconds(10);) await Task.Delay(100);
        var userProcessesBefore = target.UserProcesses();
        var before = MemoryProbe.Idle();
        var threadsBefore = ThreadPool.ThreadCount;
        var open = new List<WsTerminal>(count);
        var openMs = new List<double>(count);
        var failed = 0;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var clock = Stopwatch.StartNew();
                var t = await fixture.OpenShellAsync();
                open.Add(t);
                await t.SendAsync(EchoReady);
                if (await t.WaitForAsync(Ready, ReadyTimeout)) openMs.Add(clock.Elapsed.TotalMilliseconds);
                else failed++;
            }
            var live = shells.Live().Count - liveBefore;
            var userProcesses = target.UserProcesses();
            await Task.Delay(1000);
            var after = MemoryProbe.Idle();
            var threadsAfter = ThreadPool.ThreadCount;
            openMs.Sort();
            var opened = new Latencies([.. openMs]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  opened {openMs.Count} of {count} (to the shell's first answer): p50 {opened.P(0.5):F0} ms, max {opened.Max:F0} ms; " +
                $"live on the server {live}; processes of {SshBenchTarget.UserName} on the target {userProcesses - userProcessesBefore}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  GC heap {Mib(before.GcHeap)} -> {Mib(after.GcHeap)} MiB, GC committed {Mib(before.GcCommitted)} -> {Mib(after.GcCommitted)} MiB, " +
                $"working set {Mib(before.WorkingSet)} -> {Mib(after.WorkingSet)} MiB; thread pool threads {threadsBefore} -> {threadsAfter}"));

            // What a user typing in one of them sees while the others idle.
            var probe = open[0];
            await probe.SendAsync(RawCat);
            await probe.WaitForAsync(Ready, ReadyTimeout);
            await KeystrokesAsync(probe, 50, 0);
            var probeCount = Math.Min(200, keystrokes);
            var busy = new Latencies([.. (await KeystrokesAsync(probe, probeCount, 50)).Order()]);
            Console.WriteLine($"  keystrokes in one shell with {count - 1} others open ({probeCount}): {busy.Line}");

            // One after another, each timed: the server answers a close only after it has stored the recording and the record.
            var closing = Stopwatch.StartNew();
            var closed = 0;
            var closeMs = new List<double>(open.Count);
            foreach (var t in open)
            {
                var one = Stopwatch.StartNew();
                if (await t.CloseAsync()) closed++;
                closeMs.Add(one.Elapsed.TotalMilliseconds);
            }
            var closes = new Latencies([.. closeMs.Order()]);
            var deadline = Stopwatch.StartNew();
            while (shells.Live().Count > liveBefore && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
            while (target.UserProcesses() > userProcessesBefore && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
            var liveAfter = shells.Live().Count - liveBefore;
            var leftOnTarget = target.UserProcesses() - userProcessesBefore;
            var afterClose = MemoryProbe.Idle();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  closed {closed} of {open.Count} WebSockets cleanly in {closing.Elapsed.TotalSeconds:F1} s (each to the server's close frame: " +
                $"p50 {closes.P(0.5):F0} ms, max {closes.Max:F0} ms); live sessions left {liveAfter}, processes left on the " +
                $"target {leftOnTarget}; GC heap {Mib(afterClose.GcHeap)} MiB, working set {Mib(afterClose.WorkingSet)} MiB, thread pool threads {ThreadPool.ThreadCount}"));

            var n = Math.Max(1, openMs.Count);
            return string.Create(CultureInfo.InvariantCulture,
                $"{count} concurrent idle sessions (client and server share the process):\n" +
                $"  per session: GC heap {(after.GcHeap - before.GcHeap) / 1024.0 / n:+0;-0} KiB, GC committed {(after.GcCommitted - before.GcCommitted) / 1024.0 / n:+0;-0} KiB, " +
                $"working set {(after.WorkingSet - before.WorkingSet) / 1024.0 / n:+0;-0} KiB; thread pool {threadsBefore} -> {threadsAfter} threads\n" +
                $"  opened {openMs.Count}/{count}{(failed > 0 ? $" ({failed} never answered)" : "")}: p50 {opened.P(0.5):F0} ms, max {opened.Max:F0} ms; " +
                $"keystroke with the others open: p99 {busy.P(0.99):F3} ms, max {busy.Max:F3} ms\n" +
                $"  closed {closed}/{count} (close p50 {closes.P(0.5):F0} ms, max {closes.Max:F0} ms), {(liveAfter == 0 && leftOnTarget <= 0 ? "none left live on server or target" : $"{liveAfter} still live, {leftOnTarget} target processes left")}");
        }
        finally
        {
            foreach (var t in open) await t.DisposeAsync();
        }
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    // --- helpers ---

    private static async Task<JsonElement> PostAsync(HttpClient http, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> VersionOfSshAsync()
    {
        using var p = Process.Start(new ProcessStartInfo(SshBenchTarget.Ssh, "-V") { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var text = await p.StandardError.ReadToEndAsync() + await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text.Trim();
    }

    /// <summary>CPU seconds of this process's children that have ended and been waited for (cutime + cstime).</summary>
    private static double ChildrenCpu() => StatSeconds("/proc/self/stat", 13, 14);

    internal static double StatSeconds(string path, int first, int second)
    {
        try
        {
            var text = File.ReadAllText(path);
            var s = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(s[first], CultureInfo.InvariantCulture) + long.Parse(s[second], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>A terminal byte stream: a WebSocket shell or a client process's stdin and stdout.</summary>
    private abstract class Terminal : IAsyncDisposable
    {
        private readonly StringBuilder seen = new();

        public abstract string Name { get; }
        public virtual bool IsProcess => false;
        /// <summary>The tail of what <see cref="WaitForAsync"/> read, for error messages.</summary>
        public string Seen => seen.ToString();
        public virtual string Errors => "";

        public abstract ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default);

        /// <summary>Bytes from the remote side; 0 when it has closed.</summary>
        public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct = default);

        public ValueTask SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

        /// <summary>CPU seconds of the client process so far (0 for the in-process WebSocket).</summary>
        public virtual double ProcessCpu() => 0;

        /// <summary>Waits for the other side to finish after the session ended (or ends it).</summary>
        public virtual Task FinishAsync(TimeSpan timeout) => Task.CompletedTask;

        /// <summary>Reads until <paramref name="marker"/> has arrived; false when the stream ended or time ran out first.</summary>
        public async Task<bool> WaitForAsync(string marker, TimeSpan timeout)
        {
            var buffer = new byte[16 * 1024];
            using var limit = new CancellationTokenSource(timeout);
            seen.Clear();
            try
            {
                while (true)
                {
                    var n = await ReceiveAsync(buffer, limit.Token);
                    if (n == 0) return false;
                    seen.Append(Encoding.Latin1.GetString(buffer, 0, n));
                    if (seen.ToString().Contains(marker, StringComparison.Ordinal)) return true;
                    if (seen.Length > 4096) seen.Remove(0, seen.Length - 4096);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException)
            {
                return false;
            }
        }

        public abstract ValueTask DisposeAsync();
    }

    private sealed class WsTerminal(ClientWebSocket socket) : Terminal
    {
        public override string Name => "Custos WebSocket";

        public override ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default) =>
            socket.SendAsync(bytes, WebSocketMessageType.Binary, true, ct);

        public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer, ct);
                if (r.MessageType == WebSocketMessageType.Close) return 0;
                if (r.MessageType == WebSocketMessageType.Binary && r.Count > 0) return r.Count;
            }
        }

        /// <summary>The closing handshake from our side (or its completion when the server closed); true when it completed.</summary>
        public async Task<bool> CloseAsync()
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", limit.Token);
                var buffer = new byte[16 * 1024];
                // Output still in flight comes before the server's close frame.
                while (socket.State == WebSocketState.CloseSent && (await socket.ReceiveAsync(buffer.AsMemory(), limit.Token)).MessageType != WebSocketMessageType.Close)
                {
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                return false;
            }
            return socket.State == WebSocketState.Closed;
        }

        public override async Task FinishAsync(TimeSpan timeout) => await CloseAsync();

        public override async ValueTask DisposeAsync()
        {
            await CloseAsync();
            socket.Dispose();
        }
    }

    private sealed class ProcessTerminal : Terminal
    {
        private readonly Process process;
        private readonly Stream input;
        private readonly Stream output;
        private readonly Task<string> errors;
        private readonly string name;

        private ProcessTerminal(Process process, string name)
        {
            this.process = process;
            this.name = name;
            input = process.StandardInput.BaseStream;
            output = process.StandardOutput.BaseStream;
            errors = process.StandardError.ReadToEndAsync();
        }

        public override string Name => name;
        public override bool IsProcess => true;
        public override string Errors => errors.IsCompleted ? errors.Result : "";
        /// <summary>Known once the process has been waited for (it stays readable after disposal).</summary>
        public int? ExitCode { get; private set; }

        public static ProcessTerminal Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in args) start.ArgumentList.Add(a);
            // ssh passes TERM on to the remote pty; the same terminal type Custos requests.
            start.Environment["TERM"] = Term;
            foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
            var p = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
            return new ProcessTerminal(p, Path.GetFileName(program) + (start.ArgumentList.Contains("-tt") ? " -tt" : ""));
        }

        public override async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
        {
            await input.WriteAsync(bytes, ct);
            await input.FlushAsync(ct);
        }

        public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct = default) => output.ReadAsync(buffer, ct);

        public override double ProcessCpu() => process.HasExited ? 0 : StatSeconds($"/proc/{process.Id}/stat", 11, 12);

        public override async Task FinishAsync(TimeSpan timeout)
        {
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            ExitCode = process.ExitCode;
            try
            {
                await errors.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // A grandchild still holds stderr; the message is only for diagnosis.
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            ExitCode ??= process.ExitCode;
            process.Dispose();
        }
    }
}
