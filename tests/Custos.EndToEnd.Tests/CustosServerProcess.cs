using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Custos.Tests.Infrastructure;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// `./custos serve` exactly as a user starts it from a clean checkout: a child process (bash running the wrapper,
/// which builds on first use) with a fresh data directory and free loopback ports. Disposing kills the whole
/// process tree and deletes the data directory (unless <see cref="RestartAsync"/> handed it on to the next server).
/// </summary>
internal sealed partial class CustosServerProcess : IDisposable
{
    /// <summary>The first run builds Custos before it serves, so the setup link may take a while.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Set by `dotnet test` for its own MSBuild; a user's shell does not have them, and the wrapper's
    /// `dotnet build` must not pick them up either.
    /// </summary>
    private static readonly string[] InheritedBuildVariables =
    [
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDNOINPROCNODE", "DOTNET_HOST_PATH",
    ];

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _setupLink = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    /// <summary>False once <see cref="RestartAsync"/> handed the data directory on to the next server.</summary>
    private bool _ownsDataDirectory = true;

    private static string? clamd;

    private CustosServerProcess(string dataDirectory, int httpsPort, int httpPort, IReadOnlyList<string>? extraArguments = null)
    {
        ExtraArguments = extraArguments ?? [];
        DataDirectory = dataDirectory;
        HttpsPort = httpsPort;
        HttpPort = httpPort;
        BaseUrl = new Uri($"https://localhost:{httpsPort}/");
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot.Path,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[] { "./custos", "serve", "--data", dataDirectory, "--https-port", $"{httpsPort}", "--http-port", $"{httpPort}" })
            start.ArgumentList.Add(argument);
        foreach (var argument in ExtraArguments) start.ArgumentList.Add(argument);
        foreach (var name in InheritedBuildVariables) start.Environment.Remove(name);
        // The sluice's virus scanner: the test run's own clamd, as an administrator would point Custos at theirs.
        start.Environment["CUSTOS_CLAMD"] = clamd ?? throw new InvalidOperationException("The test clamd was not started.");
        // Build helpers that outlive the build (node reuse, compiler server) would keep our output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine("out", e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine("err", e.Data);
        _process.Exited += (_, _) => _setupLink.TrySetException(new InvalidOperationException(
            $"./custos serve exited (code {SafeExitCode()}) before printing the setup link. Output:\n{Log}"));
        _process.Exited += (_, _) => _running.TrySetException(new InvalidOperationException(
            $"./custos serve exited (code {SafeExitCode()}) before it was running. Output:\n{Log}"));
    }

    public string DataDirectory { get; }
    /// <summary>Further `serve` options this server was started with (e.g. --proxy-domain); a restart keeps them.</summary>
    public IReadOnlyList<string> ExtraArguments { get; }
    public int HttpsPort { get; }
    public int HttpPort { get; }
    public Uri BaseUrl { get; }

    /// <summary>Everything the server printed so far, stdout and stderr interleaved (lines prefixed out|/err|).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts the server and waits until it printed its one-time setup link.</summary>
    /// <param name="extraArguments">Further `serve` options, e.g. ["--proxy-domain", "proxy.test"].</param>
    public static async Task<(CustosServerProcess Server, Uri SetupLink)> StartAsync(IReadOnlyList<string>? extraArguments = null)
    {
        clamd = await TestClamd.AddressAsync();
        var (httpsPort, httpPort) = FreeLoopbackPorts();
        var dataDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"custos-e2e-{Guid.NewGuid():N}");
        var server = new CustosServerProcess(dataDirectory, httpsPort, httpPort, extraArguments);
        try
        {
            if (!server._process.Start()) throw new InvalidOperationException("Could not start bash ./custos serve.");
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            Uri link;
            try
            {
                link = await server._setupLink.Task.WaitAsync(StartupTimeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"./custos serve printed no setup link within {StartupTimeout.TotalSeconds:0} s. Output:\n{server.Log}");
            }
            return (server, link);
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private void OnLine(string stream, string? line)
    {
        if (line is null) return;
        lock (_log) _log.Append(stream).Append('|').AppendLine(line);
        if (stream != "out") return;
        if (line.StartsWith("Custos is running at https://", StringComparison.Ordinal) && line.EndsWith($":{HttpsPort}/", StringComparison.Ordinal))
            _running.TrySetResult();
        var match = SetupLinkPattern().Match(line);
        if (match.Success && match.Groups["port"].Value == $"{HttpsPort}")
            _setupLink.TrySetResult(new Uri(match.Value));
    }

    private string SafeExitCode()
    {
        try
        {
            return $"{_process.ExitCode}";
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }

    /// <summary>Two distinct ports the OS reports free on 127.0.0.1 (both listeners held until both are known).</summary>
    private static (int Https, int Http) FreeLoopbackPorts()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        try
        {
            return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
        }
        finally
        {
            first.Stop();
            second.Stop();
        }
    }

    /// <summary>
    /// Kills the server with SIGKILL (no graceful shutdown, no clean-up code runs) and waits until it is gone. The
    /// wrapper execs `dotnet Custos.dll`, so the process started is the server itself once it runs; this is checked
    /// first, so a kill never hits only a wrapper while the server lives on.
    /// </summary>
    public void KillHard()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("KillHard relies on /proc and SIGKILL (Linux).");
        if (_process.HasExited) throw new InvalidOperationException($"The server already exited (code {SafeExitCode()}). Output:\n{Log}");
        var commandLine = File.ReadAllText($"/proc/{_process.Id}/cmdline").Replace('\0', ' ');
        if (!commandLine.Contains("Custos.dll", StringComparison.Ordinal))
            throw new InvalidOperationException($"Process {_process.Id} is not the server itself but '{commandLine}'.");
        _process.Kill(entireProcessTree: false); // SIGKILL on Unix
        if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
            throw new TimeoutException($"The server (process {_process.Id}) was still alive 15 s after SIGKILL.");
    }

    /// <summary>
    /// Starts `./custos serve` again on this server's data directory (on fresh ports), after this one exited or was
    /// killed, and waits until it is running: i.e. until everything the server does before it listens is done. The
    /// returned server owns the data directory from now on; disposing this one no longer deletes it.
    /// </summary>
    public async Task<CustosServerProcess> RestartAsync()
    {
        if (!_process.HasExited) throw new InvalidOperationException("Stop the server (e.g. KillHard) before restarting it.");
        var (httpsPort, httpPort) = FreeLoopbackPorts();
        var next = new CustosServerProcess(DataDirectory, httpsPort, httpPort, ExtraArguments);
        _ownsDataDirectory = false;
        try
        {
            if (!next._process.Start()) throw new InvalidOperationException("Could not start bash ./custos serve.");
            next._process.BeginOutputReadLine();
            next._process.BeginErrorReadLine();
            try
            {
                await next._running.Task.WaitAsync(StartupTimeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"The restarted ./custos serve was not running within {StartupTimeout.TotalSeconds:0} s. Output:\n{next.Log}");
            }
            return next;
        }
        catch
        {
            next.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            // A finite wait: it does not hang on output pipes that a stray grandchild might still hold.
            _process.WaitForExit(TimeSpan.FromSeconds(15));
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
        if (!_ownsDataDirectory) return;
        try
        {
            if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open by a dying process; the folder lives under the temp dir.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"https://localhost:(?<port>\d+)/setup/[A-Za-z0-9_\-]+")]
    private static partial Regex SetupLinkPattern();
}
