using System.Diagnostics;
using System.Globalization;
using Custos.Core.Audit;
using Custos.Core.Identity;
using Custos.Core.Vault;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// A KeePass migration end to end: writes a KDBX 4 file of 10,000 entries (AES-256, Argon2id 64 MiB, our writer's
/// defaults, as <see cref="KdbxBench"/>), reads it (key derivation timed apart from decryption and parsing), and imports
/// the document with <see cref="VaultTransfer.ImportAsync"/> into the database of a freshly started server (SQLite, and
/// PostgreSQL when --pg is given), each run on a new database after a small warm-up import. keepassxc-cli ls -R opens
/// the same file as the peer. EF Core's events split the import into building the rows (sealing, fingerprints) and
/// writing them (SaveChanges, commit); the strength estimates that follow in the background are timed apart.
/// </summary>
internal static class VaultImportBench
{
    private const string Password = "bench password";
    private const string KeePassXc = "/usr/bin/keepassxc-cli";

    public static async Task<int> RunAsync(string[] args)
    {
        string? pg = null;
        var entries = 10_000;
        var runs = 3;
        var importRuns = 2;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pg" when i + 1 < args.Length: pg = args[++i]; break;
                case "--entries" when i + 1 < args.Length: entries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs" when i + 1 < args.Length: runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--import-runs" when i + 1 < args.Length: importRuns = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("Options: --pg <admin connection string> --entries <n> --runs <n> (reads, keepassxc-cli) --import-runs <n>");
                    return 2;
            }
        }
        if (!File.Exists(KeePassXc))
        {
            Console.Error.WriteLine($"{KeePassXc} is missing: the peer comparison needs it (apt-get install keepassxc). Nothing was measured.");
            return 1;
        }

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Load.Average()} (1/5/15 min)");
        var core = typeof(VaultTransfer).Assembly;
        Console.WriteLine($"Code measured: Custos.Core.dll built {File.GetLastWriteTimeUtc(core.Location):yyyy-MM-dd HH:mm:ss} UTC, MVID {core.ManifestModule.ModuleVersionId}");
        var options = KdbxWriteOptions.Default;
        Console.WriteLine($"KDBX 4, {options.Cipher}, {options.Kdf} m={options.Argon2MemoryBytes >> 20} MiB t={options.Argon2Iterations} " +
                          $"p={options.Argon2Parallelism}, gzip; {entries:N0} entries in 100 folders, each with URL, TOTP, a protected field, " +
                          "a tag and one history version; random 20-character passwords");

        var path = Path.Combine(Path.GetTempPath(), $"custos-vault-import-bench-{Environment.ProcessId}.kdbx");
        var results = new List<(string Name, string Value)>();
        try
        {
            var credentials = new KdbxCredentials(Password);
            var clock = Stopwatch.StartNew();
            using (var file = File.Create(path))
            {
                KdbxWriter.Write(Tree(entries, 1), file, credentials, options);
            }
            Console.WriteLine($"written in {clock.ElapsedMilliseconds:N0} ms, {new FileInfo(path).Length:N0} bytes");

            // Reads: the first compiles the reader and is reported apart; the fastest of the others is ranked.
            TransferDocument document = null!;
            var reads = new List<KdbxReadTimings>();
            for (var run = 0; run <= runs; run++)
            {
                var timings = new KdbxReadTimings();
                using var file = File.OpenRead(path);
                document = KdbxReader.Read(file, credentials, null, timings);
                if (document.Root.AllEntries().Count() != entries) throw new InvalidOperationException("the read lost entries");
                if (run == 0)
                    Console.WriteLine($"first read (cold JIT): {timings.Total.TotalMilliseconds:N0} ms, of which KDF {timings.KeyDerivation.TotalMilliseconds:N0} ms");
                else
                    reads.Add(timings);
            }
            var best = reads.MinBy(t => t.Total)!;
            var parseMs = (best.Total - best.KeyDerivation).TotalMilliseconds;
            Console.WriteLine($"read, best of {runs}: {best.Total.TotalMilliseconds:N0} ms = KDF {best.KeyDerivation.TotalMilliseconds:N0} ms + decrypt/parse {parseMs:N0} ms");

            var lsMs = KeePassXcCli(runs, "ls", "-R", path);
            using (var file = File.Create(path))
            {
                KdbxWriter.Write(Tree(1, 2), file, credentials, options);
            }
            var lsOneMs = KeePassXcCli(runs, "ls", "-R", path);
            Console.WriteLine($"keepassxc-cli ls -R, best of {runs}: {lsMs:N0} ms; on a one-entry file with the same KDF (start-up + KDF): {lsOneMs:N0} ms");

            var totalScores = document.Root.AllEntries().Count(e => e.Password is not null);
            results.Add(("KDBX read: key derivation (Argon2id 64 MiB)", $"{best.KeyDerivation.TotalMilliseconds:N0}"));
            results.Add(("KDBX read: decrypt + parse", $"{parseMs:N0}"));
            results.Add(($"keepassxc-cli ls -R, {entries:N0} entries (incl. start-up + KDF)", $"{lsMs:N0}"));
            results.Add(("keepassxc-cli ls -R, 1 entry (start-up + KDF)", $"{lsOneMs:N0}"));
            results.Add(("  keepassxc-cli difference (its decrypt + parse + listing)", $"{lsMs - lsOneMs:N0}"));

            var bestImports = new List<(string Db, double Ms)>();
            foreach (var db in pg is null ? new string?[] { null } : [null, pg])
            {
                var name = db is null ? "SQLite" : "PostgreSQL";
                var times = new List<double>();
                for (var run = 1; run <= importRuns; run++)
                {
                    var (ms, cpuText, line) = await ImportOnceAsync(db, document, entries);
                    Console.WriteLine($"import into {name}, run {run}: {line}");
                    times.Add(ms);
                    results.Add(($"VaultTransfer.ImportAsync into {name}, run {run}", $"{ms:N0}  ({cpuText})"));
                }
                bestImports.Add((name, times.Min()));
            }
            // zxcvbn on its own, after the imports so that its code is optimised: the background rating scores each
            // entry's current password (history versions keep no score). A sample of 2,000 scores, scaled to the file.
            var scored = document.Root.AllEntries().Take(1000)
                .SelectMany(e => new[] { e.Password }.Concat(e.History.Select(h => h.Password))).OfType<string>().ToList();
            var (perScore, perScoreCpu) = ZxcvbnMs(scored);
            Console.WriteLine($"zxcvbn PasswordStrength.Score: {perScore:F2} ms wall, {perScoreCpu:F2} ms CPU per password (these random 20-character ones, " +
                              $"sample of {scored.Count:N0}); rating {totalScores:N0} after an import -> ~{perScore * totalScores:N0} ms wall, ~{perScoreCpu * totalScores:N0} ms CPU");
            var sampleRandom = new Random(7);
            string Alnum(int length) => string.Create(length, sampleRandom, (span, r) =>
            {
                for (var i = 0; i < span.Length; i++) span[i] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"[r.Next(57)];
            });
            Console.WriteLine($"  for comparison, CPU per password: KdbxBench's \"pw-<i>-Xy9!\" {ZxcvbnMs(Enumerable.Range(0, 300).Select(i => $"pw-{i}-Xy9!").ToList()).Cpu:F2} ms, " +
                              $"random 12 letters/digits {ZxcvbnMs(Enumerable.Range(0, 300).Select(_ => Alnum(12)).ToList()).Cpu:F2} ms, " +
                              $"random 20 letters/digits {ZxcvbnMs(Enumerable.Range(0, 300).Select(_ => Alnum(20)).ToList()).Cpu:F2} ms, " +
                              $"random 32 letters/digits {ZxcvbnMs(Enumerable.Range(0, 100).Select(_ => Alnum(32)).ToList()).Cpu:F2} ms");
            results.Add(($"  zxcvbn, {totalScores:N0} scores one after another (measured apart)", $"~{perScore * totalScores:N0}  (CPU ~{perScoreCpu * totalScores:N0})"));
            foreach (var (db, ms) in bestImports)
                results.Add(($"decrypt + parse + import ({db}, best), target < 10,000", $"{parseMs + ms:N0}"));

            Console.WriteLine();
            Console.WriteLine($"| {"measurement (wall time; CPU where given)",-62} | {"ms",34} |");
            Console.WriteLine($"|{new string('-', 64)}|{new string('-', 35)}:|");
            foreach (var (n, v) in results) Console.WriteLine($"| {n,-62} | {v,34} |");
            Console.WriteLine($"Load average at the end: {Load.Average()}");
            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// A new server and database, a user with Manage on a tenant's vault, a 100-entry warm-up import, then the timed import;
    /// returns its wall time and a line of where the time went.
    /// </summary>
    private static async Task<(double Ms, string Cpu, string Line)> ImportOnceAsync(string? pg, TransferDocument document, int entries)
    {
        await using var server = await BenchServer.StartAsync(pg);
        var cpu = await ProcessCpu.CreateAsync(pg);
        var (tenant, user) = await server.VaultOwnerAsync("bench", "Bench");
        var transfer = server.Host.Services.GetRequiredService<VaultTransfer>();
        var caller = new VaultCaller(user, new Actor("bench", "127.0.0.1"), "api", SteppedUp: false);

        var warm = await transfer.ImportAsync(tenant, new TransferDocument(Tree(100, 3), []), new ImportTarget(null, "warm-up", []), "kdbx", caller);
        if (!warm.Succeeded) throw new InvalidOperationException($"warm-up import failed: {warm.Error!.Message}");
        await UntilRatedAsync(server);

        using var ef = new EfStats();
        GC.Collect();
        var cpuBefore = ProcessCpu.Self();
        var dbBefore = cpu.Database();
        var alloc = GC.GetTotalAllocatedBytes();
        ef.Enabled = true;
        var clock = Stopwatch.StartNew();
        var result = await transfer.ImportAsync(tenant, document, new ImportTarget(null, "KeePass import", []), "kdbx", caller);
        clock.Stop();
        ef.Enabled = false;
        var used = ProcessCpu.Self() - cpuBefore;
        var dbCpu = cpu.Database() - dbBefore;
        alloc = GC.GetTotalAllocatedBytes() - alloc;
        if (!result.Succeeded) throw new InvalidOperationException($"import failed: {result.Error!.Message}");
        var report = result.Value!;

        int stored;
        await using (var db = server.Context())
        {
            // Everything in the tenant but the warm-up's 100 entries.
            stored = await db.VaultEntries.CountAsync(e => e.TenantId == tenant) - warm.Value!.Entries;
        }
        if (report.Entries != entries || stored != entries) throw new InvalidOperationException($"imported {report.Entries}, stored {stored}, expected {entries}");
        // The strength estimates follow in the background (StrengthRating); how long until the last one is written.
        var rating = Stopwatch.StartNew();
        await UntilRatedAsync(server);
        var ratedMs = rating.Elapsed.TotalMilliseconds;

        var s = ef.Take();
        var ms = clock.Elapsed.TotalMilliseconds;
        var statementsMs = s.Commands.Sum(c => c.TotalMs);
        var line = $"{ms:N0} ms ({report.Folders} folders, {report.Entries:N0} entries, {report.HistoryVersions:N0} history versions, " +
                   $"{report.Warnings.Count} warnings); SaveChanges {s.SaveMs:N0} ms, commit {s.CommitMs:N0} ms, building the rows before them " +
                   $"{ms - s.SaveMs - s.CommitMs - PreSaveQueries(s):N0} ms; {s.TotalCommands:N0} statements " +
                   $"({statementsMs:N0} ms in the provider); CPU {used.TotalMilliseconds:N0} ms here" +
                   (cpu.MeasuresDatabase ? $" + {dbCpu.TotalMilliseconds:N0} ms PostgreSQL" : "") + $"; {alloc / 1048576.0:N0} MiB allocated. " +
                   $"Statements: {string.Join(", ", s.Commands.Take(6).Select(c => $"{c.Count:N0}x {c.Shape}"))}. " +
                   $"Strength of all {entries:N0} passwords rated in the background {ratedMs:N0} ms after the import returned";
        var cpuText = $"CPU {used.TotalMilliseconds:N0}" + (cpu.MeasuresDatabase ? $" + PostgreSQL {dbCpu.TotalMilliseconds:N0}" : "") +
                      $"; rated +{ratedMs:N0}";
        return (ms, cpuText, line);
    }

    /// <summary>
    /// Wall and CPU milliseconds (this process: the scoring thread and the GC it causes) per
    /// <see cref="PasswordStrength.Score"/> call over the passwords, after warm-up calls.
    /// </summary>
    private static (double Wall, double Cpu) ZxcvbnMs(IReadOnlyList<string> passwords)
    {
        foreach (var p in passwords.Take(100)) PasswordStrength.Score(p);
        var cpu = ProcessCpu.Self();
        var clock = Stopwatch.StartNew();
        foreach (var p in passwords) PasswordStrength.Score(p);
        return (clock.Elapsed.TotalMilliseconds / passwords.Count, (ProcessCpu.Self() - cpu).TotalMilliseconds / passwords.Count);
    }

    /// <summary>The time of statements outside SaveChanges (access check, duplicate-name check, reused-password counts).</summary>
    private static double PreSaveQueries(EfStats.Snapshot s) =>
        s.Commands.Where(c => c.Shape.StartsWith("SELECT", StringComparison.Ordinal)).Sum(c => c.TotalMs);

    /// <summary>The fastest wall time of the CLI over the runs (process start and Qt included).</summary>
    private static double KeePassXcCli(int runs, params string[] args)
    {
        var best = double.MaxValue;
        for (var run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo(KeePassXc) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(Password + "\n");
            process.StandardInput.Close();
            process.WaitForExit();
            output.Wait();
            if (process.ExitCode != 0) throw new InvalidOperationException($"keepassxc-cli {args[0]} failed: {error.Result}");
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    /// <summary>
    /// The entries of <see cref="KdbxBench"/>'s file, with random 20-character passwords as a password manager generates
    /// them (deterministic per <paramref name="seed"/>, different between seeds so imports do not share passwords).
    /// </summary>
    private static TransferFolder Tree(int count, int seed)
    {
        var random = new Random(seed);
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*+-=?@";
        string NewPassword() => string.Create(20, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[r.Next(alphabet.Length)];
        });
        var root = new TransferFolder { Name = "bench" };
        for (var f = 0; f < Math.Min(100, count); f++)
        {
            var folder = new TransferFolder { Name = $"folder {f}" };
            for (var i = f; i < count; i += 100)
            {
                var entry = new TransferEntry
                {
                    Title = $"entry {i}", UserName = $"user{i}@example.test", Password = NewPassword(),
                    Notes = "notes about this account", Totp = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
                    Created = DateTimeOffset.UtcNow, Modified = DateTimeOffset.UtcNow,
                };
                entry.Urls.Add($"https://site{i}.example.test/login");
                entry.Fields.Add(new("PIN", $"{i % 10_000:0000}", true));
                entry.Tags.Add("bench");
                entry.History.Add(new TransferEntry { Title = entry.Title, Password = NewPassword() });
                folder.Entries.Add(entry);
            }
            root.Folders.Add(folder);
        }
        return root;
    }

    /// <summary>Waits until the background strength rating has rated every entry that holds a password.</summary>
    private static async Task UntilRatedAsync(BenchServer server)
    {
        for (var i = 0; i < 12_000; i++)
        {
            await using (var db = server.Context())
                if (!await db.VaultEntries.AnyAsync(e => e.PasswordStrength == null && e.PasswordFingerprint != null)) return;
            await Task.Delay(10);
        }
        throw new TimeoutException("the background strength rating did not finish within two minutes");
    }
}
