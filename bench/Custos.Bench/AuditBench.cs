using System.Diagnostics;
using System.Globalization;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Custos.Bench;

/// <summary>
/// Audit log costs: appends with chaining (one event per durable transaction, single and concurrent writers; batched
/// events per transaction), the same inserts without the chain as a baseline, and verification speed on a long chain.
/// </summary>
internal static class AuditBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? pg = null;
        var appendEvents = 3000;
        var verifyEvents = 1_000_000;
        var writers = 8;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pg" when i + 1 < args.Length: pg = args[++i]; break;
                case "--append-events" when i + 1 < args.Length: appendEvents = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--verify-events" when i + 1 < args.Length: verifyEvents = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--writers" when i + 1 < args.Length: writers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("Options: --pg <admin connection string> --append-events <n> --verify-events <n> --writers <n>");
                    return 2;
            }
        }

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}");
        Console.WriteLine($"Database: {(pg is null ? "SQLite (WAL, synchronous=FULL, local disk)" : "PostgreSQL (" + new NpgsqlConnectionStringBuilder(pg) { Password = null } + ")")}");

        await using (var db = await BenchDatabase.CreateAsync(pg))
        {
            var audit = new AuditLog(TimeProvider.System);
            // Warm-up: the first thousand operations run partly unoptimised (tiered JIT, EF query compilation).
            await AppendAsync(db, audit, 2000, 2, 1);
            await PlainInsertAsync(db, 2000, 2);
            await Report("chained, 1 event per transaction, 1 writer", appendEvents, () => AppendAsync(db, audit, appendEvents, 1, 1));
            await Report($"chained, 1 event per transaction, {writers} writers", appendEvents, () => AppendAsync(db, audit, appendEvents, writers, 1));
            await Report("chained, 100 events per transaction", appendEvents * 10, () => AppendAsync(db, audit, appendEvents * 10, 1, 100));
            await Report("chained, 1000 events per transaction", appendEvents * 50, () => AppendAsync(db, audit, appendEvents * 50, 1, 1000));
            await Report("baseline: same rows, no chain, 1 per transaction, 1 writer", appendEvents, () => PlainInsertAsync(db, appendEvents, 1));
            await Report($"baseline: same rows, no chain, 1 per transaction, {writers} writers", appendEvents, () => PlainInsertAsync(db, appendEvents, writers));
        }

        await using (var db = await BenchDatabase.CreateAsync(pg))
        {
            var audit = new AuditLog(TimeProvider.System);
            var fill = Stopwatch.StartNew();
            await AppendAsync(db, audit, verifyEvents, 1, 5000);
            Console.WriteLine($"filled {verifyEvents:N0} events in {fill.Elapsed.TotalSeconds:F1} s");
            var best = double.MaxValue;
            for (var run = 0; run < 3; run++)
            {
                await using var ctx = db.Context();
                var before = GC.GetTotalAllocatedBytes(true);
                var sw = Stopwatch.StartNew();
                var result = await AuditChainVerifier.VerifyAsync(ctx, SqliteAuditRows.Open);
                sw.Stop();
                if (!result.IsIntact || result.VerifiedEvents != verifyEvents) throw new InvalidOperationException($"verification failed: {result}");
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                Console.WriteLine($"verify run {run + 1}: {verifyEvents / sw.Elapsed.TotalSeconds:N0} events/s ({sw.Elapsed.TotalSeconds:F2} s, " +
                                  $"{(GC.GetTotalAllocatedBytes(true) - before) / 1e6:F0} MB allocated, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB)");
            }
            Console.WriteLine($"verify best: {verifyEvents / best:N0} events/s");
        }
        return 0;
    }

    private static async Task Report(string name, int events, Func<Task> work)
    {
        var sw = Stopwatch.StartNew();
        await work();
        sw.Stop();
        Console.WriteLine($"{name,-62} {events / sw.Elapsed.TotalSeconds,10:N0} events/s  ({events:N0} events, {sw.Elapsed.TotalSeconds:F2} s)");
    }

    private static Task AppendAsync(BenchDatabase db, AuditLog audit, int events, int writers, int perTransaction) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = events / writers;
            for (var done = 0; done < mine; done += perTransaction)
            {
                var batch = Enumerable.Range(done, Math.Min(perTransaction, mine - done)).Select(i => Entry(w, i)).ToList();
                await using var ctx = db.Context();
                await using var tx = await ctx.Database.BeginTransactionAsync();
                await audit.CommitAsync(ctx, tx, batch);
            }
        })));

    /// <summary>The same rows through the same EF path, without the head lock and hashing: what the chain adds is the difference.</summary>
    private static Task PlainInsertAsync(BenchDatabase db, int events, int writers) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = events / writers;
            for (var i = 0; i < mine; i++)
            {
                await using var ctx = db.Context();
                await using var tx = await ctx.Database.BeginTransactionAsync();
                var e = Entry(w, i);
                ctx.AuditEvents.Add(new AuditEvent
                {
                    Sequence = -(Interlocked.Increment(ref plainSequence)),
                    Actor = e.Actor,
                    Action = e.Action,
                    Target = e.Target,
                    OccurredAt = DateTimeOffset.UtcNow.ToStoredPrecision(),
                    TenantId = TenantId.System,
                    Outcome = AuditOutcome.Success,
                    ClientAddress = e.ClientAddress,
                    PreviousHash = new byte[32],
                    Hash = new byte[32],
                });
                await ctx.SaveChangesAsync();
                await tx.CommitAsync();
            }
        })));

    private static long plainSequence;

    private static AuditEntry Entry(int writer, int i) =>
        new($"user:bench{writer}", "bench.event", Target: $"document:{i}", ClientAddress: "127.0.0.1",
            Details: new Dictionary<string, string?> { ["n"] = i.ToString(CultureInfo.InvariantCulture) });
}

/// <summary>A throwaway database: a temporary SQLite file, or a new database on the given PostgreSQL server.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? dir;
    private readonly string? pgAdmin;
    private readonly string? pgName;

    private BenchDatabase(DatabaseSettings settings, string? dir, string? pgAdmin, string? pgName) =>
        (Settings, this.dir, this.pgAdmin, this.pgName) = (settings, dir, pgAdmin, pgName);

    public DatabaseSettings Settings { get; }

    public static async Task<BenchDatabase> CreateAsync(string? pgAdmin)
    {
        BenchDatabase db;
        if (pgAdmin is null)
        {
            var dir = Directory.CreateTempSubdirectory("custos-bench-").FullName;
            db = new BenchDatabase(DatabaseSettings.ForDataDirectory(dir), dir, null, null);
        }
        else
        {
            var name = "custos_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var conn = new NpgsqlConnection(pgAdmin))
            {
                await conn.OpenAsync();
                await new NpgsqlCommand($"CREATE DATABASE {name}", conn).ExecuteNonQueryAsync();
            }
            db = new BenchDatabase(new DatabaseSettings(DatabaseProvider.PostgreSql,
                new NpgsqlConnectionStringBuilder(pgAdmin) { Database = name }.ToString()), null, pgAdmin, name);
        }
        await DatabaseMigrator.MigrateAsync(db.Settings);
        return db;
    }

    // Options built once, as the server's context factory does; building them per context costs milliseconds.
    private DbContextOptions<CustosDbContext>? options;

    public CustosDbContext Context()
    {
        if (options is null)
        {
            var builder = new DbContextOptionsBuilder<CustosDbContext>();
            StorageServiceCollectionExtensions.Configure(builder, Settings);
            options = builder.Options;
        }
        return new CustosDbContext(options);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (dir is not null) Directory.Delete(dir, true);
        if (pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(pgAdmin);
            await conn.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE {pgName} WITH (FORCE)", conn).ExecuteNonQueryAsync();
        }
    }
}

internal static class Machine
{
    public static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
