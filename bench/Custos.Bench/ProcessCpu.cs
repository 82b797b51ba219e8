using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Custos.Bench;

/// <summary>CPU time used so far by this process, and (when the database is a local PostgreSQL) by that server's processes.</summary>
internal sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly int? postmaster;

    private ProcessCpu(int? postmaster) => this.postmaster = postmaster;

    /// <summary>Finds the postmaster behind <paramref name="connectionString"/> when it runs on this machine (its backend's parent).</summary>
    public static async Task<ProcessCpu> CreateAsync(string? connectionString)
    {
        if (connectionString is null) return new ProcessCpu(null);
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT pg_backend_pid()", conn);
            var backend = (int)(await cmd.ExecuteScalarAsync())!;
            var stat = Stat(backend);
            return new ProcessCpu(stat is null ? null : int.Parse(stat[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or NpgsqlException or FormatException)
        {
            return new ProcessCpu(null);
        }
    }

    public bool MeasuresDatabase => postmaster is not null;

    /// <summary>Another local server's process tree (nginx's master and workers): <see cref="Database"/> then measures that tree.</summary>
    public static ProcessCpu OfTree(int root) => new(root);

    public static TimeSpan Self()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    /// <summary>
    /// User and system time of this process's children that have ended and been waited for (cutime and cstime of
    /// /proc/self/stat): every restic, pg_dump or sync it ran, not a child still running.
    /// </summary>
    public static TimeSpan Children()
    {
        var s = Stat(Environment.ProcessId);
        return s is null ? TimeSpan.Zero : TimeSpan.FromSeconds((Field(s, 13) + Field(s, 14)) / TicksPerSecond);
    }

    /// <summary>User and system time of the postmaster, its live children and the children it has reaped.</summary>
    public TimeSpan Database()
    {
        if (postmaster is not { } pm) return TimeSpan.Zero;
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var s = Stat(pid);
            if (s is null) continue;
            var ppid = int.Parse(s[1], CultureInfo.InvariantCulture);
            if (pid == pm)
                ticks += Field(s, 11) + Field(s, 12) + Field(s, 13) + Field(s, 14);
            else if (ppid == pm)
                ticks += Field(s, 11) + Field(s, 12);
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// CPU time of the runtime's background tiered-compilation thread: it recompiles hot methods with full optimisation
    /// for a while after they first ran, and on two cores that work competes with whatever is being measured.
    /// </summary>
    public static TimeSpan TieredCompiler()
    {
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal)) continue;
                var text = File.ReadAllText(Path.Combine(dir, "stat"));
                var s = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                ticks += Field(s, 11) + Field(s, 12);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static double Field(string[] s, int i) => double.Parse(s[i], CultureInfo.InvariantCulture);

    /// <summary>The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
