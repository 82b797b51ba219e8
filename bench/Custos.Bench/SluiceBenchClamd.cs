using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Custos.Core.Sluice.Antivirus;
using Custos.Tests.Infrastructure;

namespace Custos.Bench;

/// <summary>
/// A real clamd for one phase of the sluice benchmark (the tests' <see cref="ClamdTestServer"/>, with limits above the
/// corpus's largest file). Each phase gets a fresh one: clamd caches the MD5 of clean content, and a second pass over
/// the same files would only measure that cache.
/// </summary>
internal sealed class SluiceBenchClamd : IAsyncDisposable
{
    // Above every file (20 MiB) and what clamd extracts from the largest archives, so no file reaches a limit.
    private static readonly ClamdTestServerOptions Limits = new() { StreamMaxLength = "100M", MaxFileSize = "100M", MaxScanSize = "400M" };

    private readonly ClamdTestServer server = new(Limits);

    private SluiceBenchClamd()
    {
    }

    public static async Task<SluiceBenchClamd> StartAsync()
    {
        var clamd = new SluiceBenchClamd();
        await clamd.server.StartAsync();
        return clamd;
    }

    public string Address => server.Address;

    /// <summary>The configuration the fixture wrote next to its socket, for clamdscan -c.</summary>
    public string ConfigPath => Path.Combine(Path.GetDirectoryName(server.SocketPath)!, "clamd.conf");

    public string LimitsText => $"StreamMaxLength {Limits.StreamMaxLength}, MaxFileSize {Limits.MaxFileSize}, MaxScanSize {Limits.MaxScanSize}";

    /// <summary>CPU time clamd has used so far (user + system, from /proc; its PID from the pid file the fixture configures).</summary>
    public TimeSpan Cpu()
    {
        try
        {
            var pid = File.ReadAllText(Path.Combine(Path.GetDirectoryName(server.SocketPath)!, "clamd.pid")).Trim();
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return TimeSpan.FromSeconds((double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }
    }

    public async Task<string> VersionAsync() => await new ClamdClient(ClamdOptions.Parse(Address)).VersionAsync() ?? "unknown (VERSION failed)";

    public ValueTask DisposeAsync() => server.DisposeAsync();
}

/// <summary>
/// ClamAV's own client, <c>clamdscan --stream</c>, over a list of files in one invocation, against a clamd's config.
/// Its CPU is read from this process's reaped-children times (/proc/self/stat cutime + cstime).
/// </summary>
internal static class ClamdScan
{
    public sealed record Result(int ExitCode, TimeSpan Elapsed, TimeSpan Cpu, int Ok, int Found, int Errors, IReadOnlyList<string> Other);

    public static async Task<Result> RunAsync(string config, IEnumerable<string> files, string listDirectory)
    {
        var list = Path.Combine(listDirectory, $"clamdscan-{Guid.NewGuid():N}.list");
        await File.WriteAllLinesAsync(list, files);
        try
        {
            var start = new ProcessStartInfo("clamdscan") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--stream", "--no-summary", "-c", config, "--file-list=" + list }) start.ArgumentList.Add(a);
            var cpuBefore = ChildrenCpu();
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("clamdscan did not start.");
            var stderr = process.StandardError.ReadToEndAsync();
            int ok = 0, found = 0, errors = 0;
            var other = new List<string>();
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.EndsWith(": OK", StringComparison.Ordinal)) ok++;
                else if (line.EndsWith(" FOUND", StringComparison.Ordinal)) { found++; other.Add(line); }
                else if (line.EndsWith(" ERROR", StringComparison.Ordinal)) { errors++; other.Add(line); }
                else if (line.Length > 0) other.Add(line);
            }
            await process.WaitForExitAsync();
            clock.Stop();
            var err = await stderr;
            if (err.Length > 0) other.AddRange(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            return new Result(process.ExitCode, clock.Elapsed, ChildrenCpu() - cpuBefore, ok, found, errors, other);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"clamdscan could not be started ({e.Message}); install clamdscan (Debian: clamdscan).", e);
        }
        finally
        {
            File.Delete(list);
        }
    }

    /// <summary>User + system time of this process's children that have been waited for.</summary>
    public static TimeSpan ChildrenCpu()
    {
        var text = File.ReadAllText("/proc/self/stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture)) / 100);
    }
}

/// <summary>The sluice's virus scanner with a stopwatch around each scan, to split a file's time between clamd and the rest.</summary>
internal sealed class TimedAntivirus(IAntivirus inner) : IAntivirus
{
    /// <summary>Set by a caller around one file: the scan adds its ticks here too (the box flows into the call; the caller reads it after).</summary>
    public static readonly AsyncLocal<StrongBox<long>?> PerFile = new();

    private long ticks, scans;

    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref ticks));
    public long Scans => Interlocked.Read(ref scans);

    public async Task<ScanResult> ScanAsync(Stream content, CancellationToken ct = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await inner.ScanAsync(content, ct);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(start).Ticks;
            Interlocked.Add(ref ticks, elapsed);
            Interlocked.Increment(ref scans);
            if (PerFile.Value is { } box) Interlocked.Add(ref box.Value, elapsed);
        }
    }

    public Task<string?> VersionAsync(CancellationToken ct = default) => inner.VersionAsync(ct);

    public void Reset()
    {
        Interlocked.Exchange(ref ticks, 0);
        Interlocked.Exchange(ref scans, 0);
    }
}
