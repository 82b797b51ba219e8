using System.Diagnostics;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Identity;
using Custos.Core.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Custos.Bench;

/// <summary>
/// Login cost: Argon2id per hash with the default parameters (and the reference argon2 CLI when installed), password
/// logins per second through the real sign-in operation (hash check, session row, durable audit event), and the access
/// policy on a tenant with 10,000 grants: loading a user's access, and one decision.
/// </summary>
internal static class IdentityBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}");
        var p = Argon2Parameters.Default;
        var hasher = new PasswordHasher(p);
        hasher.Hash("warm-up-Password-1");
        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var sw = Stopwatch.StartNew();
            hasher.Hash("Correct-Horse-42");
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"Argon2id m={p.MemoryKiB} KiB t={p.Iterations} p={p.Parallelism}: median {times[10]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms");
        ReferenceArgon2(p);

        await using var db = await BenchDatabase.CreateAsync(null);
        var time = TimeProvider.System;
        var audit = new AuditLog(time);
        var factory = new ContextFactory(db);
        var options = new IdentityOptions();
        var users = new UserAdministration(factory, audit, hasher, options, time);
        for (var i = 0; i < 8; i++) await users.CreateAsync($"user{i}", null, "Correct-Horse-42", new Actor("bench", null));
        var signIn = new SignIn(factory, audit, hasher, options, time, new Custos.Core.Ldap.DirectoryAuthenticator(factory, null!));
        foreach (var concurrency in new[] { 1, 2, 4 })
        {
            var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            const int perWorker = 12;
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWorker; i++)
                {
                    var sw = Stopwatch.StartNew();
                    var r = await signIn.SignInAsync($"user{w}", "Correct-Horse-42", new Actor("bench", "127.0.0.1"));
                    if (!r.Succeeded) throw new InvalidOperationException(r.Error!.Message);
                    latencies.Add(sw.Elapsed.TotalMilliseconds);
                }
            })));
            var sorted = latencies.Order().ToList();
            Console.WriteLine($"logins, {concurrency} concurrent: {sorted.Count / total.Elapsed.TotalSeconds:F1}/s, p50 {sorted[sorted.Count / 2]:F0} ms, p99 {sorted[(int)(sorted.Count * 0.99)]:F0} ms");
        }

        // A tenant granted to 10,000 groups; the user is in one of them.
        await using (var ctx = db.Context())
        {
            var tenant = new Tenant { Id = TenantId.New(), Name = "big", CreatedAt = DateTimeOffset.UtcNow };
            ctx.Tenants.Add(tenant);
            var user = await ctx.Users.FirstAsync(u => u.UserName == "user0");
            for (var g = 0; g < 10_000; g++)
            {
                var group = new Group { Id = GroupId.New(), Name = $"g{g}", CreatedAt = DateTimeOffset.UtcNow };
                ctx.Groups.Add(group);
                ctx.TenantGrants.Add(new TenantGrant { Id = Guid.NewGuid(), GroupId = group.Id, TenantId = tenant.Id, GrantedAt = DateTimeOffset.UtcNow, GrantedBy = "bench" });
                if (g == 5000) ctx.GroupMembers.Add(new GroupMember { GroupId = group.Id, UserId = user.Id, AddedAt = DateTimeOffset.UtcNow, AddedBy = "bench" });
            }
            await ctx.SaveChangesAsync();
            var policy = new AccessPolicy(factory);
            for (var i = 0; i < 200; i++) await policy.ForUserAsync(user.Id);
            var loads = new List<double>();
            TenantAccess access = TenantAccess.None;
            for (var i = 0; i < 2000; i++)
            {
                var sw = Stopwatch.StartNew();
                access = await policy.ForUserAsync(user.Id);
                loads.Add(sw.Elapsed.TotalMicroseconds);
            }
            loads.Sort();
            const int decisions = 10_000_000;
            var hits = 0;
            var dsw = Stopwatch.StartNew();
            for (var i = 0; i < decisions; i++) if (access.CanSeeTenant(tenant.Id)) hits++;
            dsw.Stop();
            if (hits != decisions) throw new InvalidOperationException("decision wrong");
            Console.WriteLine($"access policy, tenant with 10,000 grants: load user's access p50 {loads[1000]:F0} µs, p99 {loads[1980]:F0} µs; " +
                              $"decision {dsw.Elapsed.TotalMicroseconds * 1000 / decisions:F1} ns");
        }
        return 0;
    }

    private static void ReferenceArgon2(Argon2Parameters p)
    {
        try
        {
            var start = new ProcessStartInfo("argon2") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "somesaltsomesalt", "-id", "-t", p.Iterations.ToString(), "-k", p.MemoryKiB.ToString(), "-p", p.Parallelism.ToString() })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            process.StandardInput.Write("Correct-Horse-42");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var line = output.Split('\n').FirstOrDefault(l => l.Contains("seconds"));
            Console.WriteLine($"peer: argon2 CLI (reference C implementation), same parameters: {line?.Trim() ?? output.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("peer: argon2 CLI not installed (apt-get install argon2)");
        }
    }

    private sealed class ContextFactory(BenchDatabase db) : IDbContextFactory<CustosDbContext>
    {
        public CustosDbContext CreateDbContext() => db.Context();
    }
}
