using System.Diagnostics;
using System.Globalization;
using Custos.Core.Data;
using Custos.Core.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Bench;

/// <summary>
/// Where the sharing path's CPU goes, in-process and with one caller: the steps of a link check on their own (the
/// token's hash, a context with its connection, the gate's lookup as an EF compiled query, the whole check), and one
/// download read through <see cref="ShareDownloads.OpenAsync"/> into nothing (decryption and the plaintext SHA-256,
/// without HTTP and TLS).
/// </summary>
internal static class ShareBenchSplit
{
    /// <summary>The gate's lookup, compiled once: what precompiling the query would save per check.</summary>
    private static readonly Func<CustosDbContext, byte[], Task<ShareLink?>> GateQuery = EF.CompileAsyncQuery(
        (CustosDbContext db, byte[] hash) => (from s in db.ShareLinks.AsNoTracking()
                                              join u in db.Users.AsNoTracking() on s.CreatedBy equals u.Id
                                              where s.TokenHash == hash && u.IsEnabled
                                              select s).SingleOrDefault());

    public static async Task<List<string>> RunAsync(IServiceProvider services, string token, TimeSpan each, long size)
    {
        var factory = services.GetRequiredService<IDbContextFactory<CustosDbContext>>();
        var gate = services.GetRequiredService<ShareGate>();
        var lines = new List<string>
        {
            await TimeAsync("ShareTokens.Hash (alphabet check, SHA-256)", each, () =>
            {
                _ = ShareTokens.Hash(token);
                return Task.CompletedTask;
            }),
            await TimeAsync("a context from the factory, its connection opened and closed", each, async () =>
            {
                await using var db = await factory.CreateDbContextAsync();
                await db.Database.OpenConnectionAsync();
                await db.Database.CloseConnectionAsync();
            }),
            await TimeAsync("context + the gate's lookup as an EF compiled query (no state checks)", each, async () =>
            {
                await using var db = await factory.CreateDbContextAsync();
                if (await GateQuery(db, ShareTokens.Hash(token)!) is null) throw new InvalidOperationException("The link was not found.");
            }),
            await TimeAsync("ShareGate.FindAsync (all of it, as shipped)", each, async () =>
            {
                if (await gate.FindAsync(token, ShareKind.Download) is null) throw new InvalidOperationException("The link was not found.");
            }),
        };

        // One download without HTTP: the log line and audit event, then the content decrypted into nothing.
        var downloads = services.GetRequiredService<ShareDownloads>();
        var link = await gate.FindAsync(token, ShareKind.Download) ?? throw new InvalidOperationException("The link was not found.");
        var item = (await downloads.ItemsAsync(link)).Single();
        var cpu0 = ProcessCpu.Self();
        var clock = Stopwatch.StartNew();
        var opened = await downloads.OpenAsync(link, item, 0, new ShareClient("bench-split", "127.0.0.1", "Custos.Bench"));
        if (!opened.Succeeded) throw new InvalidOperationException($"In-process download: {opened.Error!.Message}");
        await using (var file = opened.Value!)
        {
            await file.Content.CopyToAsync(Stream.Null, 256 * 1024);
            await services.GetRequiredService<ShareLog>().FinishAsync(file.EventId, size, true);
        }
        var cpu = ProcessCpu.Self() - cpu0;
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"{"ShareDownloads.OpenAsync + read to Stream.Null (AES-GCM, SHA-256)",-72} {size / clock.Elapsed.TotalSeconds / 1e6,9:F0} MB/s  CPU {cpu.TotalSeconds * 1e9 / size,7:F2} ns/byte"));
        cpu0 = ProcessCpu.Self();
        clock.Restart();
        _ = DocumentBench.HashOf(size, 1);
        cpu = ProcessCpu.Self() - cpu0;
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"{"for scale: generating the same size and SHA-256 over it",-72} {size / clock.Elapsed.TotalSeconds / 1e6,9:F0} MB/s  CPU {cpu.TotalSeconds * 1e9 / size,7:F2} ns/byte"));
        return lines;
    }

    private static async Task<string> TimeAsync(string name, TimeSpan duration, Func<Task> operation)
    {
        for (var i = 0; i < 500; i++) await operation();
        long calls = 0;
        var cpu0 = ProcessCpu.Self();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await operation();
            calls++;
        }
        var cpu = ProcessCpu.Self() - cpu0;
        return string.Create(CultureInfo.InvariantCulture, $"{name,-72} {calls / clock.Elapsed.TotalSeconds,9:N0}/s     CPU {cpu.TotalMicroseconds / calls,7:F1} µs/call");
    }
}
