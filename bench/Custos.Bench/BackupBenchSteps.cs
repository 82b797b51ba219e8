using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Documents.Blobs;
using Custos.Core.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// The backup benchmark's measured steps, each for Custos and for restic by hand: wall time, and CPU time of this
/// process, the restic and pg_dump processes it waited for and (with a local PostgreSQL) the database server. CPU time
/// says what a step costs even when the neighbours on the machine take a varying share of the cores.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class BackupBenchSteps(BenchServer server, string work, ProcessCpu database)
{
    public sealed record Measured(TimeSpan Wall, TimeSpan Cpu, string Note);

    private readonly IServiceProvider services = server.Host.Services;
    private readonly Actor actor = new("bench", "127.0.0.1");

    public string Blobs => Path.Combine(server.DataDirectory, "blobs");
    public string RawDb { get; } = Directory.CreateDirectory(Path.Combine(work, "raw-db")).FullName;
    public static string CustosRepository(string work, int round) => Path.Combine(work, $"custos-repo-{round}");

    /// <summary>A new Custos target (restic init, password in the keyring; scheduled for 1 January, so the scheduler stays out of the way) and a new raw repository.</summary>
    public async Task<(string Target, RawRestic Raw, string Note)> NewRepositoriesAsync(int round)
    {
        var target = $"bench-{round}";
        var clock = Stopwatch.StartNew();
        var added = await services.GetRequiredService<BackupTargets>().AddAsync(
            new BackupTargetInput(target, CustosRepository(work, round), BackupRole.Local, Schedule: "0 3 1 1 *"), actor);
        if (!added.Succeeded) throw new InvalidOperationException($"target add: {added.Error!.Message}");
        var custosInit = clock.Elapsed;
        var raw = new RawRestic(Path.Combine(work, $"raw-repo-{round}"), Path.Combine(work, $"raw-cache-{round}"));
        var rawInit = (await raw.RunAsync("init")).Elapsed;
        return (target, raw, $"target add (restic init) {S(custosInit)}, restic init by hand {S(rawInit)}");
    }

    /// <summary>Removes a round's target and both repositories (a later restore would otherwise read every target's journal).</summary>
    public async Task DropRepositoriesAsync(string target, RawRestic raw, int round)
    {
        var removed = await services.GetRequiredService<BackupTargets>().RemoveAsync(target, actor);
        if (!removed.Succeeded) throw new InvalidOperationException($"target remove: {removed.Error!.Message}");
        Directory.Delete(CustosRepository(work, round), recursive: true);
        Directory.Delete(raw.Repository, recursive: true);
    }

    /// <summary>`BackupRunner.RunAsync(verify: false)` with its phases; then, unmeasured, the staging alone and the database copy alone on the same data.</summary>
    public async Task<Measured> CustosBackupAsync(string target)
    {
        Console.WriteLine($"Custos backup to {target} starts. {Settle()}");
        var phases = new PhaseClock(Cpu);
        var result = await services.GetRequiredService<BackupRunner>().RunAsync(target, "bench", actor, progress: phases, verify: false);
        var (total, cpu) = (phases.Elapsed, phases.Cpu);
        var run = result.Succeeded ? result.Value! : throw new InvalidOperationException($"backup: {result.Error!.Message}");
        if (run.Outcome != BackupOutcome.Succeeded) throw new InvalidOperationException($"backup failed: {run.Error}");
        var uploading = phases.At(BackupPhase.Uploading, default);
        var journal = phases.At(BackupPhase.Journal, (total, cpu));
        var pruning = phases.At(BackupPhase.Pruning, (total, cpu));

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
        var note = $"{S(total)} (CPU {S(cpu)}): start → first restic progress {W(uploading)} (the staging alone, again right after: {S(stagingTime)}; the " +
                   $"database copy with counts and catalog alone {S(dumpTime)} ({Mib(dumpBytes):F1} MiB); the rest is `restic unlock` and restic backup's " +
                   $"start), restic backup {W(Minus(journal, uploading))} (its CPU counted here in full), journal {W(Minus(pruning, journal))}, forget + run record " +
                   $"{W(Minus((total, cpu), pruning))}; clearing the staging {S(clearTime)}; snapshot {run.SnapshotId![..8]}, {run.Files:N0} files, {Mib(run.Bytes):F0} MiB, added {Mib(run.AddedBytes):F1} MiB, " +
                   $"files new/changed/unmodified {R("filesNew"):N0}/{R("filesChanged"):N0}/{R("filesUnmodified"):N0}, catalog {R("catalogVersions"):N0} versions " +
                   $"({staged.Manifest.Blobs:N0} blobs named by the copy). Load {Load.Average()}";
        Console.WriteLine("Custos backup: " + note);
        return new Measured(total, cpu, note);
    }

    /// <summary>
    /// What an administrator would do without Custos: copy the database (stopping nothing), then `restic backup` of the
    /// blob folder and that copy.
    /// </summary>
    public async Task<Measured> RawBackupAsync(RawRestic raw)
    {
        Console.WriteLine($"Raw backup starts. {Settle()}");
        foreach (var f in Directory.EnumerateFiles(RawDb)) File.Delete(f);
        var cpu0 = Cpu();
        var clock = Stopwatch.StartNew();
        if (server.ConnectionString is { } cs)
        {
            // PostgreSQL by hand: pg_dump -Fc (the password through the environment, as Custos passes it).
            var b = new Npgsql.NpgsqlConnectionStringBuilder(cs);
            await Tool("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", Path.Combine(RawDb, "custos.pgdump")], new Dictionary<string, string>
            {
                ["PGHOST"] = b.Host!, ["PGPORT"] = b.Port.ToString(CultureInfo.InvariantCulture), ["PGDATABASE"] = b.Database!, ["PGUSER"] = b.Username!,
                ["PGPASSWORD"] = b.Password ?? "",
            });
        }
        else
        {
            // SQLite by hand: cp custos.db* (the WAL too); not guaranteed consistent, which is what VACUUM INTO is for.
            foreach (var f in Directory.EnumerateFiles(server.DataDirectory, "custos.db*")) File.Copy(f, Path.Combine(RawDb, Path.GetFileName(f)));
        }
        var copy = clock.Elapsed;
        var (elapsed, s) = await raw.BackupAsync([Blobs, RawDb]);
        var cpu = Cpu() - cpu0;
        var note = $"{S(copy + elapsed)} (CPU {S(cpu)}): database copy ({(server.ConnectionString is null ? "cp" : "pg_dump -Fc")}) {S(copy)}, restic backup" +
                   $" {S(elapsed)}; snapshot {s.SnapshotId[..8]}, {s.Files:N0} files, {Mib(s.Bytes):F0} MiB, added " +
                   $"{Mib(s.DataAdded):F1} MiB, new/changed/unmodified {s.FilesNew:N0}/{s.FilesChanged:N0}/{s.FilesUnmodified:N0}, restic's own duration {s.Seconds:F2} s. " +
                   $"Load {Load.Average()}";
        Console.WriteLine("Raw backup: " + note);
        return new Measured(copy + elapsed, cpu, note);
    }

    /// <summary>
    /// SQLite only (PostgreSQL's by-hand copy is pg_dump already): what an administrator pays beyond `cp` for the copy
    /// the issue asks for, VACUUM INTO of the live database and PRAGMA integrity_check of the copy, timed on its own
    /// right after the raw backup (so the raw figures above stay as they were measured). Zero on PostgreSQL.
    /// </summary>
    public async Task<Measured> ConsistentCopyExtraAsync()
    {
        if (server.ConnectionString is not null) return new Measured(TimeSpan.Zero, TimeSpan.Zero, "pg_dump is consistent already");
        var scratch = Directory.CreateDirectory(Path.Combine(work, "consistent-copy")).FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var f in Directory.EnumerateFiles(server.DataDirectory, "custos.db*")) File.Copy(f, Path.Combine(scratch, "cp-" + Path.GetFileName(f)));
            var cp = clock.Elapsed;
            var cpu0 = Cpu();
            clock.Restart();
            var copy = Path.Combine(scratch, "custos.db");
            await using (var live = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "custos.db")};Pooling=False"))
            {
                await live.OpenAsync();
                await using var vacuum = live.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $path";
                vacuum.Parameters.AddWithValue("$path", copy);
                await vacuum.ExecuteNonQueryAsync();
            }
            await using (var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False"))
            {
                await check.OpenAsync();
                await using var cmd = check.CreateCommand();
                cmd.CommandText = "PRAGMA integrity_check";
                var result = (string?)await cmd.ExecuteScalarAsync();
                if (result != "ok") throw new InvalidOperationException($"integrity_check of the copy by hand: {result}");
            }
            var consistent = clock.Elapsed;
            var cpu = Cpu() - cpu0;
            var extra = consistent - cp;
            return new Measured(extra, cpu, $"VACUUM INTO + integrity_check {S(consistent)} instead of cp {S(cp)}: {S(extra)} more");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// Retention by hand with Custos's default policy (`forget --prune`, keep 14 daily, 8 weekly, 12 monthly), which
    /// Custos runs in every backup: all snapshots of this run are of one day, so each later one makes restic forget the
    /// one before and prune, in both repositories alike.
    /// </summary>
    public async Task<Measured> RawForgetAsync(RawRestic raw)
    {
        var cpu0 = Cpu();
        var run = await raw.RunAsync("forget", "--prune", "--keep-daily=14", "--keep-weekly=8", "--keep-monthly=12");
        var cpu = Cpu() - cpu0;
        var note = $"forget --prune {S(run.Elapsed)} (CPU {S(cpu)})";
        Console.WriteLine($"Raw retention: {note}. Load {Load.Average()}");
        return new Measured(run.Elapsed, cpu, note);
    }

    /// <summary>InstanceRestore into an empty directory, with the request `custos backup restore --target T` builds from the live instance.</summary>
    public async Task<Measured> CustosRestoreAsync(string target, string into, string? postgres)
    {
        Console.WriteLine($"Custos restore starts. {Settle()}");
        var phases = new PhaseClock(Cpu);
        var targets = services.GetRequiredService<BackupTargets>();
        var all = (await targets.ListAsync()).ToList();
        var repos = new List<Core.Backup.Restic.ResticRepository>();
        foreach (var t in all) repos.Add(await targets.OpenAsync(t));
        IReadOnlyList<ErasureJournal.Line> known;
        await using (var db = await services.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync())
            known = ErasureJournal.Parse((await ErasureJournal.ExportAsync(db, CancellationToken.None)).Content);
        var keyFiles = services.GetRequiredService<MasterKeyFileStore>();
        var chosen = all.FindIndex(t => t.Name == target);
        var request = new InstanceRestoreRequest(repos[chosen], "latest", into, postgres, repos, known,
            id => keyFiles.Exists(id) ? keyFiles.Load(id) : null, await targets.LatestRecordedSnapshotAsync(all[chosen].Id, CancellationToken.None));
        var report = await services.GetRequiredService<InstanceRestore>().RestoreAsync(request, actor, phases, CancellationToken.None);
        var (total, cpu) = (phases.Elapsed, phases.Cpu);
        var restoring = phases.At(BackupPhase.Restoring, default);
        var checking = phases.At(BackupPhase.Checking, (total, cpu));
        var (files, _) = DirectorySize.Of(Path.Combine(into, "blobs"));
        if (files != report.Manifest.Blobs) throw new InvalidOperationException($"restore: {files} blobs restored, the manifest names {report.Manifest.Blobs}");
        var note = $"{S(total)} (CPU {S(cpu)}): request, snapshot and manifest {W(restoring)}, restic restore --verify and moving blobs into place " +
                   $"{W(Minus(checking, restoring))}, database (integrity_check{(postgres is null ? "" : ", pg_restore")}, migrations, keyring, journal, audit) " +
                   $"{W(Minus((total, cpu), checking))}; {files:N0} blobs. Load {Load.Average()}";
        Console.WriteLine("Custos restore: " + note);
        return new Measured(total, cpu, note);
    }

    /// <summary>Custos's restic wrapper alone: <see cref="Core.Backup.Restic.ResticRepository.RestoreAsync"/> of the target's latest snapshot (restore --verify), nothing around it.</summary>
    public async Task<Measured> WrapperRestoreAsync(string target, string into)
    {
        Console.WriteLine($"Custos's restic wrapper restore starts. {Settle()}");
        var targets = services.GetRequiredService<BackupTargets>();
        var repo = await targets.OpenAsync((await targets.FindAsync(target))!);
        var snapshot = (await services.GetRequiredService<BackupViews>().RunsAsync(target, BackupRunKind.Backup, 1))[0].SnapshotId!;
        var cpu0 = Cpu();
        var clock = Stopwatch.StartNew();
        await repo.RestoreAsync(snapshot, into, [], CancellationToken.None);
        var (wall, cpu) = (clock.Elapsed, Cpu() - cpu0);
        var note = $"{S(wall)} (CPU {S(cpu)}), {DirectorySize.Of(Path.Combine(into, "blobs")).Files:N0} blobs. Load {Load.Average()}";
        Console.WriteLine("Custos's restic wrapper restore: " + note);
        return new Measured(wall, cpu, note);
    }

    /// <summary>
    /// The read-only parts of a single-document restore, one after another through the public pieces
    /// <see cref="DocumentRestore"/> uses: name the snapshot (the newest recorded run for "latest"; no restic run), read the
    /// catalog (restic dump), find the version, restore its blob and the manifest (restic restore --include --verify), decrypt it. What DocumentRestore adds is storing
    /// it again (encrypt, fsync) and the commit with its audit event.
    /// </summary>
    public async Task<string> SingleRestorePartsAsync(string target, string snapshotId, Guid document)
    {
        var targets = services.GetRequiredService<BackupTargets>();
        var clock = Stopwatch.StartNew();
        var repo = await targets.OpenAsync((await targets.FindAsync(target))!);
        var open = clock.Elapsed;
        clock.Restart();
        var snapshot = await SnapshotFiles.NameAsync(repo, snapshotId, null, CancellationToken.None);
        var resolve = clock.Elapsed;
        clock.Restart();
        var compressed = await SnapshotFiles.ReadAsync(repo, snapshot, BackupCatalog.FileName, 1L << 30, CancellationToken.None);
        var dump = clock.Elapsed;
        clock.Restart();
        var catalog = BackupCatalog.Read(compressed).ToList();
        var pick = catalog.Where(c => c.Document == document).MaxBy(c => c.Number)!;
        var parse = clock.Elapsed;
        clock.Restart();
        var into = Path.Combine(work, "single-parts");
        var a = pick.BlobAddress;
        await repo.RestoreAsync(snapshot.Id, into, [$"/blobs/{a[..2]}/{a[2..4]}/{a}", "/" + BackupManifest.FileName], CancellationToken.None);
        var restore = clock.Elapsed;
        clock.Restart();
        var unpacked = new DocumentContent(new LocalBlobStore(Path.Combine(into, "blobs")),
            services.GetRequiredService<Core.Vault.SecretSealer>());
        await using (var plain = await unpacked.OpenAsync(new Core.Common.TenantId(pick.Tenant), pick.VersionId, pick.BlobAddress, pick.WrappedKey))
            await plain!.CopyToAsync(Stream.Null);
        var decrypt = clock.Elapsed;
        Directory.Delete(into, recursive: true);
        return $"unseal the target's password {S(open)}, name the snapshot (its id as given) {S(resolve)}, read the catalog (restic dump, " +
               $"{compressed.Length / 1e6:F1} MB compressed) {S(dump)}, parse it ({catalog.Count:N0} versions) {S(parse)}, restore the blob and manifest (restic restore " +
               $"--include --verify) {S(restore)}, decrypt it {S(decrypt)}; sum {S(open + resolve + dump + parse + restore + decrypt)}. Load {Load.Average()}";
    }

    /// <param name="postgres">PostgreSQL: an empty database the dump is loaded into with pg_restore, as Custos's restore does.</param>
    public async Task<Measured> RawRestoreAsync(RawRestic raw, string into, bool verify, string? postgres = null)
    {
        Console.WriteLine($"Raw restore{(verify ? " --verify" : "")} starts. {Settle()}");
        var cpu0 = Cpu();
        var clock = Stopwatch.StartNew();
        var run = await raw.RunAsync(["restore", "latest", "--target", into, .. verify ? new[] { "--verify" } : []]);
        var load = TimeSpan.Zero;
        if (postgres is not null)
        {
            var loading = Stopwatch.StartNew();
            var b = new Npgsql.NpgsqlConnectionStringBuilder(postgres);
            await Tool("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", b.Database!, Path.Combine(into, RawDb.TrimStart('/'), "custos.pgdump")],
                new Dictionary<string, string>
                {
                    ["PGHOST"] = b.Host!, ["PGPORT"] = b.Port.ToString(CultureInfo.InvariantCulture), ["PGUSER"] = b.Username!, ["PGPASSWORD"] = b.Password ?? "",
                });
            load = loading.Elapsed;
        }
        var elapsed = clock.Elapsed;
        var cpu = Cpu() - cpu0;
        var (files, _) = DirectorySize.Of(Path.Combine(into, Blobs.TrimStart('/')));
        var note = $"{S(elapsed)} (CPU {S(cpu)}){(postgres is null ? "" : $", of which pg_restore {S(load)}")}, {files:N0} blobs. Load {Load.Average()}";
        Console.WriteLine($"Raw restore{(verify ? " --verify" : "")}: {note}");
        return new Measured(elapsed, cpu, note);
    }

    /// <summary>This process (Custos's in-process work, the server's idle threads), the children it waited for, and the local PostgreSQL server.</summary>
    private TimeSpan Cpu() => ProcessCpu.Self() + ProcessCpu.Children() + database.Database();

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

    public static async Task<string> Tool(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
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

    private static string W((TimeSpan Wall, TimeSpan Cpu) d) => $"{S(d.Wall)} (CPU {S(d.Cpu)})";
    private static (TimeSpan, TimeSpan) Minus((TimeSpan Wall, TimeSpan Cpu) a, (TimeSpan Wall, TimeSpan Cpu) b) => (a.Wall - b.Wall, a.Cpu - b.Cpu);

    public static string S(TimeSpan t) => t.TotalSeconds.ToString(t.TotalSeconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " s";
    public static double Mib(long bytes) => bytes / 1048576.0;
}
