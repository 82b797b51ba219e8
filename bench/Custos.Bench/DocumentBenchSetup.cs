using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.RegularExpressions;
using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace Custos.Bench;

/// <summary>What the document benchmark needs around the server: its user, the memory probe and the disk ceiling.</summary>
internal static class DocumentBenchSetup
{
    /// <summary>
    /// A user in group "docs" with a whole-tenant grant that allows document Write on a new tenant, as an operator would
    /// set it up (`tenant grant TENANT docs --documents write`); returns the tenant id.
    /// </summary>
    public static async Task<TenantId> DocumentWriterAsync(this BenchServer server, string user, string tenant)
    {
        var passwordFile = Path.Combine(Path.GetTempPath(), $"custos-bench-{Guid.NewGuid():N}.pw");
        await File.WriteAllTextAsync(passwordFile, BenchServer.UserPassword);
        try
        {
            await server.CliAsync("user", "add", user, "--password-file", passwordFile);
        }
        finally
        {
            File.Delete(passwordFile);
        }
        await server.CliAsync("group", "add", "docs");
        await server.CliAsync("group", "add-member", "docs", user);
        await server.CliAsync("tenant", "add", tenant);
        await server.CliAsync("tenant", "grant", tenant, "docs", "--documents", "write");
        await using var db = server.Context();
        return await db.Tenants.AsNoTracking().Where(t => t.Name == tenant).Select(t => t.Id).SingleAsync();
    }
}

/// <summary>
/// Memory of this process while a phase runs: a dedicated thread samples the working set (RSS), the GC heap and the GC's
/// committed memory every 50 ms; the kernel's own RSS high-water mark (VmHWM, reset through /proc/self/clear_refs) catches
/// peaks between samples. Growth is measured against an idle baseline taken right after a forced, compacting GC.
/// </summary>
internal sealed class MemoryProbe
{
    public sealed record Baseline(long WorkingSet, long GcHeap, long GcCommitted);

    public sealed record Peak(long WorkingSetGrowth, long GcHeapGrowth, long GcCommittedGrowth, long? HwmGrowth, int Samples)
    {
        /// <summary>The figure the target is judged on: the larger of the sampled RSS peak and the kernel's high-water mark.</summary>
        public long Growth => Math.Max(WorkingSetGrowth, HwmGrowth ?? 0);
    }

    private readonly Baseline baseline;
    private readonly Thread thread;
    private volatile bool stop;
    private long maxWorkingSet, maxHeap, maxCommitted;
    private int samples;
    private readonly bool hwmReset;

    private MemoryProbe(Baseline baseline)
    {
        this.baseline = baseline;
        hwmReset = ResetHighWaterMark();
        thread = new Thread(Run) { IsBackground = true, Name = "memory probe", Priority = ThreadPriority.AboveNormal };
        thread.Start();
    }

    /// <summary>Forces a full, compacting collection, lets finalizers run, and reads the idle figures.</summary>
    public static Baseline Idle()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        Thread.Sleep(200);
        return new Baseline(Environment.WorkingSet, GC.GetTotalMemory(false), GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    /// <summary>Takes the idle baseline, then samples until <see cref="Stop"/>.</summary>
    public static MemoryProbe Start() => new(Idle());

    public Peak Stop()
    {
        stop = true;
        thread.Join();
        Sample();
        long? hwm = hwmReset && ReadStatusKib("VmHWM:") is { } kib ? kib * 1024 - baseline.WorkingSet : null;
        return new Peak(maxWorkingSet - baseline.WorkingSet, maxHeap - baseline.GcHeap, maxCommitted - baseline.GcCommitted, hwm, samples);
    }

    private void Run()
    {
        while (!stop)
        {
            Sample();
            Thread.Sleep(50);
        }
    }

    private void Sample()
    {
        maxWorkingSet = Math.Max(maxWorkingSet, Environment.WorkingSet);
        maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(false));
        maxCommitted = Math.Max(maxCommitted, GC.GetGCMemoryInfo().TotalCommittedBytes);
        samples++;
    }

    /// <summary>Writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS (Linux 4.0+).</summary>
    private static bool ResetHighWaterMark()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? ReadStatusKib(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>The disk ceiling: dd writing 1 GiB of zeros into a directory and syncing it before it reports (conv=fdatasync).</summary>
internal static partial class DdCeiling
{
    public sealed record Result(double MBps, double Seconds, string Line);

    public static Result? Measure(string directory, int mib)
    {
        var file = Path.Combine(directory, "ddtest");
        var start = new ProcessStartInfo("dd") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "if=/dev/zero", $"of={file}", "bs=1M", $"count={mib}", "conv=fdatasync" }) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var text = stderr.GetAwaiter().GetResult();
            // "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.52 s, 706 MB/s"
            var m = DdLine().Match(text);
            if (process.ExitCode != 0 || !m.Success) return null;
            var bytes = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var seconds = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            return new Result(bytes / seconds / 1e6, seconds, m.Value.Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Milliseconds per synchronous 4 KiB write (dd oflag=dsync): what one fsync'd commit costs on this disk, and so the
    /// most commits per second one writer that syncs each one can reach.
    /// </summary>
    public static double? SyncWriteMs(string directory, int count)
    {
        var file = Path.Combine(directory, "ddsync");
        var start = new ProcessStartInfo("dd") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "if=/dev/zero", $"of={file}", "bs=4k", $"count={count}", "oflag=dsync" }) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var m = DdLine().Match(stderr.GetAwaiter().GetResult());
            if (process.ExitCode != 0 || !m.Success) return null;
            return double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 1000 / count;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    [GeneratedRegex(@"(\d+) bytes .*copied, ([0-9.]+) s, .*")]
    private static partial Regex DdLine();
}

/// <summary>
/// How long EF Core's BeginTransaction took (its TransactionStarted event carries the duration): on SQLite that is the
/// wait for the database's single write lock (Microsoft.Data.Sqlite begins IMMEDIATE transactions and, when the lock is
/// taken, retries every 150 ms), on PostgreSQL just the round trip of BEGIN.
/// </summary>
internal sealed class TransactionWaits : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly string TransactionStarted = Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.TransactionStarted.Name!;

    private readonly IDisposable allListeners;
    private readonly List<IDisposable> subscriptions = [];
    private long count, ticks, maxTicks, over100ms;

    public TransactionWaits() => allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public volatile bool Enabled;

    public sealed record Snapshot(long Count, double TotalMs, double MaxMs, long Over100Ms)
    {
        public double MeanMs => Count == 0 ? 0 : TotalMs / Count;
    }

    public Snapshot Take()
    {
        var s = new Snapshot(Interlocked.Exchange(ref count, 0), TimeSpan.FromTicks(Interlocked.Exchange(ref ticks, 0)).TotalMilliseconds,
            TimeSpan.FromTicks(Interlocked.Exchange(ref maxTicks, 0)).TotalMilliseconds, Interlocked.Exchange(ref over100ms, 0));
        return s;
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name != DbLoggerCategory.Name) return;
        lock (subscriptions) subscriptions.Add(listener.Subscribe(this, name => name == TransactionStarted));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (!Enabled || e.Key != TransactionStarted || e.Value is not Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData t) return;
        Interlocked.Increment(ref count);
        Interlocked.Add(ref ticks, t.Duration.Ticks);
        if (t.Duration.TotalMilliseconds >= 100) Interlocked.Increment(ref over100ms);
        for (var seen = Interlocked.Read(ref maxTicks); t.Duration.Ticks > seen; seen = Interlocked.Read(ref maxTicks))
            if (Interlocked.CompareExchange(ref maxTicks, t.Duration.Ticks, seen) == seen) break;
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (subscriptions)
        {
            foreach (var s in subscriptions) s.Dispose();
        }
    }
}
