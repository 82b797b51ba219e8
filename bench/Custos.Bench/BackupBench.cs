using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Core.Data;
using Custos.Core.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// Backup and restore (issue 8, Benchmarks): a data set of ~2 GiB (10,000 documents of mixed size plus the database) in a
/// running instance; Custos's first backup, the second after 1% of the documents got a new version, a full restore into
/// an empty directory and a single-document restore, each against the same restic commands run by hand on the same data
/// in the same run (the ceiling). Target: Custos's overhead over raw restic at most 10% for backup and restore; a
/// single document back in under 3 s. MB = 10^6 bytes, MiB = 2^20.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class BackupBench
{
    private const string Target = "bench";

    private sealed record Options(string? Pg, double Gib, int Documents, string Work, bool Keep, int SingleRuns);

    private sealed record Step(string Name, TimeSpan Custos, TimeSpan Raw, long DataBytes, string? RawNote = null)
    {
        public double Overhead => (Custos.TotalSeconds / Raw.TotalSeconds - 1) * 100;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args) is not { } o) return 2;
        Directory.CreateDirectory(o.Work);
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Load.Average()} (1/5/15 min); .NET {Environment.Version}");
        Console.WriteLine($"restic: {(await Tool("restic", "version")).Trim()}; work directory {o.Work} ({DocumentBench.FileSystemOf(Path.GetFullPath(o.Work))})");
        var actor = new Actor("bench", "127.0.0.1");
        string? restoreDb = null;
        var server = await BenchServer.StartAsync(o.Pg, 0, o.Work);
        try
        {
            var services = server.Host.Services;
            Console.WriteLine($"Database: {server.DatabaseDescription}; data directory {server.DataDirectory}");

            // 1. The data set, through the real document services.
            var sizes = BackupBenchData.Sizes(o.Documents, (long)(o.Gib * (1L << 30)));
            var sorted = sizes.Order().ToArray();
            Console.WriteLine($"Data set: {sizes.Length:N0} documents, {Mib(sizes.Sum()):F0} MiB of random content in {BackupBenchData.Tenants} tenants × " +
                              $"{BackupBenchData.FoldersPerTenant} folders; sizes min {Kib(sorted[0]):F1} KiB, median {Kib(sorted[sorted.Length / 2]):F1} KiB, " +
                              $"p90 {Kib(sorted[sorted.Length * 9 / 10]):F0} KiB, max {Mib(sorted[^1]):F1} MiB; {sizes.Count(s => s >= 20L << 20)} of ≥ 20 MiB " +
                              $"({Mib(sizes.Where(s => s >= 20L << 20).Sum()):F0} MiB), {sizes.Count(s => s is >= 512L << 10 and < 20L << 20)} of 0.5–20 MiB, " +
                              $"{sizes.Count(s => s < 512L << 10)} below 0.5 MiB");
            var clock = Stopwatch.StartNew();
            var data = await BackupBenchData.CreateAsync(server, sizes);
            await DocumentBench.DrainIndexerAsync(services);
            Console.WriteLine($"Stored in-process through DocumentUploads.CreateAsync (8 writers; no HTTP, no sluice): {clock.Elapsed.TotalSeconds:F1} s, " +
                              $"{data.Bytes / clock.Elapsed.TotalSeconds / 1e6:F0} MB/s. Load {Load.Average()}");

            var blobs = Path.Combine(server.DataDirectory, "blobs");
            var rawDb = Directory.CreateDirectory(Path.Combine(o.Work, "raw-db")).FullName;
            var raw = new RawRestic(Path.Combine(o.Work, "raw-repo"), Path.Combine(o.Work, "raw-cache"));
            var custosRepo = Path.Combine(o.Work, "custos-repo");

            clock.Restart();
            var added = await services.GetRequiredService<BackupTargets>().AddAsync(
                new BackupTargetInput(Target, custosRepo, BackupRole.Local, Schedule: "0 3 1 1 *"), actor);
            if (!added.Succeeded) throw new InvalidOperationException($"target add: {added.Error!.Message}");
            var custosInit = clock.Elapsed;
            var rawInit = (await raw.RunAsync("init")).Elapsed;
            Console.WriteLine($"Repositories: Custos target add (restic init, password sealed in the keyring) {custosInit.TotalSeconds:F2} s; restic init by hand " +
                              $"{rawInit.TotalSeconds:F2} s (the schedule of the target is set to 1 January, so the scheduler stays out of the way)");

            var steps = new List<Step>();
            var notes = new List<string>();

            // 2. First backup: Custos, then the same data by hand.
            var (first, firstNote) = await CustosBackupAsync(server, actor, o.Work);
            var (rawFirst, rawFirstCopy, rawFirstSummary) = await RawBackupAsync(server, raw, rawDb, blobs, ignoreCtime: false);
            var dataBytes = DirectorySize.Of(blobs).Bytes + DirectorySize.Of(rawDb).Bytes;
            Console.WriteLine($"Data set on disk: blobs {Mib(DirectorySize.Of(blobs).Bytes):F0} MiB in {DirectorySize.Of(blobs).Files:N0} files, database copy " +
                              $"{Mib(DirectorySize.Of(rawDb).Bytes):F1} MiB: {dataBytes / 1e6:F0} MB in all");
            steps.Add(new Step("first backup", first, rawFirst + rawFirstCopy, dataBytes, $"restic backup {S(rawFirst)} + database copy {S(rawFirstCopy)}"));
            notes.Add("first backup, Custos: " + firstNote);
            notes.Add($"first backup, raw: {Summary(rawFirstSummary)}");
            var custosSize1 = DirectorySize.Of(custosRepo).Bytes;
            var rawSize1 = DirectorySize.Of(raw.Repository).Bytes;
            var opens = new List<TimeSpan>();
            for (var i = 0; i < 3; i++) opens.Add((await raw.RunAsync("snapshots", "--json")).Elapsed);
            notes.Add($"one restic invocation that only opens the repository (`restic snapshots --json`, median of 3): {S(opens.Order().ElementAt(1))}");

            // 3. 1% of the documents get a new version; second backup.
            var (changed, changedBytes, changeTime) = await data.ChangeOnePercentAsync(data.MidSized().Id);
            await DocumentBench.DrainIndexerAsync(services);
            Console.WriteLine($"Changed: {changed} documents got a new version of the same size ({Mib(changedBytes):F1} MiB) in {changeTime.TotalSeconds:F1} s. Load {Load.Average()}");
            var (second, secondNote) = await CustosBackupAsync(server, actor, o.Work);
            // Custos's staging links every blob (link(2) changes the inode's ctime), so after a Custos run restic by hand would read
            // all blobs again; --ignore-ctime gives it what it would see on an instance backed up by hand only (ctime untouched).
            var (rawSecond, rawSecondCopy, rawSecondSummary) = await RawBackupAsync(server, raw, rawDb, blobs, ignoreCtime: true);
            dataBytes = DirectorySize.Of(blobs).Bytes + DirectorySize.Of(rawDb).Bytes;
            steps.Add(new Step("second backup (1% changed)", second, rawSecond + rawSecondCopy, dataBytes,
                $"restic backup --ignore-ctime {S(rawSecond)} + database copy {S(rawSecondCopy)}"));
            notes.Add("second backup, Custos: " + secondNote);
            notes.Add($"second backup, raw: {Summary(rawSecondSummary)}");
            var custosSize2 = DirectorySize.Of(custosRepo).Bytes;
            var rawSize2 = DirectorySize.Of(raw.Repository).Bytes;
            notes.Add($"repository size after the first / second backup: Custos {Mib(custosSize1):F0} / {Mib(custosSize2):F0} MiB (+{Mib(custosSize2 - custosSize1):F1}), " +
                      $"raw {Mib(rawSize1):F0} / {Mib(rawSize2):F0} MiB (+{Mib(rawSize2 - rawSize1):F1})");

            // 4. Full restore into empty directories: raw, Custos, raw with --verify (Custos's restic restore verifies).
            if (o.Pg is not null) restoreDb = await BenchServer.CreateDatabaseAsync(o.Pg, "custos_bench_restore_");
            var rawRestore = await RawRestoreAsync(raw, Path.Combine(o.Work, "restore-raw"), blobs, verify: false);
            var (restore, restoreNote) = await CustosRestoreAsync(services, actor, Path.Combine(o.Work, "restore-custos"),
                restoreDb is null ? null : new Npgsql.NpgsqlConnectionStringBuilder(o.Pg) { Database = restoreDb }.ToString());
            notes.Add("full restore, Custos: " + restoreNote);
            var rawRestoreVerify = await RawRestoreAsync(raw, Path.Combine(o.Work, "restore-raw-verify"), blobs, verify: true);
            steps.Add(new Step("full restore", restore, rawRestore, dataBytes, "restore latest --target EMPTY"));
            steps.Add(new Step("full restore, raw with --verify (as Custos runs it)", restore, rawRestoreVerify, dataBytes, "restore latest --target EMPTY --verify"));

            // 5. One document back, five times each, interleaved.
            var pick = data.MidSized();
            string address;
            await using (var db = server.Context())
                address = await db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == pick.Id && v.Number == 1).Select(v => v.BlobAddress).SingleAsync();
            var blobPath = Path.Combine(blobs, address[..2], address[2..4], address);
            var snapshot = (await services.GetRequiredService<BackupViews>().RunsAsync(Target, BackupRunKind.Backup, 1))[0].SnapshotId!;
            var documentRestore = services.GetRequiredService<DocumentRestore>();
            List<TimeSpan> custosSingle = [], rawSingle = [], rawSingleVerify = [];
            for (var i = 0; i < o.SingleRuns; i++)
            {
                clock.Restart();
                var r = await documentRestore.RestoreAsync(Target, snapshot, null, pick.Id.ToString(), actor);
                custosSingle.Add(clock.Elapsed);
                if (!r.Succeeded) throw new InvalidOperationException($"document restore: {r.Error!.Message}");
                foreach (var (list, verify) in new[] { (rawSingle, false), (rawSingleVerify, true) })
                {
                    var into = Path.Combine(o.Work, $"single-raw-{i}-{verify}");
                    var run = await raw.RunAsync(["restore", "latest", "--target", into, "--include", blobPath, .. verify ? new[] { "--verify" } : []]);
                    list.Add(run.Elapsed);
                    var restored = new FileInfo(Path.Combine(into, blobPath.TrimStart('/')));
                    if (!restored.Exists || restored.Length != new FileInfo(blobPath).Length) throw new InvalidOperationException("raw single restore: blob missing");
                }
            }
            Console.WriteLine($"Single document: {pick.Name} ({Mib(pick.Size):F2} MiB; blob {Mib(new FileInfo(blobPath).Length):F2} MiB), {o.SingleRuns} runs each. Load {Load.Average()}");

            Print(steps, notes, custosSingle, rawSingle, rawSingleVerify);
            return 0;
        }
        finally
        {
            await server.DisposeAsync();
            if (restoreDb is not null) await BenchServer.DropDatabaseAsync(o.Pg!, restoreDb);
            if (!o.Keep) Directory.Delete(o.Work, recursive: true);
        }
    }

    /// <summary>`BackupRunner.RunAsync(verify: false)` with its phases, then the staging alone and the database copy alone on the same data, for the breakdown.</summary>
    private static async Task<(TimeSpan Elapsed, string Note)> CustosBackupAsync(BenchServer server, Actor actor, string work)
    {
        var services = server.Host.Services;
        Console.WriteLine($"Custos backup starts. {Settle()}");
        var phases = new PhaseClock();
        var result = await services.GetRequiredService<BackupRunner>().RunAsync(Target, "bench", actor, progress: phases, verify: false);
        var total = phases.Elapsed;
        var run = result.Succeeded ? result.Value! : throw new InvalidOperationException($"backup: {result.Error!.Message}");
        if (run.Outcome != BackupOutcome.Succeeded) throw new InvalidOperationException($"backup failed: {run.Error}");
        var uploading = phases.At(BackupPhase.Uploading, TimeSpan.Zero);
        var journal = phases.At(BackupPhase.Journal, total);
        var pruning = phases.At(BackupPhase.Pruning, total);

        // The same staging once more (what the run did before restic started), and the database copy on its own.
        var staging = services.GetRequiredService<InstanceStaging>();
        var clock = Stopwatch.StartNew();
        var staged = await staging.PrepareAsync(CancellationToken.None);
        var stagingTime = clock.Elapsed;
        clock.Restart();
        staging.Clear();
        var clearTime = clock.Elapsed;
        var dump = services.GetRequiredService<IDatabaseDump>();
        var dumpDir = Directory.CreateDirectory(Path.Combine(work, "dump-alone")).FullName;
        clock.Restart();
        await dump.DumpAsync(Path.Combine(dumpDir, dump.FileName), async db =>
        {
            await BackupManifest.CountAsync(db, CancellationToken.None);
            await BackupCatalog.WriteAsync(db, Path.Combine(dumpDir, BackupCatalog.FileName), CancellationToken.None);
        }, CancellationToken.None);
        var dumpTime = clock.Elapsed;
        var dumpBytes = DirectorySize.Of(dumpDir).Bytes;
        Directory.Delete(dumpDir, recursive: true);

        using var report = JsonDocument.Parse(run.Report ?? "{}");
        long R(string name) => report.RootElement.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
        var note = $"{S(total)} in all: start → first restic progress {S(uploading)} (the staging alone, again right after: {S(stagingTime)}; the " +
                   $"database copy with counts and catalog alone {S(dumpTime)} ({Mib(dumpBytes):F1} MiB); the rest is `restic unlock` and restic backup's " +
                   $"start), restic backup {S(journal - uploading)}, journal {S(pruning - journal)}, forget ×2 + run record {S(total - pruning)}; " +
                   $"clearing the staging {S(clearTime)}; snapshot {run.SnapshotId![..8]}, {run.Files:N0} files, {Mib(run.Bytes):F0} MiB, added {Mib(run.AddedBytes):F1} MiB, " +
                   $"files new/changed/unmodified {R("filesNew"):N0}/{R("filesChanged"):N0}/{R("filesUnmodified"):N0}, catalog {R("catalogVersions"):N0} versions " +
                   $"({staged.Manifest.Blobs:N0} blobs staged). Load {Load.Average()}";
        Console.WriteLine("Custos backup: " + note);
        return (total, note);
    }

    /// <summary>What an administrator would do without Custos: copy the database (stopping nothing), then `restic backup` of the blob folder and that copy.</summary>
    private static async Task<(TimeSpan Backup, TimeSpan Copy, RawRestic.Summary Summary)> RawBackupAsync(BenchServer server, RawRestic raw, string rawDb,
        string blobs, bool ignoreCtime)
    {
        Console.WriteLine($"Raw backup starts. {Settle()}");
        foreach (var f in Directory.EnumerateFiles(rawDb)) File.Delete(f);
        var clock = Stopwatch.StartNew();
        if (server.ConnectionString is { } cs)
        {
            // PostgreSQL by hand: pg_dump -Fc (the password through the environment, as Custos passes it).
            var b = new Npgsql.NpgsqlConnectionStringBuilder(cs);
            await Tool("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", Path.Combine(rawDb, "custos.pgdump")], new Dictionary<string, string>
            {
                ["PGHOST"] = b.Host!, ["PGPORT"] = b.Port.ToString(CultureInfo.InvariantCulture), ["PGDATABASE"] = b.Database!, ["PGUSER"] = b.Username!,
                ["PGPASSWORD"] = b.Password ?? "",
            });
        }
        else
        {
            // SQLite by hand: cp custos.db* (the WAL too); not guaranteed consistent, which is what VACUUM INTO is for.
            foreach (var f in Directory.EnumerateFiles(server.DataDirectory, "custos.db*")) File.Copy(f, Path.Combine(rawDb, Path.GetFileName(f)));
        }
        var copy = clock.Elapsed;
        var (elapsed, summary) = await raw.BackupAsync(ignoreCtime ? ["--ignore-ctime", blobs, rawDb] : [blobs, rawDb]);
        Console.WriteLine($"Raw backup: database copy {S(copy)}, restic backup {S(elapsed)}: {Summary(summary)}. Load {Load.Average()}");
        return (elapsed, copy, summary);
    }

    /// <summary>InstanceRestore into an empty directory, as `custos backup restore --target bench` builds its request from the live instance.</summary>
    private static async Task<(TimeSpan Elapsed, string Note)> CustosRestoreAsync(IServiceProvider services, Actor actor, string into, string? postgres)
    {
        Console.WriteLine($"Custos restore starts. {Settle()}");
        var phases = new PhaseClock();
        var targets = services.GetRequiredService<BackupTargets>();
        var all = (await targets.ListAsync()).ToList();
        var repos = new List<Core.Backup.Restic.ResticRepository>();
        foreach (var t in all) repos.Add(await targets.OpenAsync(t));
        IReadOnlyList<ErasureJournal.Line> known;
        await using (var db = await services.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync())
            known = ErasureJournal.Parse((await ErasureJournal.ExportAsync(db, CancellationToken.None)).Content);
        var keyFiles = services.GetRequiredService<MasterKeyFileStore>();
        var request = new InstanceRestoreRequest(repos[all.FindIndex(t => t.Name == Target)], "latest", into, postgres, repos, known,
            id => keyFiles.Exists(id) ? keyFiles.Load(id) : null);
        var report = await services.GetRequiredService<InstanceRestore>().RestoreAsync(request, actor, phases, CancellationToken.None);
        var total = phases.Elapsed;
        var restoring = phases.At(BackupPhase.Restoring, TimeSpan.Zero);
        var checking = phases.At(BackupPhase.Checking, total);
        var (files, _) = DirectorySize.Of(Path.Combine(into, "blobs"));
        if (files != report.Manifest.Blobs) throw new InvalidOperationException($"restore: {files} blobs restored, the manifest names {report.Manifest.Blobs}");
        var note = $"{S(total)} in all: request, snapshot and manifest {S(restoring)}, restic restore --verify {S(checking - restoring)}, database check " +
                   $"(integrity_check{(postgres is null ? "" : ", pg_restore")}, migrations, keyring, journal, audit) {S(total - checking)}; {files:N0} blobs. Load {Load.Average()}";
        Console.WriteLine("Custos restore: " + note);
        return (total, note);
    }

    private static async Task<TimeSpan> RawRestoreAsync(RawRestic raw, string into, string blobs, bool verify)
    {
        Console.WriteLine($"Raw restore{(verify ? " --verify" : "")} starts. {Settle()}");
        var run = await raw.RunAsync(["restore", "latest", "--target", into, .. verify ? new[] { "--verify" } : []]);
        var (files, _) = DirectorySize.Of(Path.Combine(into, blobs.TrimStart('/')));
        Console.WriteLine($"Raw restore{(verify ? " --verify" : "")}: {S(run.Elapsed)}, {files:N0} blobs. Load {Load.Average()}");
        return run.Elapsed;
    }

    private static void Print(List<Step> steps, List<string> notes, List<TimeSpan> custosSingle, List<TimeSpan> rawSingle, List<TimeSpan> rawSingleVerify)
    {
        Console.WriteLine();
        Console.WriteLine($"| step | Custos | raw restic | Custos overhead | raw restic is |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var s in steps)
            Console.WriteLine($"| {s.Name} | {S(s.Custos)}, {s.DataBytes / s.Custos.TotalSeconds / 1e6:F0} MB/s | {S(s.Raw)}, {s.DataBytes / s.Raw.TotalSeconds / 1e6:F0} MB/s | " +
                              $"{s.Overhead:+0;-0} % ({(s.Custos - s.Raw).TotalSeconds:+0.0;-0.0} s){(s.Overhead <= 10 ? "" : " — over 10 %")} | {s.RawNote} |");
        string Runs(List<TimeSpan> l) => $"median {S(l.Order().ElementAt((l.Count - 1) / 2))}, max {S(l.Max())} ({string.Join(", ", l.Select(S))})";
        Console.WriteLine($"| single-document restore (target < 3 s) | {Runs(custosSingle)} | {Runs(rawSingle)}; with --verify {Runs(rawSingleVerify)} | | |");
        Console.WriteLine();
        foreach (var n in notes) Console.WriteLine("- " + n);
        Console.WriteLine($"Load average at the end {Load.Average()}");
    }

    /// <summary>
    /// Writes out what earlier steps left dirty in the page cache (sync), so that no step pays for its predecessor's
    /// writes; returns how long that took and the load.
    /// </summary>
    private static string Settle()
    {
        var clock = Stopwatch.StartNew();
        using (var sync = Process.Start("sync")!) sync.WaitForExit();
        return $"(sync before it: {S(clock.Elapsed)}; load {Load.Average()})";
    }

    private static string Summary(RawRestic.Summary s) =>
        $"snapshot {s.SnapshotId[..8]}, {s.Files:N0} files, {Mib(s.Bytes):F0} MiB, added {Mib(s.DataAdded):F1} MiB, new/changed/unmodified " +
        $"{s.FilesNew:N0}/{s.FilesChanged:N0}/{s.FilesUnmodified:N0}, restic's own duration {s.Seconds:F2} s";

    private static Options? Parse(string[] args)
    {
        string? pg = null, work = null;
        double gib = 2;
        int documents = 10_000, singleRuns = 5;
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
                case "--keep": keep = true; break;
                default:
                    Console.Error.WriteLine("Options: --pg <admin connection string> --gib <n> --documents <n> --work <dir> --single-runs <n> --keep");
                    return null;
            }
        }
        // A folder of this run's own inside --work, removed at the end (unless --keep).
        var parent = work ?? Path.GetTempPath();
        Directory.CreateDirectory(parent);
        return new Options(pg, gib, documents, Path.Combine(Path.GetFullPath(parent), "custos-backup-bench-" + Guid.NewGuid().ToString("N")[..8]), keep, singleRuns);
    }

    private static async Task<string> Tool(string program, params string[] arguments) => await Tool(program, arguments, null);

    private static async Task<string> Tool(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} exited {process.ExitCode}: {await error}");
    }

    private static string S(TimeSpan t) => t.TotalSeconds.ToString(t.TotalSeconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " s";
    private static double Mib(long bytes) => bytes / 1048576.0;
    private static double Kib(long bytes) => bytes / 1024.0;
}
