using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// `./custos serve` exactly as a user starts it from a clean checkout: a child process (bash running the wrapper,
/// which builds on first use) with a fresh data directory and free loopback ports. Disposing kills the whole
/// process tree and deletes the data directory.
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
    private bool _disposed;

    private CustosServerProcess(string dataDirectory, int httpsPort, int httpPort)
    {
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
        foreach (var name in InheritedBuildVariables) start.Environment.Remove(name);
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
    }

    public string DataDirectory { get; }
    public int HttpsPort { get; }
    public int HttpPort { get; }
    public Uri BaseUrl { get; }

    /// <summary>Everything the server printed so far, stdout and stderr interleaved (lines prefixed out|/err|).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Starts the server and waits until it printed its one-time setup link.</summary>
    public static async Task<(CustosServerProcess Server, Uri SetupLink)> StartAsync()
    {
        var (httpsPort, httpPort) = FreeLoopbackPorts();
        var dataDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"custos-e2e-{Guid.NewGuid():N}");
        var server = new CustosServerProcess(dataDirectory, httpsPort, httpPort);
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
