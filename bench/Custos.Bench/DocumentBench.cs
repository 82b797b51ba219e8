using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime;
using System.Security.Cryptography;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Documents.Blobs;
using Custos.Core.Identity;
using Custos.Core.Keys;
using Custos.Web.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// The document store through its HTTPS API (issue 5, Benchmarks): one large file (1 GiB) uploaded from a generated
/// stream and downloaded into a hash, and 10,000 small files (10 KiB) uploaded into one folder and downloaded again by
/// C concurrent clients; MB/s and files/s with the server's encryption and hashing, and the peak memory growth while each
/// phase runs. Every download is checked against the SHA-256 of what was sent. Ceilings measured in the same run: dd
/// writing 1 GiB with fdatasync into the blob directory, and openssl speed for AES-256-GCM and SHA-256 (16 KiB blocks).
/// An in-process split (no HTTP) shows what the storage path costs on its own. Client and server share this process.
/// MB = 10^6 bytes (the unit of dd and openssl), MiB = 2^20.
/// </summary>
internal static class DocumentBench
{
    private const int OpensslSeconds = 3;
    private const int OpensslBlock = 16384;

    internal sealed record Phase(string Name, long Items, long Bytes, TimeSpan Elapsed, TimeSpan Cpu, TimeSpan DbCpu, MemoryProbe.Peak Memory,
        long Errors, double[] Latencies, EfStats.Snapshot Stats, TransactionWaits.Snapshot Begins, long Allocated)
    {
        public double MBps => Bytes / Elapsed.TotalSeconds / 1e6;
        public double PerSecond => Items / Elapsed.TotalSeconds;

        public double P(double q) => Latencies.Length == 0 ? double.NaN : Latencies[Math.Clamp((int)Math.Ceiling(q * Latencies.Length) - 1, 0, Latencies.Length - 1)];
    }

    public static async Task<int> RunAsync(string[] args)
    {
        string? pg = null;
        var largeMib = 1024;
        var files = 10_000;
        var fileKib = 10;
        var concurrency = 16;
        var pgPool = 50;
        var split = true;
        var runs = 3;
        var ceilings = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pg" when i + 1 < args.Length: pg = args[++i]; break;
                case "--large-mib" when i + 1 < args.Length: largeMib = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--files" when i + 1 < args.Length: files = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--file-kib" when i + 1 < args.Length: fileKib = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency" when i + 1 < args.Length: concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--pg-pool" when i + 1 < args.Length: pgPool = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs" when i + 1 < args.Length: runs = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--no-split": split = false; break;
                case "--skip-ceilings": ceilings = false; break;
                default:
                    Console.Error.WriteLine("Options: --pg <admin connection string> --large-mib <n> --files <n> --file-kib <n> --concurrency <n> " +
                                            "--pg-pool <n> --runs <n> --no-split --skip-ceilings");
                    return 2;
            }
        }
        var largeBytes = largeMib * 1024L * 1024;
        var fileBytes = fileKib * 1024;

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Load.Average()} (1/5/15 min); " +
                          $".NET {Environment.Version}");
        Console.WriteLine($"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}" +
                          (GCSettings.IsServerGC ? "" : " (the server runs with server GC; set DOTNET_gcServer=1 to match)"));
        Console.WriteLine("Client and server share this process and these cores: every figure (CPU, memory) includes the client's HTTPS work, " +
                          "generating the upload and hashing the download.");

        await using var server = await BenchServer.StartAsync(pg, pgPool);
        var cpu = await ProcessCpu.CreateAsync(pg);
        var services = server.Host.Services;
        var blobRoot = services.GetRequiredService<IBlobStore>() is LocalBlobStore local ? local.Root : Path.GetTempPath();
        Console.WriteLine($"Database: {server.DatabaseDescription}");
        Console.WriteLine($"Blob store: {blobRoot} ({FileSystemOf(blobRoot)})");
        var core = typeof(DocumentUploads).Assembly;
        Console.WriteLine($"Code measured: Custos.Core.dll built {File.GetLastWriteTimeUtc(core.Location):yyyy-MM-dd HH:mm:ss} UTC, MVID {core.ManifestModule.ModuleVersionId}");

        // Ceilings first, while the server idles.
        DdCeiling.Result? dd = null;
        OpensslResult? openssl = null;
        double? syncMs = null;
        if (ceilings)
        {
            var ddRuns = new List<DdCeiling.Result>();
            for (var r = 0; r < runs; r++)
            {
                if (DdCeiling.Measure(blobRoot, 1024) is not { } one) break;
                ddRuns.Add(one);
                Console.WriteLine($"dd to the blob directory (1 GiB, bs=1M, conv=fdatasync), run {r + 1}: {one.MBps:F0} MB/s ({one.Line})");
            }
            dd = Median(ddRuns, d => d.MBps);
            Console.WriteLine(dd is null ? "dd: not available" : $"dd ceiling: {dd.MBps:F0} MB/s (median of {ddRuns.Count})");
            syncMs = DdCeiling.SyncWriteMs(blobRoot, 500);
            Console.WriteLine(syncMs is null ? "dd oflag=dsync: not available" : string.Create(CultureInfo.InvariantCulture,
                $"dd to the blob directory (500 x 4 KiB, oflag=dsync): {syncMs:F2} ms per synced write = at most {1000 / syncMs:F0} fsync'd commits/s for one writer"));
            openssl = Openssl.Measure(OpensslSeconds, OpensslBlock);
            Console.WriteLine(openssl.AesGcmMBps is null
                ? $"openssl speed: {openssl.Note}"
                : $"{openssl.Version}: speed -evp aes-256-gcm {openssl.AesGcmMBps:F0} MB/s, -evp sha256 {openssl.Sha256MBps:F0} MB/s " +
                  $"({openssl.BlockSize}-byte blocks, one core{(openssl.Note is null ? "" : "; " + openssl.Note)})");
        }

        var tenant = await server.DocumentWriterAsync("bench", "Bench");
        var token = await server.TokenAsync("bench", AccessTokens.DocumentsRead, AccessTokens.DocumentsWrite);
        var auth = new AuthenticationHeaderValue("Bearer", token);
        var api = $"api/v1/tenants/{tenant.Value}/documents";
        Console.WriteLine($"Set up: tenant, user in a group with `tenant grant --documents write`, token with documents:read documents:write. Load average {Load.Average()}");

        using var http = server.NewClient(concurrency);
        http.Timeout = Timeout.InfiniteTimeSpan;
        var warmFolder = await CreateFolderAsync(http, auth, api, "warm-up");
        var largeFolder = await CreateFolderAsync(http, auth, api, "large");
        var smallFolder = await CreateFolderAsync(http, auth, api, "small");

        // Warm-up: JIT, connection pool, TLS handshakes of all connections, EF query compilation, the tenant key.
        {
            var clock = Stopwatch.StartNew();
            var warmLarge = 64L * 1024 * 1024;
            var warmSha = HashOf(warmLarge, 99);
            var id = await UploadLargeAsync(http, auth, api, warmFolder, "warm-up.bin", warmLarge, 99);
            await DownloadLargeAsync(http, auth, api, id, warmLarge, warmSha);
            var warmFiles = Math.Min(files, 500);
            var pool = SmallPool(7);
            var hashes = SmallHashes(pool, warmFiles, fileBytes);
            var (ids, _, _) = await UploadSmallAsync(http, auth, api, warmFolder, pool, warmFiles, fileBytes, concurrency, "w");
            await DownloadSmallAsync(http, auth, api, ids, hashes, concurrency);
            Console.WriteLine($"Warm-up: {warmLarge >> 20} MiB up and down, {warmFiles} small files up and down in {clock.Elapsed.TotalSeconds:F1} s; " +
                              $"JIT compiled {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods. Load average {Load.Average()}");
            // Steady state: for minutes after start the runtime recompiles hot methods (tier 1) on a background thread,
            // which on two cores takes CPU from what is measured (up to half a core here); and the search indexer works
            // off the warm-up's documents. Neither belongs to the measured runs, so shorter rounds follow until a round
            // and a second of quiet cost the compiler thread less than 0.25 s of CPU.
            for (var round = 1; round <= 12; round++)
            {
                await DrainIndexerAsync(services);
                var jitBefore = ProcessCpu.TieredCompiler();
                var roundId = await UploadLargeAsync(http, auth, api, warmFolder, $"settle-{round}.bin", warmLarge, 99);
                await DownloadLargeAsync(http, auth, api, roundId, warmLarge, warmSha);
                var roundFiles = Math.Min(warmFiles, 200);
                var (roundIds, _, _) = await UploadSmallAsync(http, auth, api, warmFolder, pool, roundFiles, fileBytes, concurrency, $"s{round}-");
                await DownloadSmallAsync(http, auth, api, roundIds, hashes, concurrency);
                await DrainIndexerAsync(services);
                await Task.Delay(TimeSpan.FromSeconds(1));
                var jit = ProcessCpu.TieredCompiler() - jitBefore;
                Console.WriteLine($"Settling round {round}: the tiered compiler thread used {jit.TotalSeconds:F2} s CPU");
                if (jit < TimeSpan.FromSeconds(0.25)) break;
            }
        }

        using var ef = new EfStats();
        using var begins = new TransactionWaits();
        var phases = new List<Phase>();
        var failures = 0L;

        // Large file: the expected SHA-256 is computed beforehand from the same generator, so the timed upload does no
        // client-side hashing; the download hashes as it reads (that is the check).
        var largeSha = HashOf(largeBytes, 1);
        // Several runs, because one large transfer on a shared machine says as much about the neighbours as about the code;
        // the target is judged on the median run.
        // One untimed warm-up transfer first (JIT, TLS session, pools), as any benchmark harness does: the first of the
        // measured runs otherwise pays for starting the process rather than for moving bytes.
        var warmSize = Math.Min(largeBytes, 128L << 20);
        var warmId = await UploadLargeAsync(http, auth, api, largeFolder, "warm-up.bin", warmSize, 7);
        if (!await DownloadLargeAsync(http, auth, api, warmId, warmSize, HashOf(warmSize, 7))) failures++;
        Guid largeId = Guid.Empty;
        var ups = new List<Phase>();
        var downs = new List<Phase>();
        for (var r = 1; r <= runs; r++)
        {
            var up = await MeasureAsync($"upload {FormatSize(largeBytes)} (1 stream) #{r}", cpu, ef, begins, async () =>
            {
                largeId = await UploadLargeAsync(http, auth, api, largeFolder, $"large-{r}.bin", largeBytes, 1);
                return (1, largeBytes, 0, []);
            });
            ups.Add(up);
            phases.Add(up);
            var down = await MeasureAsync($"download {FormatSize(largeBytes)} (1 stream) #{r}", cpu, ef, begins, async () =>
            {
                var ok = await DownloadLargeAsync(http, auth, api, largeId, largeBytes, largeSha);
                return (ok ? 1 : 0, largeBytes, ok ? 0 : 1, []);
            });
            downs.Add(down);
            phases.Add(down);
            failures += down.Errors;
        }
        var large = Median(ups, p => p.MBps)!;
        var largeDown = Median(downs, p => p.MBps)!;

        // Small files: content from a 1 MiB random pool, each file stamped with its number (no two alike); hashes beforehand.
        var smallPool = SmallPool(42);
        var smallHashes = SmallHashes(smallPool, files, fileBytes);
        List<Guid> smallIds = [];
        var smallUp = await MeasureAsync($"upload {files:N0} x {fileKib} KiB ({concurrency} clients)", cpu, ef, begins, async () =>
        {
            var (ids, errors, latencies) = await UploadSmallAsync(http, auth, api, smallFolder, smallPool, files, fileBytes, concurrency, "f");
            smallIds = ids;
            return (ids.Count(g => g != Guid.Empty), (long)ids.Count(g => g != Guid.Empty) * fileBytes, errors, latencies);
        });
        phases.Add(smallUp);
        failures += smallUp.Errors;
        // The search index is written in the background; wait for it here, so that its work is reported on its own and
        // not counted in the download phase that follows.
        {
            var clock = Stopwatch.StartNew();
            var cpuBefore = ProcessCpu.Self();
            await DrainIndexerAsync(services);
            Console.WriteLine($"  search indexing caught up {clock.Elapsed.TotalSeconds:F1} s after the last upload answered, CPU {(ProcessCpu.Self() - cpuBefore).TotalSeconds:F1} s");
        }
        var smallDown = await MeasureAsync($"download {files:N0} x {fileKib} KiB ({concurrency} clients)", cpu, ef, begins, async () =>
        {
            var (ok, errors, latencies) = await DownloadSmallAsync(http, auth, api, smallIds, smallHashes, concurrency);
            return (ok, ok * fileBytes, errors, latencies);
        });
        phases.Add(smallDown);
        failures += smallDown.Errors;

        long stored;
        await using (var db = server.Context())
            stored = await db.DocumentVersions.LongCountAsync(v => v.TenantId == tenant);

        // Where the time goes: the storage path in-process, one caller, no HTTP and no TLS.
        var splitRows = new List<(string Name, TimeSpan Wall, TimeSpan Cpu)>();
        var fsyncShare = TimeSpan.Zero;
        var smallSplit = new List<(string Name, int Count, TimeSpan Wall, TimeSpan Cpu, TransactionWaits.Snapshot? Begins, long Allocated)>();
        splitBegins = begins;
        if (split)
        {
            Console.WriteLine($"In-process split ({FormatSize(largeBytes)}, one caller, no HTTP) ... load average {Load.Average()}");
            splitRows.Add(await TimeAsync("generate the content (client's source) -> Stream.Null", async () =>
            {
                await using var source = new PseudoRandomStream(largeBytes, 1);
                await source.CopyToAsync(Stream.Null, 256 * 1024);
            }));
            splitRows.Add(await TimeAsync("SHA-256 of the content (SHA256.HashData, one pass)", () =>
            {
                _ = HashOf(largeBytes, 1);
                return Task.CompletedTask;
            }));
            splitRows.Add(await TimeAsync("SegmentedPipelinedEncryptor -> Stream.Null (AES-GCM || SHA-256)", async () =>
            {
                await using var source = new PseudoRandomStream(largeBytes, 1);
                var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
                _ = await SegmentedPipelinedEncryptor.EncryptAsync(source, Stream.Null, key, new byte[32]);
            }));
            // The disk part alone, as the blob store does it: write through a 64 KiB FileStream buffer, then one fsync at the end.
            splitRows.Add(await TimeAsync("FileStream write + one fsync at the end (no write-back)", async () =>
            {
                var path = Path.Combine(blobRoot, "tmp", "bench-disk.tmp");
                try
                {
                    await using var file = new FileStream(path, new FileStreamOptions
                    {
                        Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 16, Options = FileOptions.Asynchronous,
                    });
                    await using (var source = new PseudoRandomStream(largeBytes, 1)) await source.CopyToAsync(file, 256 * 1024);
                    await file.FlushAsync();
                    var clock = Stopwatch.StartNew();
                    file.Flush(flushToDisk: true);
                    fsyncShare = clock.Elapsed;
                }
                finally
                {
                    File.Delete(path);
                }
            }));
            var content = services.GetRequiredService<DocumentContent>();
            splitRows.Add(await TimeAsync("DocumentContent.StoreAsync (pipelined, write-back, fsync)", async () =>
            {
                await using var source = new PseudoRandomStream(largeBytes, 1);
                var storedBlob = await content.StoreAsync(tenant, Guid.CreateVersion7(), source);
                await content.DiscardAsync(storedBlob.Address);
            }));
            splitRows.Add(await TimeAsync("DocumentContent.OpenAsync -> read to Stream.Null (decrypt + SHA-256)", async () =>
            {
                DocumentVersion version;
                await using (var db = server.Context())
                    version = await db.DocumentVersions.AsNoTracking().SingleAsync(v => v.DocumentId == largeId);
                await using var plain = await content.OpenAsync(version) ?? throw new InvalidOperationException("large blob missing");
                await plain.CopyToAsync(Stream.Null, 256 * 1024);
                if (!plain.PlaintextSha256.AsSpan().SequenceEqual(largeSha)) throw new InvalidOperationException("in-process read: checksum differs");
            }));

            // Small files without HTTP: the blob path alone (one caller), then the whole upload and download services.
            var n = Math.Min(files, 1000);
            var user = await UserIdAsync(server, "bench");
            var caller = new DocumentCaller(user, "bench", new Actor("bench", "127.0.0.1"), "api");
            var splitFolder = await CreateFolderAsync(http, auth, api, "split");
            var uploads = services.GetRequiredService<DocumentUploads>();
            var downloads = services.GetRequiredService<DocumentDownloads>();
            var one = new byte[fileBytes];
            SmallFile(smallPool, 0, one);
            smallSplit.Add(await TimeCountAsync(n / 5, $"DocumentContent.StoreAsync {fileKib} KiB x {n / 5}, one caller (blob: encrypt, write, fsync)", async () =>
            {
                for (var i = 0; i < n / 5; i++)
                {
                    var storedBlob = await content.StoreAsync(tenant, Guid.CreateVersion7(), new MemoryStream(one, writable: false));
                    await content.DiscardAsync(storedBlob.Address);
                }
            }));
            var splitIds = new Guid[n];
            foreach (var callers in new[] { 1, concurrency })
            {
                var (from, to) = callers == 1 ? (0, n / 5) : (n / 5, n);
                smallSplit.Add(await TimeCountAsync(to - from, $"DocumentUploads.CreateAsync {fileKib} KiB x {to - from}, {callers} caller(s)", () => Parallel.ForAsync(from, to,
                new ParallelOptions { MaxDegreeOfParallelism = callers }, async (i, ct) =>
                {
                    var buffer = new byte[fileBytes];
                    SmallFile(smallPool, i, buffer);
                    var r = await uploads.CreateAsync(tenant, splitFolder, $"s-{i:D5}.bin", "application/octet-stream", null, new MemoryStream(buffer), caller, ct);
                    splitIds[i] = r.Succeeded ? r.Value!.Id : throw new InvalidOperationException($"in-process upload: {r.Error!.Message}");
                })));
            }
            foreach (var callers in new[] { 1, concurrency })
            {
                var (from, to) = callers == 1 ? (0, n / 5) : (n / 5, n);
                smallSplit.Add(await TimeCountAsync(to - from, $"DocumentDownloads.OpenAsync + read {fileKib} KiB x {to - from}, {callers} caller(s)", () => Parallel.ForAsync(from, to,
                new ParallelOptions { MaxDegreeOfParallelism = callers }, async (i, ct) =>
                {
                    var r = await downloads.OpenAsync(tenant, splitIds[i], null, caller, ct);
                    if (!r.Succeeded) throw new InvalidOperationException($"in-process download: {r.Error!.Message}");
                    await using var d = r.Value!;
                    await d.Content.CopyToAsync(Stream.Null, ct);
                    if (!d.IsIntact) throw new InvalidOperationException("in-process download: checksum differs");
                })));
            }
        }

        // Report.
        Console.WriteLine();
        Console.WriteLine($"Database: {server.DatabaseDescription}; HTTPS/1.1 on loopback, bearer token; {nameof(DocumentEndpoints)} as shipped; " +
                          $"load average {Load.Average()}");
        Console.WriteLine($"| {"phase",-38} | {"items",6} | {"MB",7} | {"s",7} | {"MB/s",7} | {"files/s",7} | {"p50 ms",7} | {"p99 ms",7} | " +
                          $"{"CPU s",6} | {"cores",5} | {"DB CPU s",8} | {"alloc MB",8} | {"RSS +MiB",8} | {"GC heap +MiB",12} | {"GC commit +MiB",14} | {"errors",6} |");
        Console.WriteLine($"|{new string('-', 40)}|{new string('-', 7)}:|{new string('-', 8)}:|{new string('-', 8)}:|{new string('-', 8)}:|{new string('-', 8)}:|" +
                          $"{new string('-', 8)}:|{new string('-', 8)}:|{new string('-', 7)}:|{new string('-', 6)}:|{new string('-', 9)}:|{new string('-', 9)}:|{new string('-', 9)}:|" +
                          $"{new string('-', 13)}:|{new string('-', 15)}:|{new string('-', 7)}:|");
        foreach (var p in phases)
        {
            var single = p.Latencies.Length == 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Name,-38} | {p.Items,6:N0} | {p.Bytes / 1e6,7:F0} | {p.Elapsed.TotalSeconds,7:F2} | {p.MBps,7:F1} | " +
                $"{(single ? "-" : p.PerSecond.ToString("F0", CultureInfo.InvariantCulture)),7} | {(single ? "-" : p.P(0.5).ToString("F1", CultureInfo.InvariantCulture)),7} | " +
                $"{(single ? "-" : p.P(0.99).ToString("F1", CultureInfo.InvariantCulture)),7} | {p.Cpu.TotalSeconds,6:F1} | {p.Cpu / p.Elapsed,5:F2} | " +
                $"{(cpu.MeasuresDatabase ? p.DbCpu.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "-"),8} | {p.Allocated / 1e6,8:F0} | {Mib(p.Memory.Growth),8:F1} | " +
                $"{Mib(p.Memory.GcHeapGrowth),12:F1} | {Mib(p.Memory.GcCommittedGrowth),14:F1} | {p.Errors,6} |"));
        }
        Console.WriteLine("CPU s: this process (client and server); cores: CPU s / wall s, out of " + Environment.ProcessorCount + "; alloc MB: managed allocations (client and server)" +
                          $". DB CPU: the local PostgreSQL's processes. Memory: peak over the idle baseline after a forced compacting GC, sampled every 50 ms; " +
                          $"RSS +MiB is the larger of the sampled working set and the kernel's high-water mark (VmHWM{(phases.All(p => p.Memory.HwmGrowth is not null) ? "" : ", not available here")}). " +
                          "All of it is client + server (one process).");
        Console.WriteLine((failures == 0
                              ? "Checked: every download's SHA-256 equals the SHA-256 of what was uploaded (and the server's Repr-Digest); "
                              : $"Checked: {failures:N0} transfers FAILED (refused, or length, SHA-256 or Repr-Digest differ); ") +
                          $"{stored:N0} versions stored in the tenant (expected {files + Math.Min(files, 500) + 2 + runs:N0}).");

        Console.WriteLine();
        foreach (var p in phases.Where(p => p.Latencies.Length > 0))
        {
            var s = p.Stats;
            var per = (double)Math.Max(1, p.Items);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Database work per file, {p.Name}: {s.TotalCommands / per:F1} statements, {s.Connections / per:F2} connection opens, " +
                $"{s.Commits / per:F2} commits ({s.CommitMs / Math.Max(1, s.Commits):F2} ms each); BEGIN took {p.Begins.MeanMs:F1} ms on average " +
                $"(max {p.Begins.MaxMs:F0} ms, {p.Begins.Over100Ms:N0} of {p.Begins.Count:N0} waited >= 100 ms; summed {p.Begins.TotalMs / 1000:F1} s in a {p.Elapsed.TotalSeconds:F1} s phase)"));
            foreach (var (shape, count, totalMs) in s.Commands.Where(c => c.Count >= p.Items / 2))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count / per,5:F2} x {totalMs / count,7:F2} ms  {shape}"));
        }

        if (splitRows.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"In-process split, {FormatSize(largeBytes)}, one caller, no HTTP/TLS (each row includes generating the content where it reads it):");
            foreach (var (name, wall, used) in splitRows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-74} {wall.TotalSeconds,6:F2} s {largeBytes / wall.TotalSeconds / 1e6,7:F0} MB/s  CPU {used.TotalSeconds,5:F2} s"));
            // CPU time rather than wall time: on a shared machine the wall clock of two separate runs says more about the
            // neighbours than about the code, while the CPU each step needs stays comparable.
            var storeCpu = splitRows[4].Cpu;
            var readCpu = splitRows[5].Cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  => CPU (median runs): the HTTPS upload used {large.Cpu.TotalSeconds:F1} s (client and server), StoreAsync alone {storeCpu.TotalSeconds:F1} s: " +
                $"HTTP/TLS on both ends, Kestrel, HttpClient and the endpoint cost {(large.Cpu - storeCpu).TotalSeconds:F1} s ({100 * (large.Cpu - storeCpu) / large.Cpu:F0}%)."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     Disk: in the plain write + fsync row (no write-back) the final fsync alone took {fsyncShare.TotalSeconds:F2} s, after every byte was in the page " +
                $"cache ({FormatSize(largeBytes)} stays below vm.dirty_background_ratio here); the blob store starts write-back every 32 MiB so that the disk works while the CPU encrypts."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"     The HTTPS download used {largeDown.Cpu.TotalSeconds:F1} s, the in-process read {readCpu.TotalSeconds:F1} s, the client's SHA-256 about " +
                $"{splitRows[1].Cpu.TotalSeconds:F1} s: HTTP/TLS and the rest {(largeDown.Cpu - readCpu - splitRows[1].Cpu).TotalSeconds:F1} s."));
            Console.WriteLine("In-process, small files (no HTTP/TLS; the services the endpoints call, with the same database and blob store):");
            foreach (var (name, count, wall, used, b, allocated) in smallSplit)
            {
                var wait = b is { Count: > 0 } ? string.Create(CultureInfo.InvariantCulture, $"  BEGIN avg {b.MeanMs:F1} ms, {b.Over100Ms} of {b.Count} >= 100 ms") : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-74} {wall.TotalSeconds,6:F2} s {count / wall.TotalSeconds,7:F0} files/s  {wall.TotalMilliseconds / count,6:F2} ms/file  CPU {used.TotalMilliseconds / count,5:F2} ms/file  {(allocated >= 0 ? (allocated / 1024.0 / count).ToString("F0", CultureInfo.InvariantCulture) : "?"),4} KB/file{wait}"));
            }
        }

        // Targets.
        Console.WriteLine();
        var targets = new List<string>();
        if (dd is not null && openssl?.AesGcmMBps is { } aes && openssl.Sha256MBps is { } sha)
        {
            var crypto = Math.Min(aes, sha);
            var cryptoName = aes <= sha ? "AES-256-GCM" : "SHA-256";
            var ceiling = Math.Min(dd.MBps, crypto);
            var serial = Math.Min(aes, sha);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Ceilings: disk (dd) {dd.MBps:F0} MB/s; crypto = the lower of openssl's AES-256-GCM ({aes:F0}) and SHA-256 ({sha:F0}) = {cryptoName} {crypto:F0} MB/s; " +
                $"the lower of the two: {ceiling:F0} MB/s, half of it {ceiling / 2:F0} MB/s."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  (For reading: the server does AES-GCM and one SHA-256 pass per byte (the plaintext checksum; blobs get random addresses), on two " +
                $"tasks at once: min(AES, SHA) = {serial:F0} MB/s at openssl's speeds, before TLS on both ends.)"));
            targets.Add(string.Create(CultureInfo.InvariantCulture,
                $"large upload {large.MBps:F0} MB/s (median of {ups.Count}; runs {string.Join(", ", ups.Select(u => u.MBps.ToString("F0", CultureInfo.InvariantCulture)))}) >= 50% of {ceiling:F0} MB/s ({ceiling / 2:F0}): {(large.MBps >= ceiling / 2 ? "met" : "MISSED")} " +
                $"({100 * large.MBps / ceiling:F0}% of the ceiling)"));
        }
        else
        {
            targets.Add($"large upload {large.MBps:F0} MB/s: ceiling not measured");
        }
        var worst = phases.MaxBy(p => p.Memory.Growth)!;
        targets.Add(string.Create(CultureInfo.InvariantCulture,
            $"peak memory growth < 100 MiB: {(worst.Memory.Growth < 100L * 1024 * 1024 ? "met" : "MISSED")} (largest {Mib(worst.Memory.Growth):F0} MiB RSS, {worst.Name}; " +
            $"client included)"));
        var sqlite = pg is null;
        foreach (var p in new[] { smallUp, smallDown })
        {
            var verdict = p.PerSecond >= 300 ? "met" : "MISSED";
            targets.Add(string.Create(CultureInfo.InvariantCulture,
                $"small {(p == smallUp ? "upload" : "download")} {p.PerSecond:F0} files/s >= 300/s: {(sqlite ? verdict : verdict + " (target is for SQLite; PostgreSQL for reference)")}"));
        }
        Console.WriteLine($"Targets: {string.Join("; ", targets)}. Load average now {Load.Average()}");
        return failures == 0 ? 0 : 1;
    }

    internal static async Task<Phase> MeasureAsync(string name, ProcessCpu cpu, EfStats ef, TransactionWaits begins, Func<Task<(long Items, long Bytes, long Errors, double[] Latencies)>> run)
    {
        var probe = MemoryProbe.Start();
        ef.Reset();
        ef.Enabled = true;
        begins.Take();
        begins.Enabled = true;
        var cpu0 = ProcessCpu.Self();
        var db0 = cpu.Database();
        var alloc0 = GC.GetTotalAllocatedBytes(precise: false);
        var clock = Stopwatch.StartNew();
        var (items, bytes, errors, latencies) = await run();
        clock.Stop();
        var used = ProcessCpu.Self() - cpu0;
        var dbUsed = cpu.Database() - db0;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - alloc0;
        var memory = probe.Stop();
        ef.Enabled = false;
        begins.Enabled = false;
        Array.Sort(latencies);
        var phase = new Phase(name, items, bytes, clock.Elapsed, used, dbUsed, memory, errors, latencies, ef.Take(), begins.Take(), allocated);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {phase.Elapsed.TotalSeconds:F2} s, {phase.MBps:F1} MB/s{(latencies.Length > 0 ? $", {phase.PerSecond:F0} files/s" : "")}, " +
            $"CPU {used.TotalSeconds:F1} s, RSS +{Mib(memory.Growth):F1} MiB, {errors} errors (load {Load.Average()})"));
        return phase;
    }

    private static async Task<(string, TimeSpan, TimeSpan)> TimeAsync(string name, Func<Task> op)
    {
        GC.Collect();
        var cpu0 = ProcessCpu.Self();
        var clock = Stopwatch.StartNew();
        await op();
        clock.Stop();
        return (name, clock.Elapsed, ProcessCpu.Self() - cpu0);
    }

    private static TransactionWaits? splitBegins;

    private static async Task<(string, int, TimeSpan, TimeSpan, TransactionWaits.Snapshot?, long)> TimeCountAsync(int count, string name, Func<Task> op)
    {
        splitBegins?.Take();
        if (splitBegins is not null) splitBegins.Enabled = true;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var (_, wall, used) = await TimeAsync(name, op);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        if (splitBegins is not null) splitBegins.Enabled = false;
        return (name, count, wall, used, splitBegins?.Take(), allocated);
    }

    internal static async Task<Guid> CreateFolderAsync(HttpClient http, AuthenticationHeaderValue auth, string api, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{api}/folders") { Content = JsonContent.Create(new { name }) };
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST folders answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    private static HttpRequestMessage UploadRequest(AuthenticationHeaderValue auth, string api, Guid folder, string name, HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, $"{api}?folder={folder}") { Content = content };
        request.Headers.Authorization = auth;
        request.Headers.Add(DocumentEndpoints.FileNameHeader, Uri.EscapeDataString(name));
        return request;
    }

    /// <summary>Returns when the search indexer has nothing left to index (the background service and this call take turns).</summary>
    internal static async Task DrainIndexerAsync(IServiceProvider services)
    {
        var indexer = services.GetRequiredService<DocumentIndexer>();
        while (await indexer.IndexPendingAsync() > 0) { }
    }

    /// <summary>Streams <paramref name="size"/> generated bytes as the body (with Content-Length); nothing of it is held in memory.</summary>
    internal static async Task<Guid> UploadLargeAsync(HttpClient http, AuthenticationHeaderValue auth, string api, Guid folder, string name, long size, int seed)
    {
        var content = new StreamContent(new PseudoRandomStream(size, seed), 256 * 1024);
        content.Headers.ContentLength = size;
        using var request = UploadRequest(auth, api, folder, name, content);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"upload of {name} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Reads the content as it arrives into SHA-256 (and nowhere else); true when length, hash and Repr-Digest match.</summary>
    private static async Task<bool> DownloadLargeAsync(HttpClient http, AuthenticationHeaderValue auth, string api, Guid id, long size, byte[] sha)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{api}/{id}/content");
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Console.WriteLine($"  download {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return false;
        }
        await using var body = await response.Content.ReadAsStreamAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        long total = 0;
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var got = hash.GetHashAndReset();
        var digest = response.Headers.TryGetValues("Repr-Digest", out var values) ? values.FirstOrDefault() : null;
        var ok = total == size && got.AsSpan().SequenceEqual(sha) && digest == $"sha-256=:{Convert.ToBase64String(sha)}:";
        if (!ok) Console.WriteLine($"  download {id}: {total} bytes of {size}, SHA-256 {Convert.ToHexStringLower(got)} expected {Convert.ToHexStringLower(sha)}, Repr-Digest {digest}");
        return ok;
    }

    internal static byte[] HashOf(long size, int seed)
    {
        using var source = new PseudoRandomStream(size, seed);
        return SHA256.HashData(source);
    }

    private static byte[] SmallPool(int seed)
    {
        var pool = new byte[1024 * 1024];
        new Random(seed).NextBytes(pool);
        return pool;
    }

    /// <summary>File <paramref name="i"/>: a slice of the pool, its first 8 bytes replaced by the number.</summary>
    private static void SmallFile(byte[] pool, int i, Span<byte> into)
    {
        var offset = (int)((long)i * 4099 % (pool.Length - into.Length));
        pool.AsSpan(offset, into.Length).CopyTo(into);
        BitConverter.TryWriteBytes(into, (long)i);
    }

    private static byte[][] SmallHashes(byte[] pool, int files, int size)
    {
        var buffer = new byte[size];
        var hashes = new byte[files][];
        for (var i = 0; i < files; i++)
        {
            SmallFile(pool, i, buffer);
            hashes[i] = SHA256.HashData(buffer);
        }
        return hashes;
    }

    private static int errorsShown;

    private static void ShowError(string text)
    {
        if (Interlocked.Increment(ref errorsShown) <= 5) Console.WriteLine($"  {text}");
    }

    private static async Task<(List<Guid> Ids, long Errors, double[] Latencies)> UploadSmallAsync(HttpClient http, AuthenticationHeaderValue auth, string api,
        Guid folder, byte[] pool, int files, int size, int concurrency, string prefix)
    {
        var ids = new Guid[files];
        var next = -1;
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[size];
            var latencies = new List<double>();
            long errors = 0;
            int i;
            while ((i = Interlocked.Increment(ref next)) < files)
            {
                SmallFile(pool, i, buffer);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var request = UploadRequest(auth, api, folder, $"{prefix}-{i:D5}.bin", new ByteArrayContent(buffer));
                    using var response = await http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        errors++;
                        ShowError($"upload {i}: {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
                        continue;
                    }
                    ids[i] = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    errors++;
                    ShowError($"upload {i}: {e.GetType().Name}: {e.Message}");
                }
            }
            return (latencies, errors);
        })));
        return ([.. ids], perWorker.Sum(w => w.errors), [.. perWorker.SelectMany(w => w.latencies)]);
    }

    private static async Task<(long Ok, long Errors, double[] Latencies)> DownloadSmallAsync(HttpClient http, AuthenticationHeaderValue auth, string api,
        List<Guid> ids, byte[][] hashes, int concurrency)
    {
        var next = -1;
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            long errors = 0;
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                if (ids[i] == Guid.Empty)
                {
                    errors++;
                    continue;
                }
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"{api}/{ids[i]}/content");
                    request.Headers.Authorization = auth;
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK || !SHA256.HashData(body).AsSpan().SequenceEqual(hashes[i]))
                    {
                        errors++;
                        ShowError($"download {i}: {(int)response.StatusCode}, {body.Length} bytes, checksum {(response.IsSuccessStatusCode ? "differs" : "-")}");
                        continue;
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    errors++;
                    ShowError($"download {i}: {e.GetType().Name}: {e.Message}");
                }
            }
            return (latencies, errors);
        })));
        var all = perWorker.SelectMany(w => w.latencies).ToArray();
        return (all.Length, perWorker.Sum(w => w.errors), all);
    }

    internal static async Task<UserId> UserIdAsync(BenchServer server, string user)
    {
        await using var db = server.Context();
        return await db.Users.AsNoTracking().Where(u => u.UserName == UserNames.Normalize(user)).Select(u => u.Id).SingleAsync();
    }

    /// <summary>The middle element by <paramref name="key"/> (the lower middle of an even count); null when empty.</summary>
    internal static T? Median<T>(List<T> items, Func<T, double> key) where T : class =>
        items.Count == 0 ? null : items.OrderBy(key).ElementAt((items.Count - 1) / 2);

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;

    private static string FormatSize(long bytes) => bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB" : $"{bytes >> 20} MiB";

    /// <summary>The mount the blob directory lives on, from /proc/self/mounts (the longest matching mount point).</summary>
    internal static string FileSystemOf(string path)
    {
        try
        {
            var best = File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 2 && path.StartsWith(f[1], StringComparison.Ordinal))
                .MaxBy(f => f[1].Length);
            return best is null ? "unknown file system" : $"{best[2]} on {best[0]}, mounted at {best[1]}";
        }
        catch (IOException)
        {
            return "unknown file system";
        }
    }
}
