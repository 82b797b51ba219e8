using Custos.Core.Data;
using Custos.Core.Ldap;
using Custos.Tests.Infrastructure;
using Custos.Web.Ldap;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Custos.Tests.Ldap.DirectoryTestSetup;

namespace Custos.Tests.Ldap;

public sealed class DirectorySyncServiceTests
{
    [Fact]
    public async Task Schedule_IntervalElapsed_SyncsAgainNotBefore()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var ldap = await SlapdFixture.StartAsync();
        await using var server = await TestServer.StartAsync(db);
        Assert.Equal(0, (await RunAsync([.. ConfigureArgs(db, ldap), "--sync-interval", "30"])).ExitCode);
        // The server's own scheduled instance: its loop runs on the same fake clock, so the test and the loop share one
        // schedule (and its lock) instead of racing two.
        var schedule = server.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DirectorySyncService>().Single();

        Assert.True(await schedule.RunIfDueAsync(), "never synced: due at once");
        Assert.True((await UserAsync(db, "dave"))!.IsEnabled);
        ldap.Disable("dave");
        server.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(await schedule.RunIfDueAsync());
        Assert.True((await UserAsync(db, "dave"))!.IsEnabled);

        server.Time.Advance(TimeSpan.FromMinutes(2));
        // Either the loop (woken by the clock) or this call runs the due sync; the lock lets only one of them do it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await UserAsync(db, "dave"))!.IsEnabled && DateTime.UtcNow < deadline)
        {
            await schedule.RunIfDueAsync();
            await Task.Delay(100);
        }

        Assert.False((await UserAsync(db, "dave"))!.IsEnabled);
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'directory.sync' AND actor = 'system:directory-sync'"));
    }
}
