using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Custos.Bench;

/// <summary>
/// Counts what EF Core sends to the database while <see cref="Enabled"/>: commands (by statement shape: verb and tables),
/// connection opens, commits and SaveChanges calls, with their summed durations. It listens to EF Core's diagnostic
/// events, so the product code is measured as it is, without interceptors. Durations overlap under concurrency and
/// include waiting for a CPU; counts are exact.
/// </summary>
internal sealed partial class EfStats : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly string CommandExecuted = RelationalEventId.CommandExecuted.Name!;
    private static readonly string ConnectionOpened = RelationalEventId.ConnectionOpened.Name!;
    private static readonly string TransactionCommitted = RelationalEventId.TransactionCommitted.Name!;
    private static readonly string SaveChangesStarting = CoreEventId.SaveChangesStarting.Name!;
    private static readonly string SaveChangesCompleted = CoreEventId.SaveChangesCompleted.Name!;

    private readonly IDisposable allListeners;
    private readonly List<IDisposable> subscriptions = [];
    private readonly ConcurrentDictionary<string, Counter> commands = new();
    private readonly ConcurrentDictionary<DbContext, long> saveStarted = new();
    private readonly Counter connections = new(), commits = new(), saves = new();

    public EfStats() => allListeners = DiagnosticListener.AllListeners.Subscribe(this);

    public volatile bool Enabled;

    public sealed class Counter
    {
        public long Count;
        public long Ticks;

        public void Add(TimeSpan duration)
        {
            Interlocked.Increment(ref Count);
            Interlocked.Add(ref Ticks, duration.Ticks);
        }

        public double TotalMs => TimeSpan.FromTicks(Interlocked.Read(ref Ticks)).TotalMilliseconds;
    }

    public sealed record Snapshot(IReadOnlyList<(string Shape, long Count, double TotalMs)> Commands, long Connections, double ConnectionMs,
        long Commits, double CommitMs, long Saves, double SaveMs)
    {
        public long TotalCommands => Commands.Sum(c => c.Count);
    }

    public void Reset()
    {
        commands.Clear();
        foreach (var c in new[] { connections, commits, saves })
        {
            Interlocked.Exchange(ref c.Count, 0);
            Interlocked.Exchange(ref c.Ticks, 0);
        }
    }

    public Snapshot Take() => new(
        commands.Select(kv => (kv.Key, Interlocked.Read(ref kv.Value.Count), kv.Value.TotalMs)).OrderByDescending(c => c.Item2).ThenBy(c => c.Key).ToList(),
        connections.Count, connections.TotalMs, commits.Count, commits.TotalMs, saves.Count, saves.TotalMs);

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name != DbLoggerCategory.Name) return;
        lock (subscriptions)
        {
            subscriptions.Add(listener.Subscribe(this, name =>
                name == CommandExecuted || name == ConnectionOpened || name == TransactionCommitted || name == SaveChangesStarting || name == SaveChangesCompleted));
        }
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (!Enabled) return;
        switch (e.Value)
        {
            case CommandExecutedEventData c when e.Key == CommandExecuted:
                commands.GetOrAdd(Shape(c.Command.CommandText), _ => new Counter()).Add(c.Duration);
                break;
            case ConnectionEndEventData c when e.Key == ConnectionOpened:
                connections.Add(c.Duration);
                break;
            case TransactionEndEventData t when e.Key == TransactionCommitted:
                commits.Add(t.Duration);
                break;
            case DbContextEventData d when e.Key == SaveChangesStarting && d.Context is { } ctx:
                saveStarted[ctx] = Stopwatch.GetTimestamp();
                break;
            case DbContextEventData d when e.Key == SaveChangesCompleted && d.Context is { } ctx:
                if (saveStarted.TryRemove(ctx, out var started)) saves.Add(Stopwatch.GetElapsedTime(started));
                break;
        }
    }

    /// <summary>"SELECT access_tokens users" for a statement: its verb and the tables it names, in order.</summary>
    public static string Shape(string sql)
    {
        var verb = FirstWord().Match(sql).Value.ToUpperInvariant();
        var tables = TableNames().Matches(sql).Select(m => m.Groups[1].Value).Distinct().ToList();
        var shape = new StringBuilder(verb);
        foreach (var t in tables) shape.Append(' ').Append(t);
        // Statements EF sends as one command (a batch) are separated by ';'.
        var statements = sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        if (statements > 1) shape.Append(" [batch]");
        return shape.ToString();
    }

    [GeneratedRegex(@"^\s*\w+")]
    private static partial Regex FirstWord();

    [GeneratedRegex(@"(?:FROM|JOIN|INTO|UPDATE)\s+""?(\w+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex TableNames();

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
