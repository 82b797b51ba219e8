using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Documents.Blobs;
using Custos.Core.Identity;
using Custos.Core.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// Sharing (issue 7, Benchmarks): one file (100 MiB of pseudo-random bytes) uploaded through the documents API (and so
/// through the sluice, with the run's own clamd) and shared by a link; then C recipients (50), each an HttpClient with its
/// own cookies and connection, open the link's page and download the file at the same moment, every download checked
/// against the SHA-256 of what was uploaded. In the same run, Debian's nginx serves the same bytes from disk over
/// HTTPS to the same recipients: the ceiling. Then the token path: <see cref="ShareGate.FindAsync"/> in-process (hash,
/// one indexed lookup, the state checks: what every public request runs first), and over HTTPS the landing page of a
/// password link (which also writes a log line) and unknown tokens (the 404 page). Client and server share this process,
/// so the nginx phase's CPU and memory in this process are the clients' own share. MB = 10^6 bytes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class ShareBench
{
    private const int Seed = 7;

    private sealed record Link(Guid Id, string Path, string Token, string? Password);

    public static async Task<int> RunAsync(string[] args)
    {
        string? pg = null;
        var clients = 50;
        var sizeMib = 100;
        var seconds = 10;
        var downloadSeconds = 0;
        var callers = 16;
        var pgPool = 50;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pg" when i + 1 < args.Length: pg = args[++i]; break;
                case "--clients" when i + 1 < args.Length: clients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--size-mib" when i + 1 < args.Length: sizeMib = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds" when i + 1 < args.Length: seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--download-seconds" when i + 1 < args.Length: downloadSeconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--callers" when i + 1 < args.Length: callers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--pg-pool" when i + 1 < args.Length: pgPool = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("Options: --pg <admin connection string> --clients <n> --size-mib <n> --seconds <n> --download-seconds <n> " +
                                            "--callers <n> --pg-pool <n>");
                    return 2;
            }
        }
        var size = sizeMib * 1024L * 1024;
        var checkFor = TimeSpan.FromSeconds(seconds);

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Load.Average()} (1/5/15 min); .NET {Environment.Version}; " +
                          $"GC {(GCSettings.IsServerGC ? "server" : "workstation (the server runs with server GC; set DOTNET_gcServer=1 to match)")}");
        Console.WriteLine("Client and server share this process and these cores: the nginx phase's CPU and memory here are the clients' own.");

        await using var server = await BenchServer.StartAsync(pg, pgPool);
        var cpu = await ProcessCpu.CreateAsync(pg);
        var services = server.Host.Services;
        Console.WriteLine($"Database: {server.DatabaseDescription}");

        // The sender: a user who may write documents and share them, with a token for both.
        var tenant = await server.DocumentWriterAsync("bench", "Bench");
        var token = await server.TokenAsync("bench", AccessTokens.DocumentsRead, AccessTokens.DocumentsWrite, AccessTokens.Shares);
        var auth = new AuthenticationHeaderValue("Bearer", token);
        using var sender = server.NewClient(2);
        sender.Timeout = Timeout.InfiniteTimeSpan;
        var documents = $"api/v1/tenants/{tenant.Value}/documents";
        var folder = await DocumentBench.CreateFolderAsync(sender, auth, documents, "Weitergabe");
        var uploadClock = Stopwatch.StartNew();
        var documentId = await DocumentBench.UploadLargeAsync(sender, auth, documents, folder, "Bericht-2026.bin", size, Seed);
        Console.WriteLine($"Uploaded {sizeMib} MiB through the documents API (sluice: quarantine, clamd, release) in {uploadClock.Elapsed.TotalSeconds:F1} s. " +
                          $"Load average {Load.Average()}");
        var sha = DocumentBench.HashOf(size, Seed);

        // The recipients' link has no password: the tenant's policy is set to allow that (through the service the
        // policy endpoint calls), since the per-link throttle admits only a few password attempts a minute, correct
        // ones included (measured at the end). The landing page is measured on a second link, with a password.
        await services.GetRequiredService<SharePolicies>().SetAsync(tenant, new SharePolicies.Policy(false, 7, 30, true), new Actor("bench", "127.0.0.1"));
        var open = await CreateLinkAsync(sender, auth, tenant.Value, documentId, "none");
        var guarded = await CreateLinkAsync(sender, auth, tenant.Value, documentId, "generate");

        await using var nginx = await ShareBenchNginx.StartAsync(async path =>
        {
            await using var file = File.Create(path);
            await using var source = new PseudoRandomStream(size, Seed);
            await source.CopyToAsync(file, 1 << 20);
        }, Environment.ProcessorCount);
        Console.WriteLine($"Peer: {nginx.Version}, {nginx.Workers} workers, the same {sizeMib} MiB as a plain file on local disk (in the page cache).");
        Console.WriteLine($"TLS: Custos {await ShareBenchClients.TlsAsync(server.BaseAddress, server.Certificate)}; " +
                          $"nginx {await ShareBenchClients.TlsAsync(nginx.BaseAddress, nginx.Certificate)}");

        // Every recipient connects first, as a browser that has the page open: Custos's share page (which sets the
        // visitor cookie and shows the link to the file), nginx's a small file.
        var custosRecipients = await RecipientsAsync(clients, () => server.NewClient(1, new CookieContainer()),
            http => ShareBenchClients.FileLinkAsync(http, open.Path));
        var nginxRecipients = await RecipientsAsync(clients, () => BenchServer.PinnedClient(nginx.BaseAddress, nginx.Certificate, 1, new CookieContainer()),
            async http =>
            {
                (await http.GetAsync("ready.txt")).Dispose();
                return ShareBenchNginx.FileName;
            });

        // Warm-up: a few whole downloads from each (JIT, buffers, the page cache for both copies), link checks.
        var warm = Math.Min(4, clients);
        var gate = services.GetRequiredService<ShareGate>();
        {
            var w1 = await ShareBenchClients.DownloadAllAsync(custosRecipients.Take(warm).ToList(), size, sha, TimeSpan.Zero);
            var w2 = await ShareBenchClients.DownloadAllAsync(nginxRecipients.Take(warm).ToList(), size, sha, TimeSpan.Zero);
            if (w1.Errors + w2.Errors > 0) throw new InvalidOperationException("A warm-up download failed; see above.");
            Console.WriteLine($"Warm-up: {warm} downloads from each. Load average {Load.Average()}");
        }

        using var ef = new EfStats();
        using var begins = new TransactionWaits();
        var repeat = TimeSpan.FromSeconds(downloadSeconds);
        var what = downloadSeconds > 0 ? $"{clients} clients x {sizeMib} MiB for {downloadSeconds} s" : $"{clients} clients x {sizeMib} MiB";
        var custosDownloads = await DocumentBench.MeasureAsync($"Custos {what}", cpu, ef, begins,
            () => ShareBenchClients.DownloadAllAsync(custosRecipients, size, sha, repeat));
        var nginxCpu = ProcessCpu.OfTree(nginx.MasterPid);
        var nginxCpu0 = nginxCpu.Database();
        var nginxMemory = PeakSampler.Start(nginx.ResidentBytes);
        var nginxDownloads = await DocumentBench.MeasureAsync($"nginx {what}", cpu, ef, begins,
            () => ShareBenchClients.DownloadAllAsync(nginxRecipients, size, sha, repeat));
        var nginxUsed = nginxCpu.Database() - nginxCpu0;
        var nginxPeak = nginxMemory.Stop();
        foreach (var r in custosRecipients.Concat(nginxRecipients)) r.Http.Dispose();

        // The token path. Its operations are short, so the runtime's background recompilation (tier 1) weighs on them for
        // a while after start: rounds of every check until a round costs that compiler thread less than 0.1 s of CPU.
        Func<int, Task<bool>> findKnown = async _ => await gate.FindAsync(open.Token, ShareKind.Download) is not null;
        Func<int, Task<bool>> findUnknown = async _ => await gate.FindAsync(ShareTokens.New(), ShareKind.Download) is null;
        var pages = Enumerable.Range(0, callers).Select(_ => server.NewClient(1, new CookieContainer())).ToList();
        Func<int, Task<bool>> getLanding = w => ShareBenchClients.PageAsync(pages[w], guarded.Path, HttpStatusCode.OK, "share-password-form");
        Func<int, Task<bool>> getMissing = w => ShareBenchClients.PageAsync(pages[w], $"/s/{ShareTokens.New()}", HttpStatusCode.NotFound, "share-unavailable");
        for (var round = 1; round <= 10; round++)
        {
            var jit = ProcessCpu.TieredCompiler();
            foreach (var check in new[] { findKnown, findUnknown, getLanding, getMissing })
                await ShareBenchClients.ClosedLoopAsync(callers, TimeSpan.FromSeconds(1), check);
            await Task.Delay(TimeSpan.FromSeconds(1));
            jit = ProcessCpu.TieredCompiler() - jit;
            Console.WriteLine($"Settling round {round}: the tiered compiler thread used {jit.TotalSeconds:F2} s CPU. Load average {Load.Average()}");
            if (jit < TimeSpan.FromSeconds(0.1)) break;
        }
        var known = await DocumentBench.MeasureAsync($"(a) ShareGate.FindAsync, {callers} callers", cpu, ef, begins,
            () => ShareBenchClients.ClosedLoopAsync(callers, checkFor, findKnown));
        var unknown = await DocumentBench.MeasureAsync($"(a') ShareGate.FindAsync, unknown tokens, {callers} callers", cpu, ef, begins,
            () => ShareBenchClients.ClosedLoopAsync(callers, checkFor, findUnknown));
        var landing = await DocumentBench.MeasureAsync($"(b) GET /s/{{token}} (password form), {callers} clients", cpu, ef, begins,
            () => ShareBenchClients.ClosedLoopAsync(callers, checkFor, getLanding));
        var missing = await DocumentBench.MeasureAsync($"(c) GET /s/{{unknown}} (404), {callers} clients", cpu, ef, begins,
            () => ShareBenchClients.ClosedLoopAsync(callers, checkFor, getMissing));
        foreach (var p in pages) p.Dispose();

        // Where a check's CPU goes: one caller, no HTTP, steps of FindAsync on their own.
        Console.WriteLine($"In-process split, one caller, {seconds / 2.0:F0} s per row ... load average {Load.Average()}");
        var split = await ShareBenchSplit.RunAsync(services, open.Token, checkFor / 2, size);

        // The recipients all typing the link's password at once (as they would with a password link): how many get in.
        var answers = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var http = server.NewClient(1, new CookieContainer());
            return await ShareBenchClients.EnterPasswordAsync(http, guarded.Path, guarded.Password!);
        }));

        // What the link's log says about the runs.
        List<(bool? Completed, long Bytes)> downloadLines;
        int counted, opens;
        await using (var db = server.Context())
        {
            downloadLines = (await db.ShareEvents.AsNoTracking().Where(e => e.ShareId == open.Id && e.Kind == "download").Select(e => new { e.Completed, e.Bytes })
                .ToListAsync()).Select(e => (e.Completed, e.Bytes)).ToList();
            counted = await db.ShareLinks.Where(l => l.Id == open.Id).Select(l => l.Downloads).SingleAsync();
            opens = await db.ShareEvents.CountAsync(e => e.ShareId == guarded.Id && e.Kind == "open");
        }
        var blobRoot = services.GetRequiredService<IBlobStore>() is LocalBlobStore local ? local.Root : Path.GetTempPath();
        var syncMs = DdCeiling.SyncWriteMs(blobRoot, 500);

        // Report.
        var failures = custosDownloads.Errors + nginxDownloads.Errors + known.Errors + unknown.Errors + landing.Errors + missing.Errors;
        Console.WriteLine();
        Console.WriteLine($"Database: {server.DatabaseDescription}; HTTPS/1.1 on loopback; load average {Load.Average()}");
        Console.WriteLine($"| downloads, {what} | Custos `/s/{{token}}/files/{{item}}` | nginx, same file from disk |");
        Console.WriteLine("|---|---|---|");
        Row("downloads verified (SHA-256) / failed", $"{custosDownloads.Items} / {custosDownloads.Errors}", $"{nginxDownloads.Items} / {nginxDownloads.Errors}");
        Row("wall time", F($"{custosDownloads.Elapsed.TotalSeconds:F1} s"), F($"{nginxDownloads.Elapsed.TotalSeconds:F1} s"));
        Row("**aggregate rate**", F($"**{custosDownloads.MBps:F0} MB/s** ({custosDownloads.MBps / nginxDownloads.MBps:P0} of nginx)"), F($"**{nginxDownloads.MBps:F0} MB/s**"));
        Row("per download p50 / p95 / max", F($"{custosDownloads.P(0.5):F1} / {custosDownloads.P(0.95):F1} / {custosDownloads.P(1):F1} s"),
            F($"{nginxDownloads.P(0.5):F1} / {nginxDownloads.P(0.95):F1} / {nginxDownloads.P(1):F1} s"));
        var client = nginxDownloads.Cpu;
        Row("CPU of this process (clients + Custos)", F($"{custosDownloads.Cpu.TotalSeconds:F1} s"), F($"{nginxDownloads.Cpu.TotalSeconds:F1} s (the clients alone)"));
        Row("server CPU", F($"≈ {(custosDownloads.Cpu - client).TotalSeconds:F1} s (the difference) = {(custosDownloads.Cpu - client).TotalSeconds * 1e9 / Math.Max(1, custosDownloads.Bytes):F1} ns/byte"),
            F($"{nginxUsed.TotalSeconds:F1} s (master + workers) = {nginxUsed.TotalSeconds * 1e9 / Math.Max(1, nginxDownloads.Bytes):F1} ns/byte"));
        if (cpu.MeasuresDatabase) Row("PostgreSQL CPU", F($"{custosDownloads.DbCpu.TotalSeconds:F1} s"), "–");
        Row("peak RSS growth of this process", F($"{Mib(custosDownloads.Memory.Growth):F0} MiB (GC heap +{Mib(custosDownloads.Memory.GcHeapGrowth):F0}, committed +{Mib(custosDownloads.Memory.GcCommittedGrowth):F0})"),
            F($"{Mib(nginxDownloads.Memory.Growth):F0} MiB (the clients alone)"));
        Row("managed allocations of this process", F($"{custosDownloads.Allocated / 1e6:N0} MB = {(double)custosDownloads.Allocated / Math.Max(1, custosDownloads.Bytes):F3} bytes per byte sent"),
            F($"{nginxDownloads.Allocated / 1e6:N0} MB = {(double)nginxDownloads.Allocated / Math.Max(1, nginxDownloads.Bytes):F3} bytes per byte (the clients alone)"));
        Row("server memory", F($"≈ {Mib(custosDownloads.Memory.Growth - nginxDownloads.Memory.Growth):F0} MiB growth (the difference)"),
            F($"{Mib(nginxMemory.Baseline):F0} MiB RSS idle, {Mib(nginxPeak):F0} MiB peak (master + workers)"));
        Console.WriteLine();
        Console.WriteLine($"| token path, {seconds} s each | checks/s | p50 ms | p99 ms | CPU ms/check (this process) | statements/check | commits/check | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in new[] { known, unknown, landing, missing })
        {
            Console.WriteLine(F($"| {p.Name} | **{p.PerSecond:N0}** | {p.P(0.5):F2} | {p.P(0.99):F2} | {p.Cpu.TotalMilliseconds / Math.Max(1, p.Items):F3} | ") +
                              F($"{p.Stats.TotalCommands / (double)Math.Max(1, p.Items):F1} | {p.Stats.Commits / (double)Math.Max(1, p.Items):F2} | {p.Errors} |"));
        }
        if (cpu.MeasuresDatabase)
            Console.WriteLine(F($"PostgreSQL CPU: (a) {known.DbCpu.TotalSeconds:F1} s, (a') {unknown.DbCpu.TotalSeconds:F1} s, (b) {landing.DbCpu.TotalSeconds:F1} s, (c) {missing.DbCpu.TotalSeconds:F1} s"));
        Console.WriteLine(F($"BEGIN waits in (b): mean {landing.Begins.MeanMs:F1} ms, max {landing.Begins.MaxMs:F0} ms, {landing.Begins.Over100Ms} of {landing.Begins.Count} >= 100 ms. ") +
                          "Synchronous 4 KiB write on the data disk (dd oflag=dsync): " +
                          (syncMs is { } ms ? F($"{ms:F2} ms = at most {1000 / ms:F0} fsync'd commits/s for one writer") : "not measured"));
        foreach (var (shape, count, totalMs) in landing.Stats.Commands.Where(c => c.Count >= landing.Items / 2))
            Console.WriteLine(F($"  (b) {count / (double)Math.Max(1, landing.Items),5:F2} x {totalMs / count,7:F2} ms  {shape}"));
        Console.WriteLine("In-process split, one caller (wall rates on a shared machine; the CPU per call or byte is the comparable figure):");
        foreach (var line in split) Console.WriteLine($"  {line}");
        var target = known.PerSecond >= 5000 ? "met" : "MISSED";
        Console.WriteLine(F($"Target: link checks (a) {known.PerSecond:N0}/s >= 5,000/s: {target}."));
        Console.WriteLine($"Password form, {clients} recipients at once on one link: " +
                          string.Join(", ", answers.GroupBy(a => a).OrderBy(g => (int)g.Key).Select(g => $"{(int)g.Key} {Outcome(g.Key)} x {g.Count()}")));
        var complete = downloadLines.Count(l => l.Completed == true && l.Bytes == size);
        Console.WriteLine($"Log of the download link: {downloadLines.Count} download lines, {complete} completed with all {size:N0} bytes " +
                          $"(expected {custosDownloads.Items + custosDownloads.Errors + warm + 1}: the warm-up's and the split's too); the link counted {counted} downloads (no limit). " +
                          $"Password link: {opens} 'open' lines (landing page GETs, expected at least {landing.Items + callers}).");
        if (complete != custosDownloads.Items + warm + 1) failures++;
        Console.WriteLine(failures == 0 ? "Checked: every download's SHA-256 equals the upload's; every check answered as expected." : $"FAILURES: {failures}");
        Console.WriteLine($"Load average at the end {Load.Average()}");
        return failures == 0 ? 0 : 1;
    }

    private static string Outcome(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Redirect => "(admitted)",
        HttpStatusCode.TooManyRequests => "(throttled)",
        HttpStatusCode.OK => "(form again: wrong password)",
        _ => "",
    };

    private static async Task<Link> CreateLinkAsync(HttpClient sender, AuthenticationHeaderValue auth, Guid tenant, Guid document, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/tenants/{tenant}/shares")
        {
            Content = JsonContent.Create(new { documents = new[] { new { documentId = document } }, password, expiresInDays = 7, recipient = "Benchmark" }),
        };
        request.Headers.Authorization = auth;
        using var response = await sender.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"POST shares answered {(int)response.StatusCode}: {text}");
        var json = JsonDocument.Parse(text).RootElement;
        var path = new Uri(json.GetProperty("url").GetString()!).AbsolutePath;
        return new Link(json.GetProperty("share").GetProperty("id").GetGuid(), path, path.Split('/')[2], json.GetProperty("password").GetString());
    }

    /// <summary>Makes the clients and lets each find its file (connecting on the way), all at once.</summary>
    private static async Task<List<ShareBenchClients.Recipient>> RecipientsAsync(int count, Func<HttpClient> newClient, Func<HttpClient, Task<string>> find) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var http = newClient();
            http.Timeout = Timeout.InfiniteTimeSpan;
            return new ShareBenchClients.Recipient(http, await find(http));
        }))];

    private static void Row(string name, string custos, string nginx) => Console.WriteLine($"| {name} | {custos} | {nginx} |");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;
}
