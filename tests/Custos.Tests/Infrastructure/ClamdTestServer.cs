using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Custos.Tests.Infrastructure;

/// <summary>
/// clamd's limits in its own size syntax ("25M"). The defaults are below 30 MB, so a 30 MB test file exceeds all three.
/// </summary>
public sealed record ClamdTestServerOptions
{
    public string StreamMaxLength { get; init; } = "25M";
    public string MaxFileSize { get; init; } = "25M";
    public string MaxScanSize { get; init; } = "25M";

    /// <summary>Also listen on a free loopback TCP port (<see cref="ClamdTestServer.TcpAddress"/>).</summary>
    public bool ListenOnTcp { get; init; }
}

/// <summary>
/// A real clamd in a directory of its own, with a signature database made here instead of the official one (there is no
/// download): <see cref="EicarSignature"/> for the EICAR test file and <see cref="MarkerSignature"/> for
/// <see cref="Marker"/>. clamd appends ".UNOFFICIAL" to both names. Archives, OLE2 and PDF are unpacked, and files beyond
/// a limit are reported (AlertExceedsMax), as production should be configured.
/// </summary>
public sealed class ClamdTestServer(ClamdTestServerOptions? options = null) : IAsyncDisposable, IDisposable
{
    public const string EicarSignature = "Custos.Test.Eicar";
    public const string MarkerSignature = "Custos.Test.Marker";
    public const string Marker = "CUSTOS-SLUICE-TEST-MARKER";

    // The EICAR test file, XOR 0x5A: virus scanners on developers' machines would quarantine a source file holding it.
    private const string EicarMasked = "Am8Vewp/GhsKAW4GCgACb25yCgRzbRkZc20nfh8TGRsIdwkOGxQeGwgedxsUDhMMEwgPCXcOHwkOdxwTFh97fhJxEnA=";

    private readonly ClamdTestServerOptions settings = options ?? new ClamdTestServerOptions();
    private readonly string root = Directory.CreateTempSubdirectory("custos-clamd-").FullName;
    private readonly StringBuilder output = new();
    private Process? process;
    private int? tcpPort;

    /// <summary>For <c>ClamdOptions.Address</c>.</summary>
    public string Address => "unix:" + SocketPath;

    /// <summary>"tcp:127.0.0.1:port" when <see cref="ClamdTestServerOptions.ListenOnTcp"/> is set.</summary>
    public string TcpAddress => tcpPort is { } port ? $"tcp:127.0.0.1:{port}" : throw new InvalidOperationException("This clamd listens on its Unix socket only.");

    public string SocketPath => Path.Combine(root, "clamd.sock");

    private string LogPath => Path.Combine(root, "clamd.log");

    /// <summary>The 68-byte EICAR anti-virus test file, put together at run time.</summary>
    public static byte[] Eicar()
    {
        var bytes = Convert.FromBase64String(EicarMasked);
        for (var i = 0; i < bytes.Length; i++) bytes[i] ^= 0x5A;
        return bytes;
    }

    /// <summary>Starts clamd and waits until it answers PING; throws with the end of its log when it does not.</summary>
    public async Task StartAsync()
    {
        if (process is not null) throw new InvalidOperationException("clamd is running already.");
        var clamd = FindClamd() ?? throw new InvalidOperationException(
            "clamd is not installed; ./test.sh installs clamav-daemon (the antivirus tests need a real clamd and fail without it).");
        WriteDatabase();
        WriteConfig();
        File.Delete(SocketPath);

        var start = new ProcessStartInfo(clamd) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", Path.Combine(root, "clamd.conf") }) start.ArgumentList.Add(a);
        var p = Process.Start(start) ?? throw new InvalidOperationException($"{clamd} did not start.");
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        try
        {
            await WaitUntilReadyAsync(p);
        }
        catch
        {
            Kill();
            throw;
        }
    }

    /// <summary>Stops clamd as an administrator would (SIGTERM) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (process is null) return;
        if (!process.HasExited)
        {
            // Process.Kill sends SIGKILL; an orderly stop is SIGTERM, which .NET only sends through kill(1).
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            term?.WaitForExit();
        }
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }
        Forget();
    }

    /// <summary>Kills clamd at once (SIGKILL), as a crash or the OOM killer would, mid-scan included.</summary>
    public void Kill()
    {
        if (process is null) return;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        Forget();
    }

    /// <summary>The last lines of clamd's log file and of its console output.</summary>
    public string LogTail(int lines = 40)
    {
        var log = File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];
        string console;
        lock (output) console = output.ToString();
        return string.Join('\n', log.TakeLast(lines)) + "\n--- console ---\n" + console;
    }

    public void Dispose()
    {
        Kill();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static string? FindClamd()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, "clamd"))
            .FirstOrDefault(File.Exists);
    }

    private void WriteDatabase()
    {
        var db = Directory.CreateDirectory(Path.Combine(root, "db")).FullName;
        // .ndb: name, target type (0: any file), offset (*: anywhere), hex bytes.
        File.WriteAllText(Path.Combine(db, "custos-test.ndb"),
            $"{EicarSignature}:0:*:{Convert.ToHexStringLower(Eicar())}\n" +
            $"{MarkerSignature}:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Marker))}\n");
    }

    private void WriteConfig()
    {
        var tcp = "";
        if (settings.ListenOnTcp)
        {
            tcpPort ??= FreePort.Next();
            tcp = $"TCPSocket {tcpPort}\nTCPAddr 127.0.0.1\n";
        }
        // No User line: clamd then runs as whoever runs the tests, root or not. clamd itself never downloads signatures
        // (freshclam does, and is not started), so the database above is all it has.
        File.WriteAllText(Path.Combine(root, "clamd.conf"), $"""
            DatabaseDirectory {root}/db
            LocalSocket {SocketPath}
            {tcp}Foreground yes
            PidFile {root}/clamd.pid
            LogFile {LogPath}
            LogTime yes
            TemporaryDirectory {root}
            SelfCheck 0
            ScanArchive yes
            ScanOLE2 yes
            ScanPDF yes
            AlertExceedsMax yes
            StreamMaxLength {settings.StreamMaxLength}
            MaxFileSize {settings.MaxFileSize}
            MaxScanSize {settings.MaxScanSize}

            """);
    }

    private async Task WaitUntilReadyAsync(Process p)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string last = "no attempt";
        while (true)
        {
            if (p.HasExited)
                throw new InvalidOperationException($"clamd exited with code {p.ExitCode} before it answered PING:\n{LogTail()}");
            try
            {
                var reply = await PingAsync();
                if (reply == "PONG") return;
                last = $"reply '{reply}'";
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"clamd on {SocketPath} did not answer PING within 30 s (last: {last}):\n{LogTail()}");
            await Task.Delay(50);
        }
    }

    /// <summary>PING by hand, so that the fixture does not depend on the client it is used to test.</summary>
    private async Task<string> PingAsync()
    {
        using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), attempt.Token);
        await socket.SendAsync("zPING\0"u8.ToArray(), SocketFlags.None, attempt.Token);
        var buffer = new byte[64];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, attempt.Token);
            if (read == 0) break;
            length += read;
            if (buffer[length - 1] == 0) break;
        }
        return Encoding.ASCII.GetString(buffer, 0, length).TrimEnd('\0');
    }

    private void Forget()
    {
        process?.Dispose();
        process = null;
    }
}

/// <summary>One clamd shared by the tests of <see cref="ClamdCollection"/>; tests that stop clamd start their own.</summary>
public sealed class SharedClamd : IAsyncLifetime
{
    public ClamdTestServer Server { get; } = new(new ClamdTestServerOptions { ListenOnTcp = true });

    public Task InitializeAsync() => Server.StartAsync();

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ClamdCollection : ICollectionFixture<SharedClamd>
{
    public const string Name = "clamd";
}
