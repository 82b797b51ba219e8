using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// Reveals through the HTTPS API of a running server: a user with Manage on a tenant's vault, a bearer token, 100 entries.
/// (a) Closed loop: C workers each reveal a random entry, wait for the answer, and go again, for D seconds after a warm-up;
/// throughput and latency. (b) Open loop: reveals scheduled at a fixed rate; latency counts from the scheduled moment, so
/// a slow answer delays no later request (no coordinated omission). (c) The journal holds exactly the reveals answered
/// (vault_reveals rows and vault.reveal audit events), and `custos audit verify` finds the chain intact. With the
/// breakdown, the same closed loop runs against cheaper endpoints (anonymous /healthz, token-authenticated
/// /api/v1/tenants, the entry view without secret) to show what HTTP/TLS, authentication and the vault's access check
/// cost on their own; EF Core's own events count the database statements per request.
/// Client and server run in this one process and share the machine's cores.
/// </summary>
internal static class VaultRevealBench
{
    private static long revealsAnswered;

    public static async Task<int> RunAsync(string[] args)
    {
        string? pg = null;
        var duration = 10;
        var warmup = 5;
        int[] concurrency = [32];
        var rate = 500;
        var entries = 100;
        var breakdown = true;
        var pgPool = 50;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pg" when i + 1 < args.Length: pg = args[++i]; break;
                case "--duration" when i + 1 < args.Length: duration = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup" when i + 1 < args.Length: warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency" when i + 1 < args.Length:
                    concurrency = args[++i].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--rate" when i + 1 < args.Length: rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--entries" when i + 1 < args.Length: entries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-breakdown": breakdown = false; break;
                case "--pg-pool" when i + 1 < args.Length: pgPool = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("Options: --pg <admin connection string> --duration <s> --warmup <s> --concurrency <n[,n...]> --rate <n/s> " +
                                            "--entries <n> --no-breakdown --pg-pool <n>");
                    return 2;
            }
        }

        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}; load average {Load.Average()} (1/5/15 min)");
        Console.WriteLine($"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}" +
                          (GCSettings.IsServerGC ? "" : " (the server runs with server GC; set DOTNET_gcServer=1 to match)"));
        Console.WriteLine("Client and server share this process and these cores: every figure includes the client's HTTPS work.");

        using var ef = new EfStats();
        await using var server = await BenchServer.StartAsync(pg, pgPool);
        var cpu = await ProcessCpu.CreateAsync(pg);
        Console.WriteLine($"Database: {server.DatabaseDescription}");
        var core = typeof(VaultReveals).Assembly;
        Console.WriteLine($"Code measured: Custos.Core.dll built {File.GetLastWriteTimeUtc(core.Location):yyyy-MM-dd HH:mm:ss} UTC, MVID {core.ManifestModule.ModuleVersionId}");
        var (tenant, userId) = await server.VaultOwnerAsync("bench", "Bench");
        var token = await server.TokenAsync("bench", "vault:read", "vault:write");
        var auth = new AuthenticationHeaderValue("Bearer", token);
        var api = $"api/v1/tenants/{tenant.Value}/vault";

        // 100 entries in one folder, each with its own strong password.
        var secrets = new List<(Guid Id, string Password)>();
        using (var setup = server.NewClient(4))
        {
            var folder = await PostAsync(setup, auth, $"{api}/folders", new { name = "Servers", permissions = Array.Empty<object>() });
            var folderId = folder.GetProperty("id").GetGuid();
            for (var i = 0; i < entries; i++)
            {
                var password = $"Zq7!bench-{i}-{Guid.NewGuid():N}";
                var entry = await PostAsync(setup, auth, $"{api}/entries", new
                {
                    folderId, title = $"server {i}", userName = "admin", password, permissions = Array.Empty<object>(),
                });
                secrets.Add((entry.GetProperty("entry").GetProperty("id").GetGuid(), password));
            }
        }
        Console.WriteLine($"Set up: tenant, user with Manage, token, {entries} entries. Load average {Load.Average()}");

        var reveal = new Endpoint("POST reveal (password)", () =>
        {
            var (id, password) = secrets[Random.Shared.Next(secrets.Count)];
            var request = new HttpRequestMessage(HttpMethod.Post, $"{api}/entries/{id}/reveal") { Content = RevealBody() };
            request.Headers.Authorization = auth;
            return (request, password);
        }, CheckReveal);
        var entryView = new Endpoint("GET entry (access check, no secret)", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{api}/entries/{secrets[Random.Shared.Next(secrets.Count)].Id}");
            request.Headers.Authorization = auth;
            return (request, null);
        }, null);
        var tenants = new Endpoint("GET /api/v1/tenants (token auth)", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/tenants");
            request.Headers.Authorization = auth;
            return (request, null);
        }, null);
        var health = new Endpoint("GET /healthz (anonymous: HTTP+TLS)", () => (new HttpRequestMessage(HttpMethod.Get, "healthz"), null), null);

        var rows = new List<Row>();
        var breakdownAt = concurrency.Contains(32) ? 32 : concurrency[0];
        EfStats.Snapshot? revealStats = null, entryStats = null, tenantStats = null;
        using (var http = server.NewClient(concurrency.Max()))
        {
            // Warm-up: tiered JIT, EF query compilation, connection pools, all connections' TLS handshakes. On a busy
            // 2-core machine the JIT needs tens of seconds to bring the hot paths to optimised code (tier 1); until
            // then the figures describe unoptimised code, so the warm-up goes on until hardly anything is compiled.
            await SettleAsync("reveal", warmup, () => ClosedLoopAsync(http, reveal, concurrency.Max(), TimeSpan.FromSeconds(2), ef, cpu, quiet: true));
            if (breakdown)
            {
                foreach (var e in new[] { entryView, tenants, health })
                    await SettleAsync(e.Name, 2, () => ClosedLoopAsync(http, e, breakdownAt, TimeSpan.FromSeconds(2), ef, cpu, quiet: true));
                await InProcessAsync(server, tenant, userId, token, secrets, ef);
            }

            foreach (var c in concurrency)
            {
                var row = await ClosedLoopAsync(http, reveal, c, TimeSpan.FromSeconds(duration), ef, cpu);
                rows.Add(row);
                if (c == breakdownAt) revealStats = row.Stats;
            }
            if (breakdown)
            {
                var r = await ClosedLoopAsync(http, entryView, breakdownAt, TimeSpan.FromSeconds(duration), ef, cpu);
                entryStats = r.Stats;
                rows.Add(r);
                r = await ClosedLoopAsync(http, tenants, breakdownAt, TimeSpan.FromSeconds(duration), ef, cpu);
                tenantStats = r.Stats;
                rows.Add(r);
                rows.Add(await ClosedLoopAsync(http, health, breakdownAt, TimeSpan.FromSeconds(duration), ef, cpu));
            }
        }

        using (var http = server.NewClient(256))
        {
            await OpenLoopAsync(http, reveal, rate, TimeSpan.FromSeconds(3), ef, cpu);
            rows.Add(await OpenLoopAsync(http, reveal, rate, TimeSpan.FromSeconds(duration), ef, cpu));
        }

        // (c) Every answered reveal is in the journal, once, with its chained audit event; the chain verifies.
        long rowsInDb, eventsInDb;
        await using (var db = server.Context())
        {
            rowsInDb = await db.VaultReveals.LongCountAsync();
            eventsInDb = await db.AuditEvents.LongCountAsync(e => e.Action == "vault.reveal" && e.Outcome == AuditOutcome.Success);
        }
        var verifyClock = Stopwatch.StartNew();
        var verify = JsonDocument.Parse(await server.CliAsync("audit", "verify", "--json")).RootElement;
        verifyClock.Stop();
        var intact = verify.GetProperty("intact").GetBoolean();

        Console.WriteLine();
        Console.WriteLine($"Database: {server.DatabaseDescription}; {entries} entries; {duration} s per run after a warm-up of at least {warmup} s that lasts until the JIT settles; load average {Load.Average()}");
        Console.WriteLine($"| {"scenario",-38} | {"conc.",5} | {"req/s",7} | {"p50 ms",7} | {"p95 ms",7} | {"p99 ms",7} | {"max ms",7} | {"CPU ms/req",10} | {"DB CPU ms/req",13} | {"alloc KB/req",12} | {"DB stmts/req",12} | {"errors",6} |");
        Console.WriteLine($"|{new string('-', 40)}|{new string('-', 6)}:|{new string('-', 8)}:|{new string('-', 8)}:|{new string('-', 8)}:|{new string('-', 8)}:|{new string('-', 8)}:|{new string('-', 11)}:|{new string('-', 14)}:|{new string('-', 13)}:|{new string('-', 13)}:|{new string('-', 7)}:|");
        foreach (var r in rows)
        {
            Console.WriteLine($"| {r.Name,-38} | {r.Concurrency,5} | {r.PerSecond,7:N0} | {r.P(0.50),7:F1} | {r.P(0.95),7:F1} | {r.P(0.99),7:F1} | {r.P(1),7:F1} | " +
                              $"{r.CpuMsPerOp,10:F2} | {(cpu.MeasuresDatabase ? r.DbCpuMsPerOp.ToString("F2", CultureInfo.InvariantCulture) : "-"),13} | " +
                              $"{r.AllocKbPerOp,12:F0} | {r.StatementsPerOp,12:F1} | {r.Errors,6} |");
        }
        Console.WriteLine("CPU ms/req: this process (client and server) per successful request; DB CPU: the PostgreSQL server's processes. " +
                          "Open loop: conc. = most requests in flight at once; latency from the scheduled send time.");

        if (revealStats is not null)
        {
            var ok = rows.First(r => r.Stats == revealStats).Ok;
            Console.WriteLine();
            Console.WriteLine($"Database work per reveal (closed loop, {breakdownAt} workers, {ok:N0} reveals):");
            PrintStats(revealStats, ok);
            if (entryStats is not null) Console.WriteLine($"  for comparison: GET entry {entryStats.TotalCommands / (double)rows.First(r => r.Stats == entryStats).Ok:F2} statements/request, " +
                                                          $"GET /api/v1/tenants {tenantStats!.TotalCommands / (double)rows.First(r => r.Stats == tenantStats).Ok:F2}");
        }

        Console.WriteLine();
        var answered = Interlocked.Read(ref revealsAnswered);
        var consistent = rowsInDb == answered && eventsInDb == answered;
        Console.WriteLine($"Journal check: {answered:N0} reveals answered 200 during the run; vault_reveals rows {rowsInDb:N0}; " +
                          $"vault.reveal success events {eventsInDb:N0} -> {(consistent ? "equal" : "MISMATCH")}");
        Console.WriteLine($"custos audit verify: {(intact ? "intact" : "BROKEN")}, {verify.GetProperty("verifiedEvents").GetInt64():N0} events verified in {verifyClock.Elapsed.TotalSeconds:F2} s");
        Console.WriteLine($"Targets: >= 2,000 reveals/s closed loop (best here {rows.Where(r => r.Name == reveal.Name && !r.OpenLoop).Max(r => r.PerSecond):N0}/s); " +
                          $"p99 < 20 ms at {rate}/s (here {rows.Last().P(0.99):F1} ms). Load average now {Load.Average()}");
        return consistent && intact ? 0 : 1;
    }

    /// <summary>
    /// The server's parts called directly, one caller, no HTTP: what each step costs in wall and CPU time per call when
    /// nothing else competes inside this process (other processes on the machine still do).
    /// </summary>
    private static async Task InProcessAsync(BenchServer server, TenantId tenant, UserId user, string token, List<(Guid Id, string Password)> secrets, EfStats ef)
    {
        var services = server.Host.Services;
        var factory = services.GetRequiredService<IDbContextFactory<CustosDbContext>>();
        var tokens = services.GetRequiredService<AccessTokens>();
        var reveals = services.GetRequiredService<VaultReveals>();
        var caller = new VaultCaller(user, new Actor("bench", "127.0.0.1"), "api", SteppedUp: false);
        var time = TimeProvider.System;
        const int n = 400;

        async Task Step(string name, Func<Task> op, bool counted = false, int each = 1)
        {
            for (var i = 0; i < 50; i++) await op();
            GC.Collect();
            ef.Reset();
            ef.Enabled = counted;
            var cpu0 = ProcessCpu.Self();
            var alloc0 = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < n; i++) await op();
            clock.Stop();
            ef.Enabled = false;
            var calls = (double)n * each;
            var cpu = (ProcessCpu.Self() - cpu0).TotalMilliseconds / calls;
            var stats = counted ? $", {ef.Take().TotalCommands / calls:F1} statements" : "";
            Console.WriteLine($"  {name,-58} {clock.Elapsed.TotalMilliseconds / calls,7:F2} ms wall {cpu,7:F2} ms CPU {(GC.GetTotalAllocatedBytes() - alloc0) / 1024.0 / calls,6:F0} KB{stats}");
        }

        Console.WriteLine($"In-process, one caller, {n} calls each (no HTTP):");
        await Step("create + dispose a DbContext", async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
        });
        await Step("one simple query (tenant name by id, new context)", async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            _ = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant).Select(t => t.Name).FirstAsync();
        });
        await Step("the same, counted by EfStats (listener overhead)", async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            _ = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant).Select(t => t.Name).FirstAsync();
        }, counted: true);
        await Step("ADO.NET: open pooled connection, 1 SELECT, close (no EF)", async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            var conn = db.Database.GetDbConnection();
            await conn.OpenAsync();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT name FROM tenants LIMIT 1";
                _ = await cmd.ExecuteScalarAsync();
            }
            await conn.CloseAsync();
        });
        await Step("EF: 5 such queries on one connection opened once (per query)", async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            for (var i = 0; i < 5; i++) _ = await db.Tenants.AsNoTracking().Where(t => t.Id == tenant).Select(t => t.Name).FirstAsync();
        }, each: 5);
        await Step("EF compiled query, 5 on one connection opened once (per query)", async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            for (var i = 0; i < 5; i++) _ = await TenantName(db, tenant);
        }, each: 5);
        await Step("AccessTokens.ValidateAsync (bearer token check)", async () =>
        {
            if (await tokens.ValidateAsync(token) is null) throw new InvalidOperationException("token refused");
        }, counted: true);
        await Step("VaultAccess.LoadAsync", async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            _ = await VaultAccess.LoadAsync(db, user, tenant, time.StoredNow());
        }, counted: true);
        await Step("VaultReveals.RevealAsync (1 caller: 1 reveal per commit)", async () =>
        {
            var (id, password) = secrets[Random.Shared.Next(secrets.Count)];
            var r = await reveals.RevealAsync(tenant, id, "password", null, caller);
            if (!r.Succeeded || r.Value!.Value != password) throw new InvalidOperationException("reveal failed");
            Interlocked.Increment(ref revealsAnswered);
        }, counted: true);
        await Step("VaultReveals.RevealAsync, 16 at once (per reveal)", async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                var (id, password) = secrets[Random.Shared.Next(secrets.Count)];
                var r = await reveals.RevealAsync(tenant, id, "password", null, caller);
                if (!r.Succeeded || r.Value!.Value != password) throw new InvalidOperationException("reveal failed");
                Interlocked.Increment(ref revealsAnswered);
            }));
        }, counted: true, each: 16);
    }

    private static readonly Func<CustosDbContext, TenantId, Task<string>> TenantName =
        EF.CompileAsyncQuery((CustosDbContext db, TenantId id) => db.Tenants.AsNoTracking().Where(t => t.Id == id).Select(t => t.Name).First());

    private static void PrintStats(EfStats.Snapshot s, long ops)
    {
        foreach (var (shape, count, totalMs) in s.Commands.Where(c => c.Count >= ops / 1000.0))
            Console.WriteLine($"  {count / (double)ops,7:F3} x  {totalMs / count,6:F2} ms  {shape}");
        var perTx = ops / (double)Math.Max(1, s.Commits);
        Console.WriteLine($"  {s.TotalCommands / (double)ops,7:F3} statements per reveal through EF Core; {s.Connections / (double)ops:F2} connection opens ({s.ConnectionMs / Math.Max(1, s.Connections):F2} ms each)");
        // The journal's rows bypass EF Core (statements prepared once on its own connection), so they are counted here.
        Console.WriteLine($"  journal: {s.Commits:N0} commits = {perTx:F1} reveals per transaction (commit {s.CommitMs / Math.Max(1, s.Commits):F2} ms each); " +
                          $"its prepared statements (one batch on PostgreSQL): 2 per reveal (reveal row, audit event) + 2 per transaction (chain head lock and move) = {2 + 2 / perTx:F2} per reveal");
    }

    private static readonly byte[] RevealJson = """{"field":"password"}"""u8.ToArray();

    private static ByteArrayContent RevealBody()
    {
        var content = new ByteArrayContent(RevealJson);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static bool CheckReveal(byte[] body, string? expected)
    {
        using var json = JsonDocument.Parse(body);
        var ok = json.RootElement.GetProperty("value").GetString() == expected;
        if (ok) Interlocked.Increment(ref revealsAnswered);
        return ok;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, AuthenticationHeaderValue auth, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>One kind of request: how to make it (and what the answer must hold), and how to check the answer's body.</summary>
    private sealed record Endpoint(string Name, Func<(HttpRequestMessage Request, string? Expected)> Make, Func<byte[], string?, bool>? Check);

    private sealed class Row(string name, int concurrency, bool openLoop)
    {
        public string Name { get; } = name;
        public int Concurrency { get; set; } = concurrency;
        public bool OpenLoop { get; } = openLoop;
        public List<double> Latencies { get; } = [];
        public long Ok { get; set; }
        public long Errors { get; set; }
        public double PerSecond { get; set; }
        public double CpuMsPerOp { get; set; }
        public double DbCpuMsPerOp { get; set; }
        public double AllocKbPerOp { get; set; }
        public double StatementsPerOp => Stats is null || Ok == 0 ? 0 : Stats.TotalCommands / (double)Ok;
        public EfStats.Snapshot? Stats { get; set; }
        public bool Quiet { get; init; }

        /// <summary>Nearest-rank percentile of the successful requests' latencies (sorted before).</summary>
        public double P(double q) => Latencies.Count == 0 ? double.NaN : Latencies[Math.Clamp((int)Math.Ceiling(q * Latencies.Count) - 1, 0, Latencies.Count - 1)];
    }

    /// <summary>Measures around <paramref name="run"/>: CPU of this process and of the database, allocations, EF statements.</summary>
    private static async Task<Row> MeasureAsync(Row row, EfStats ef, ProcessCpu cpu, Func<Task<TimeSpan>> run)
    {
        GC.Collect();
        ef.Reset();
        ef.Enabled = true;
        var cpuBefore = ProcessCpu.Self();
        var dbBefore = cpu.Database();
        var allocBefore = GC.GetTotalAllocatedBytes();
        var elapsed = await run();
        var alloc = GC.GetTotalAllocatedBytes() - allocBefore;
        var dbCpu = cpu.Database() - dbBefore;
        var used = ProcessCpu.Self() - cpuBefore;
        ef.Enabled = false;
        row.Stats = ef.Take();
        row.Latencies.Sort();
        var ok = Math.Max(1, row.Ok);
        row.PerSecond = row.Ok / elapsed.TotalSeconds;
        row.CpuMsPerOp = used.TotalMilliseconds / ok;
        row.DbCpuMsPerOp = dbCpu.TotalMilliseconds / ok;
        row.AllocKbPerOp = alloc / 1024.0 / ok;
        if (!row.Quiet) Console.WriteLine($"  {row.Name} {(row.OpenLoop ? "open loop" : $"{row.Concurrency} workers")}: {row.PerSecond:N0}/s, p50 {row.P(0.5):F1} ms, " +
                          $"p99 {row.P(0.99):F1} ms, {row.Errors} errors (load {Load.Average()})");
        return row;
    }

    /// <summary>
    /// Runs <paramref name="slice"/> for at least <paramref name="seconds"/>, then slice by slice until the JIT compiles
    /// fewer than 10 methods in one (at most 120 s): only then does the code run as it will in a long-running server.
    /// </summary>
    private static async Task SettleAsync(string name, int seconds, Func<Task> slice)
    {
        var clock = Stopwatch.StartNew();
        var before = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed.TotalSeconds < seconds) await slice();
        long added;
        do
        {
            var start = System.Runtime.JitInfo.GetCompiledMethodCount();
            await slice();
            added = System.Runtime.JitInfo.GetCompiledMethodCount() - start;
        }
        while (added >= 10 && clock.Elapsed.TotalSeconds < 120);
        Console.WriteLine($"  warm-up {name}: {clock.Elapsed.TotalSeconds:F0} s, {System.Runtime.JitInfo.GetCompiledMethodCount() - before:N0} methods compiled " +
                          $"(last 2 s: {added}), JIT time so far {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F1} s (load {Load.Average()})");
    }

    private static Task<Row> ClosedLoopAsync(HttpClient http, Endpoint endpoint, int workers, TimeSpan duration, EfStats ef, ProcessCpu cpu, bool quiet = false)
    {
        var row = new Row(endpoint.Name, workers, false) { Quiet = quiet };
        return MeasureAsync(row, ef, cpu, async () =>
        {
            var start = Stopwatch.GetTimestamp();
            var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var perWorker = await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
            {
                var latencies = new List<double>();
                long errors = 0;
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    var (request, expected) = endpoint.Make();
                    var sent = Stopwatch.GetTimestamp();
                    if (await SendAsync(http, request, endpoint, expected)) latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    else errors++;
                }
                return (latencies, errors);
            })));
            var elapsed = Stopwatch.GetElapsedTime(start);
            foreach (var (latencies, errors) in perWorker)
            {
                row.Latencies.AddRange(latencies);
                row.Errors += errors;
            }
            row.Ok = row.Latencies.Count;
            return elapsed;
        });
    }

    /// <summary>
    /// Sends request i at start + i/rate whatever happened to the earlier ones; its latency runs from that scheduled time to
    /// the end of its answer. Reports the most requests in flight as the concurrency.
    /// </summary>
    private static Task<Row> OpenLoopAsync(HttpClient http, Endpoint endpoint, int rate, TimeSpan duration, EfStats ef, ProcessCpu cpu)
    {
        var row = new Row(endpoint.Name + $" @ {rate}/s", 0, true);
        return MeasureAsync(row, ef, cpu, async () =>
        {
            var total = (int)(rate * duration.TotalSeconds);
            var latencies = new double[total];
            var succeeded = new bool[total];
            var inFlight = 0;
            var maxInFlight = 0;
            var tasks = new List<Task>(total);
            var start = Stopwatch.GetTimestamp();
            long lastDone = start;
            var issued = 0;
            while (issued < total)
            {
                var due = Math.Min(total, (int)((Stopwatch.GetTimestamp() - start) * (double)rate / Stopwatch.Frequency) + 1);
                for (; issued < due; issued++)
                {
                    var i = issued;
                    var scheduled = start + (long)(i * (double)Stopwatch.Frequency / rate);
                    tasks.Add(Task.Run(async () =>
                    {
                        var now = Interlocked.Increment(ref inFlight);
                        InterlockedMax(ref maxInFlight, now);
                        var (request, expected) = endpoint.Make();
                        succeeded[i] = await SendAsync(http, request, endpoint, expected);
                        var end = Stopwatch.GetTimestamp();
                        latencies[i] = (end - scheduled) * 1000.0 / Stopwatch.Frequency;
                        Interlocked.Decrement(ref inFlight);
                        InterlockedMax(ref lastDone, end);
                    }));
                }
                await Task.Delay(1);
            }
            await Task.WhenAll(tasks);
            for (var i = 0; i < total; i++)
            {
                if (succeeded[i]) row.Latencies.Add(latencies[i]);
                else row.Errors++;
            }
            row.Ok = row.Latencies.Count;
            row.Concurrency = maxInFlight;
            return TimeSpan.FromSeconds((lastDone - start) / (double)Stopwatch.Frequency);
        });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Interlocked.Read(ref target); value > seen; seen = Interlocked.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }

    private static int errorsShown;

    private static async Task<bool> SendAsync(HttpClient http, HttpRequestMessage request, Endpoint endpoint, string? expected)
    {
        try
        {
            using (request)
            using (var response = await http.SendAsync(request))
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode == HttpStatusCode.OK && (endpoint.Check is null || endpoint.Check(body, expected))) return true;
                if (Interlocked.Increment(ref errorsShown) <= 5)
                    Console.WriteLine($"  {endpoint.Name}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(200, body.Length)))}");
                return false;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            if (Interlocked.Increment(ref errorsShown) <= 5) Console.WriteLine($"  {endpoint.Name}: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }
}
