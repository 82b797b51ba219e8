using System.Diagnostics;
using System.Globalization;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Custos.Bench.BackupBenchSteps;

namespace Custos.Bench;

/// <summary>
/// Backup and restore (issue 8, Benchmarks): a data set of ~2 GiB (10,000 documents of mixed size plus the database) in a
/// running instance; Custos's first backup, the second after 1% of the documents got a new version, a full restore into
/// an empty directory and a single-document restore, each against the same restic commands run by hand on the same data
/// in the same run (the ceiling). Each step runs in several rounds, Custos and restic by hand alternating who goes first,
/// and the medians are compared: the machine is shared, and one pair of figures says little. Target: Custos's overhead
/// over raw restic at most 10% for backup and restore; a single document back in under 3 s. MB = 10^6 bytes, MiB = 2^20.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class BackupBench
{
    private sealed record Options(string? Pg, double Gib, int Documents, string Work, bool Keep, int SingleRuns, int Rounds);

    /// <summary>One round of a step: Custos's figures and the ceiling's.</summary>
    private sealed record Pair(Measured Custos, Measured Raw);

    private sealed record Step(string Name, List<Pair> Rounds, long DataBytes, string Raw);

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args) is not { } o) return 2;
        Directory.CreateDirectory(o.Work);
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Load.Average()} (1/5/15 min); .NET {Environment.Version}");
        Console.WriteLine($"restic: {(await Tool("restic", ["version"])).Trim()}; work directory {o.Work} ({DocumentBench.FileSystemOf(Path.GetFullPath(o.Work))})");
        var restoreDbs = new List<string>();
        var server = await BenchServer.StartAsync(o.Pg, 0, o.Work);
        try
        {
            var services = server.Host.Services;
            Console.WriteLine($"Database: {server.DatabaseDescription}; data directory {server.DataDirectory}");
            var run = new BackupBenchSteps(server, o.Work, await ProcessCpu.CreateAsync(server.ConnectionString));

            // The data set, through the real document services.
            var sizes = BackupBenchData.Sizes(o.Documents, (long)(o.Gib * (1L << 30)));
            var sorted = sizes.Order().ToArray();
            Console.WriteLine($"Data set: {sizes.Length:N0} documents, {Mib(sizes.Sum()):F0} MiB of pseudo-random content in {BackupBenchData.Tenants} tenants × " +
                              $"{BackupBenchData.FoldersPerTenant} folders; sizes min {sorted[0] / 1024.0:F1} KiB, median {sorted[sorted.Length / 2] / 1024.0:F1} KiB, " +
                              $"p90 {sorted[sorted.Length * 9 / 10] / 1024.0:F0} KiB, max {Mib(sorted[^1]):F1} MiB; {sizes.Count(s => s >= 20L << 20)} of ≥ 20 MiB " +
                              $"({Mib(sizes.Where(s => s >= 20L << 20).Sum()):F0} MiB), {sizes.Count(s => s is >= 512L << 10 and < 20L << 20)} of 0.5–20 MiB " +
                              $"({Mib(sizes.Where(s => s is >= 512L << 10 and < 20L << 20).Sum()):F0} MiB), {sizes.Count(s => s < 512L << 10)} below 0.5 MiB " +
                              $"({Mib(sizes.Where(s => s < 512L << 10).Sum()):F0} MiB)");
            var clock = Stopwatch.StartNew();
            var data = await BackupBenchData.CreateAsync(server, sizes);
            await DocumentBench.DrainIndexerAsync(services);
            Console.WriteLine($"Stored in-process through DocumentUploads.CreateAsync (8 writers; no HTTP, no sluice): {clock.Elapsed.TotalSeconds:F1} s, " +
                              $"{data.Bytes / clock.Elapsed.TotalSeconds / 1e6:F0} MB/s. Load {Load.Average()}");
            var pick = data.MidSized();

            // First backup: a new pair of repositories per round; the last pair stays for the rest.
            List<Pair> first = [];
            List<Measured> firstForget = [], secondForget = [], firstConsistent = [], secondConsistent = [];
            string target = "";
            RawRestic? raw = null;
            for (var r = 1; r <= o.Rounds; r++)
            {
                string note;
                (target, raw, note) = await run.NewRepositoriesAsync(r);
                Console.WriteLine($"Round {r}: {note}");
                first.Add(await InTurnAsync(r, () => run.CustosBackupAsync(target), async () =>
                {
                    var backup = await run.RawBackupAsync(raw);
                    firstForget.Add(await run.RawForgetAsync(raw));
                    firstConsistent.Add(await run.ConsistentCopyExtraAsync());
                    return backup;
                }));
                if (r < o.Rounds) await run.DropRepositoriesAsync(target, raw, r);
            }
            var dataBytes = DirectorySize.Of(run.Blobs).Bytes + DirectorySize.Of(run.RawDb).Bytes;
            var (blobFiles, blobBytes) = DirectorySize.Of(run.Blobs);
            Console.WriteLine($"Data set on disk: blobs {Mib(blobBytes):F0} MiB in {blobFiles:N0} files, database copy {Mib(DirectorySize.Of(run.RawDb).Bytes):F1} MiB: " +
                              $"{dataBytes / 1e6:F0} MB in all");
            var steps = new List<Step>
            {
                new("first backup", first, dataBytes, "cp/pg_dump + restic backup"),
                new("first backup with retention", WithExtra(first, firstForget), dataBytes, "… + forget --prune"),
            };
            if (o.Pg is null) steps.Add(new("first backup, by hand with a consistent copy", WithExtra(first, firstConsistent), dataBytes, "VACUUM INTO + integrity_check + restic backup"));
            var custosRepo = CustosRepository(o.Work, o.Rounds);
            var sizesAfterFirst = (DirectorySize.Of(custosRepo).Bytes, DirectorySize.Of(raw!.Repository).Bytes);
            var opens = new List<TimeSpan>();
            for (var i = 0; i < 3; i++) opens.Add((await raw.RunAsync("snapshots", "--json")).Elapsed);

            // 1% of the documents get a new version before each second backup.
            var second = new List<Pair>();
            for (var r = 1; r <= o.Rounds; r++)
            {
                var (changed, changedBytes, changeTime) = await data.ChangeOnePercentAsync(pick.Id, r);
                await DocumentBench.DrainIndexerAsync(services);
                Console.WriteLine($"Round {r}: {changed} documents got a new version of the same size ({Mib(changedBytes):F1} MiB) in {changeTime.TotalSeconds:F1} s");
                second.Add(await InTurnAsync(r, () => run.CustosBackupAsync(target), async () =>
                {
                    var backup = await run.RawBackupAsync(raw);
                    secondForget.Add(await run.RawForgetAsync(raw));
                    secondConsistent.Add(await run.ConsistentCopyExtraAsync());
                    return backup;
                }));
            }
            dataBytes = DirectorySize.Of(run.Blobs).Bytes + DirectorySize.Of(run.RawDb).Bytes;
            steps.Add(new Step("second backup (1% changed)", second, dataBytes, "cp/pg_dump + restic backup"));
            steps.Add(new Step("second backup with retention", WithExtra(second, secondForget), dataBytes, "… + forget --prune"));
            if (o.Pg is null)
                steps.Add(new Step("second backup, by hand with a consistent copy", WithExtra(second, secondConsistent), dataBytes,
                    "VACUUM INTO + integrity_check + restic backup"));
            var sizesAfterSecond = (DirectorySize.Of(custosRepo).Bytes, DirectorySize.Of(raw.Repository).Bytes);

            // Full restores into empty directories; raw without and with --verify (Custos's restic restore verifies).
            List<Pair> restore = [], restoreVerify = [], wrapper = [];
            for (var r = 1; r <= o.Rounds; r++)
            {
                // PostgreSQL: an empty database for Custos's restore and one for each raw restore's pg_restore.
                string? postgres = null, rawPostgres = null, rawVerifyPostgres = null;
                if (o.Pg is not null)
                {
                    var fresh = new List<string>();
                    for (var i = 0; i < 3; i++)
                    {
                        restoreDbs.Add(await BenchServer.CreateDatabaseAsync(o.Pg, "custos_bench_restore_"));
                        fresh.Add(new Npgsql.NpgsqlConnectionStringBuilder(o.Pg) { Database = restoreDbs[^1] }.ToString());
                    }
                    (postgres, rawPostgres, rawVerifyPostgres) = (fresh[0], fresh[1], fresh[2]);
                }
                var dirs = new[] { "restore-custos", "restore-raw", "restore-raw-verify", "restore-wrapper" }.Select(d => Path.Combine(o.Work, $"{d}-{r}")).ToArray();
                var results = new Measured[dirs.Length];
                foreach (var which in Enumerable.Range(0, dirs.Length).Select(i => (i + r - 1) % dirs.Length))
                {
                    results[which] = which switch
                    {
                        0 => await run.CustosRestoreAsync(target, dirs[0], postgres),
                        1 => await run.RawRestoreAsync(raw, dirs[1], verify: false, rawPostgres),
                        2 => await run.RawRestoreAsync(raw, dirs[2], verify: true, rawVerifyPostgres),
                        _ => await run.WrapperRestoreAsync(target, dirs[3]),
                    };
                }
                restore.Add(new Pair(results[0], results[1]));
                restoreVerify.Add(new Pair(results[0], results[2]));
                wrapper.Add(new Pair(results[3], results[2]));
                foreach (var d in dirs) Directory.Delete(d, recursive: true);
                if (o.Pg is not null)
                    foreach (var db in restoreDbs.TakeLast(3)) await BenchServer.DropDatabaseAsync(o.Pg, db);
            }
            var load = o.Pg is null ? "" : " + pg_restore";
            steps.Add(new Step("full restore", restore, dataBytes, "restore latest --target EMPTY" + load));
            steps.Add(new Step("full restore, raw with --verify as Custos runs it", restoreVerify, dataBytes, "restore … --verify" + load));
            steps.Add(new Step("restic restore --verify alone: Custos's wrapper (left) against by hand", wrapper, dataBytes, "restore … --verify"));

            // One document back, interleaved with restic restoring its blob by hand (without and with --verify).
            string address;
            await using (var db = server.Context())
                address = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == pick.Id && v.Number == 1).Select(v => v.BlobAddress).SingleAsync();
            var blobPath = Path.Combine(run.Blobs, address[..2], address[2..4], address);
            var snapshot = (await services.GetRequiredService<BackupViews>().RunsAsync(target, BackupRunKind.Backup, 1))[0].SnapshotId!;
            var documentRestore = services.GetRequiredService<DocumentRestore>();
            var actor = new Actor("bench", "127.0.0.1");
            List<TimeSpan> custosSingle = [], rawSingle = [], rawSingleVerify = [];
            for (var i = 0; i < o.SingleRuns; i++)
            {
                clock.Restart();
                var restored = await documentRestore.RestoreAsync(target, snapshot, null, pick.Id.ToString(), actor);
                custosSingle.Add(clock.Elapsed);
                if (!restored.Succeeded) throw new InvalidOperationException($"document restore: {restored.Error!.Message}");
                foreach (var (list, verify) in new[] { (rawSingle, false), (rawSingleVerify, true) })
                {
                    var into = Path.Combine(o.Work, $"single-raw-{i}-{verify}");
                    var one = await raw.RunAsync(["restore", "latest", "--target", into, "--include", blobPath, .. verify ? new[] { "--verify" } : []]);
                    list.Add(one.Elapsed);
                    var file = new FileInfo(Path.Combine(into, blobPath.TrimStart('/')));
                    if (!file.Exists || file.Length != new FileInfo(blobPath).Length) throw new InvalidOperationException("raw single restore: blob missing");
                }
            }
            Console.WriteLine($"Single document: {pick.Name} ({Mib(pick.Size):F2} MiB), by id from snapshot {snapshot[..8]}; {o.SingleRuns} runs each. Load {Load.Average()}");
            var parts = await run.SingleRestorePartsAsync(target, snapshot, pick.Id);
            Console.WriteLine("Single document, its read-only parts once more: " + parts);

            Print(steps, custosSingle, rawSingle, rawSingleVerify);
            Console.WriteLine($"- single-document restore, its read-only parts once more: {parts}");
            Console.WriteLine($"- one restic run that only opens the repository (`restic snapshots --json`, median of 3): {S(opens.Order().ElementAt(1))}");
            Console.WriteLine($"- repository size after the first / second backups: Custos {Mib(sizesAfterFirst.Item1):F0} / {Mib(sizesAfterSecond.Item1):F0} MiB " +
                              $"(+{Mib(sizesAfterSecond.Item1 - sizesAfterFirst.Item1):F1} for {o.Rounds} second backups), raw {Mib(sizesAfterFirst.Item2):F0} / " +
                              $"{Mib(sizesAfterSecond.Item2):F0} MiB (+{Mib(sizesAfterSecond.Item2 - sizesAfterFirst.Item2):F1})");
            Console.WriteLine($"Load average at the end {Load.Average()}");
            return 0;
        }
        finally
        {
            await server.DisposeAsync();
            foreach (var db in restoreDbs) await BenchServer.DropDatabaseAsync(o.Pg!, db);
            if (!o.Keep) Directory.Delete(o.Work, recursive: true);
        }
    }

    /// <summary>
    /// The rounds with something added to the raw side: `forget --prune` (Custos applies retention in the first run of
    /// a day), or what a consistent database copy costs by hand beyond `cp`.
    /// </summary>
    private static List<Pair> WithExtra(List<Pair> rounds, List<Measured> extras) =>
        rounds.Zip(extras, (p, f) => new Pair(p.Custos, new Measured(p.Raw.Wall + f.Wall, p.Raw.Cpu + f.Cpu, p.Raw.Note + "; " + f.Note))).ToList();

    /// <summary>Custos first in odd rounds, restic by hand first in even ones.</summary>
    private static async Task<Pair> InTurnAsync(int round, Func<Task<Measured>> custos, Func<Task<Measured>> raw)
    {
        if (round % 2 == 1)
        {
            var c = await custos();
            return new Pair(c, await raw());
        }
        var r = await raw();
        return new Pair(await custos(), r);
    }

    private static void Print(List<Step> steps, List<TimeSpan> custosSingle, List<TimeSpan> rawSingle, List<TimeSpan> rawSingleVerify)
    {
        static TimeSpan Median(IEnumerable<TimeSpan> values)
        {
            var l = values.Order().ToList();
            return l.Count % 2 == 1 ? l[l.Count / 2] : (l[l.Count / 2 - 1] + l[l.Count / 2]) / 2;
        }
        // Rounded first, so that a tiny negative difference prints as 0% rather than "-0%".
        static string Pct(double ratio) => Math.Round(ratio - 1, 2).ToString("+0%;-0%;0%", CultureInfo.InvariantCulture);
        static string Diff(TimeSpan d) => Math.Round(d.TotalSeconds, 1).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

        Console.WriteLine();
        Console.WriteLine("| step (medians of the rounds) | Custos wall | raw restic wall | overhead (wall) | per round | Custos CPU | raw CPU | overhead (CPU) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in steps)
        {
            var (cw, rw) = (Median(s.Rounds.Select(p => p.Custos.Wall)), Median(s.Rounds.Select(p => p.Raw.Wall)));
            var (cc, rc) = (Median(s.Rounds.Select(p => p.Custos.Cpu)), Median(s.Rounds.Select(p => p.Raw.Cpu)));
            var rounds = string.Join(", ", s.Rounds.Select(p => Pct(p.Custos.Wall / p.Raw.Wall)));
            Console.WriteLine($"| {s.Name} ({s.Raw}) | {S(cw)}, {s.DataBytes / cw.TotalSeconds / 1e6:F0} MB/s | {S(rw)}, {s.DataBytes / rw.TotalSeconds / 1e6:F0} MB/s | " +
                              $"{Pct(cw / rw)} ({Diff(cw - rw)} s) | {rounds} | {S(cc)} | {S(rc)} | {Pct(cc / rc)} ({Diff(cc - rc)} s) |");
        }
        string Runs(List<TimeSpan> l) => $"median {S(Median(l))}, max {S(l.Max())} ({string.Join(", ", l.Select(S))})";
        Console.WriteLine();
        Console.WriteLine($"Single-document restore (target < 3 s): Custos {Runs(custosSingle)}; restic by hand {Runs(rawSingle)}, with --verify {Runs(rawSingleVerify)}");
        Console.WriteLine();
        foreach (var s in steps.Where(s => !s.Name.Contains("--verify", StringComparison.Ordinal) && !s.Name.Contains("retention", StringComparison.Ordinal)))
        {
            for (var i = 0; i < s.Rounds.Count; i++)
            {
                Console.WriteLine($"- {s.Name}, round {i + 1}, Custos: {s.Rounds[i].Custos.Note}");
                Console.WriteLine($"- {s.Name}, round {i + 1}, raw: {s.Rounds[i].Raw.Note}");
            }
        }
    }

    private static Options? Parse(string[] args)
    {
        string? pg = null, work = null;
        double gib = 2;
        int documents = 10_000, singleRuns = 5, rounds = 3;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pg" when i + 1 < args.Length: pg = args[++i]; break;
                case "--gib" when i + 1 < args.Length: gib = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--documents" when i + 1 < args.Length: documents = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--work" when i + 1 < args.Length: work = args[++i]; break;
                case "--single-runs" when i + 1 < args.Length: singleRuns = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--rounds" when i + 1 < args.Length: rounds = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--keep": keep = true; break;
                default:
                    Console.Error.WriteLine("Options: --pg <admin connection string> --gib <n> --documents <n> --work <dir> --rounds <n> --single-runs <n> --keep");
                    return null;
            }
        }
        // A folder of this run's own inside --work, removed at the end (unless --keep).
        var parent = Path.GetFullPath(work ?? Path.GetTempPath());
        Directory.CreateDirectory(parent);
        return new Options(pg, gib, documents, Path.Combine(parent, "custos-backup-bench-" + Guid.NewGuid().ToString("N")[..8]), keep, singleRuns, rounds);
    }
}
