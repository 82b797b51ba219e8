using Custos.Core.Audit;
using Custos.Core.Data;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Audit;

public sealed class AuditChainTests
{
    private static async Task<TestDatabase> DatabaseWithEventsAsync(string kind)
    {
        var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginAsync(password: "Wrong-Password-1")).Dispose();
        (await server.LoginAsync()).Dispose();
        return db;
    }

    private static Task<CliResult> VerifyAsync(TestDatabase db) => Cli.RunAsync(["audit", "verify", .. Cli.DatabaseArgs(db)]);

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Verify_IntactChain_ExitsZeroWithCount(string kind)
    {
        await using var db = await DatabaseWithEventsAsync(kind);
        var count = await db.ScalarAsync("SELECT COUNT(*) FROM audit_events");

        var result = await VerifyAsync(db);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{count} events verified", result.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Verify_RowAltered_ExitsOneNamingIt(string kind)
    {
        await using var db = await DatabaseWithEventsAsync(kind);
        await db.ExecuteAsync("UPDATE audit_events SET actor = 'user:mallory' WHERE sequence = 4");

        var result = await VerifyAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BROKEN at event 4", result.Output);
        Assert.Contains("altered", result.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Verify_RowAlteredWithRecomputedOwnHash_ExitsOneAtNextEvent(string kind)
    {
        await using var db = await DatabaseWithEventsAsync(kind);
        // A forger who knows the format rewrites event 4 consistently; the link from event 5 still betrays it.
        await using (var ctx = Custos.Storage.StorageServiceCollectionExtensions.CreateContext(db.Settings))
        {
            var e = await ctx.AuditEvents.SingleAsync(x => x.Sequence == 4);
            e.Actor = "user:mallory";
            e.Hash = AuditHash.Compute(e);
            await ctx.SaveChangesAsync();
        }

        var result = await VerifyAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BROKEN at event 5", result.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Verify_RowDeleted_ExitsOneNamingTheGap(string kind)
    {
        await using var db = await DatabaseWithEventsAsync(kind);
        await db.ExecuteAsync("DELETE FROM audit_events WHERE sequence = 3");

        var result = await VerifyAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BROKEN at event 3", result.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Verify_LastRowDeleted_ExitsOne(string kind)
    {
        await using var db = await DatabaseWithEventsAsync(kind);
        var last = await db.ScalarAsync("SELECT MAX(sequence) FROM audit_events");
        await db.ExecuteAsync($"DELETE FROM audit_events WHERE sequence = {last}");

        var result = await VerifyAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"BROKEN at event {last}", result.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Verify_RowsSwapped_ExitsOne(string kind)
    {
        await using var db = await DatabaseWithEventsAsync(kind);
        await db.ExecuteAsync("UPDATE audit_events SET sequence = -1 WHERE sequence = 3");
        await db.ExecuteAsync("UPDATE audit_events SET sequence = 3 WHERE sequence = 4");
        await db.ExecuteAsync("UPDATE audit_events SET sequence = 4 WHERE sequence = -1");

        var result = await VerifyAsync(db);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BROKEN at event 3", result.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Append_ConcurrentWritersOnTwoNodes_OneVerifiableOrder(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var nodeA = await TestServer.StartAsync(db);
        // A second node on the same database: its own service provider and connection pool, as another process would have.
        await using var nodeB = await TestServer.StartAsync(db);
        var before = await db.ScalarAsync("SELECT COUNT(*) FROM audit_events");
        const int writers = 8, perWriter = 25;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var services = (w % 2 == 0 ? nodeA : nodeB).Host.Services;
            var audit = services.GetRequiredService<AuditLog>();
            var factory = services.GetRequiredService<IDbContextFactory<CustosDbContext>>();
            for (var i = 0; i < perWriter; i++)
            {
                await using var ctx = await factory.CreateDbContextAsync();
                await audit.RecordAsync(ctx, new AuditEntry($"writer:{w}", "test.append", Target: i.ToString()));
            }
        })));

        Assert.Equal(before + writers * perWriter, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events"));
        var result = await VerifyAsync(db);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{before + writers * perWriter} events verified", result.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Export_SinceUntil_WritesMatchingJsonLinesAndRecordsExport(string kind)
    {
        await using var db = await DatabaseWithEventsAsync(kind);
        var total = await db.ScalarAsync("SELECT COUNT(*) FROM audit_events");

        var all = await Cli.RunAsync(["audit", "export", .. Cli.DatabaseArgs(db)]);
        var none = await Cli.RunAsync(["audit", "export", "--since", DateTimeOffset.UtcNow.AddDays(1).ToString("O"), .. Cli.DatabaseArgs(db)]);
        var bad = await Cli.RunAsync(["audit", "export", "--until", "yesterday-ish", .. Cli.DatabaseArgs(db)]);

        Assert.Equal(0, all.ExitCode);
        // The export is recorded before it is read, so it lists itself.
        Assert.Equal(total + 1, all.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(0, none.ExitCode);
        Assert.Empty(none.Output.Trim());
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'audit.export' AND actor LIKE 'cli:%'"));
        Assert.Equal(0, (await VerifyAsync(db)).ExitCode);
    }
}
