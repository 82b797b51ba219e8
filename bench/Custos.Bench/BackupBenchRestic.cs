using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Custos.Core.Backup;

namespace Custos.Bench;

/// <summary>
/// restic run by hand, as an administrator would, for the backup benchmark's ceiling: `restic -r REPO --password-file F
/// COMMAND`, the password in a 0600 file on tmpfs that lives for one call (as Custos does it), a cache directory of this
/// repository's own, nothing inherited named RESTIC_*, stdin closed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class RawRestic(string repository, string cacheDirectory)
{
    private readonly string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public sealed record Run(string Output, TimeSpan Elapsed);

    /// <summary>The figures of restic's JSON summary line (backup --json).</summary>
    public sealed record Summary(string SnapshotId, long FilesNew, long FilesChanged, long FilesUnmodified, long DataAdded, long Files, long Bytes, double Seconds);

    public string Repository => repository;

    /// <summary>Runs restic with these arguments after the repository and password; throws with its stderr when it fails.</summary>
    public async Task<Run> RunAsync(params string[] arguments)
    {
        var secrets = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var passwordFile = Path.Combine(secrets, "custos-bench-restic-" + Guid.NewGuid().ToString("N"));
        await using (var file = new FileStream(passwordFile, new FileStreamOptions
                         { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(password + "\n"));
        try
        {
            var start = new ProcessStartInfo("restic")
            {
                UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var a in new[] { "-r", repository, "--password-file", passwordFile }.Concat(arguments)) start.ArgumentList.Add(a);
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("RESTIC_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
            start.Environment["RESTIC_CACHE_DIR"] = cacheDirectory;
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("restic did not start");
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync();
            var output = await LastLinesAsync(process.StandardOutput);
            await process.WaitForExitAsync();
            clock.Stop();
            if (process.ExitCode != 0) throw new InvalidOperationException($"restic {arguments[0]} exited {process.ExitCode}: {await error}");
            return new Run(output, clock.Elapsed);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>`backup --json ARGUMENTS` (flags, then paths): the wall time and restic's summary.</summary>
    public async Task<(TimeSpan Elapsed, Summary Summary)> BackupAsync(params string[] arguments)
    {
        var run = await RunAsync(["backup", "--json", .. arguments]);
        var line = run.Output.Split('\n').Last(l => l.Contains("\"message_type\":\"summary\"", StringComparison.Ordinal));
        var s = JsonDocument.Parse(line).RootElement;
        long L(string name) => s.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
        return (run.Elapsed, new Summary(s.GetProperty("snapshot_id").GetString()!, L("files_new"), L("files_changed"), L("files_unmodified"),
            L("data_added"), L("total_files_processed"), L("total_bytes_processed"), s.GetProperty("total_duration").GetDouble()));
    }

    /// <summary>The last 64 KiB of stdout (backup --json prints a status line 60 times a second; only the summary matters).</summary>
    private static async Task<string> LastLinesAsync(StreamReader stdout)
    {
        var tail = new System.Text.StringBuilder();
        var buffer = new char[16384];
        int read;
        while ((read = await stdout.ReadAsync(buffer)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > 128 * 1024) tail.Remove(0, tail.Length - 64 * 1024);
        }
        return tail.ToString();
    }
}

/// <summary>
/// When each phase of a backup run or restore was first reported, from the start of the clock, and the CPU time used
/// by then (<paramref name="cpu"/>: restic's share counts once the restic run before the phase change has ended).
/// </summary>
internal sealed class PhaseClock(Func<TimeSpan> cpu) : IProgress<BackupProgress>, IProgress<BackupPhase>
{
    private readonly long start = Stopwatch.GetTimestamp();
    private readonly TimeSpan cpu0 = cpu();
    private readonly ConcurrentDictionary<BackupPhase, (TimeSpan Wall, TimeSpan Cpu)> first = new();

    public void Report(BackupProgress value) => Report(value.Phase);

    public void Report(BackupPhase value)
    {
        if (first.ContainsKey(value)) return;
        first.TryAdd(value, (Stopwatch.GetElapsedTime(start), cpu() - cpu0));
    }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(start);
    public TimeSpan Cpu => cpu() - cpu0;

    /// <summary>When <paramref name="phase"/> began (wall and CPU); <paramref name="otherwise"/> when it was never reported.</summary>
    public (TimeSpan Wall, TimeSpan Cpu) At(BackupPhase phase, (TimeSpan Wall, TimeSpan Cpu) otherwise) => first.GetValueOrDefault(phase, otherwise);
}

internal static class DirectorySize
{
    /// <summary>Files and bytes below <paramref name="path"/> (hard links counted once per name).</summary>
    public static (long Files, long Bytes) Of(string path)
    {
        if (!Directory.Exists(path)) return (0, 0);
        long files = 0, bytes = 0;
        foreach (var f in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            files++;
            bytes += f.Length;
        }
        return (files, bytes);
    }
}
