using System.Text.Json;
using Custos.Core.Backup;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Backup;

/// <summary>Restore drills (TOM 10.3): the latest snapshot restored aside, started nowhere, checked row by row and blob by blob.</summary>
public sealed class BackupDrillTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Drill_OfAGoodSnapshot_FindsEveryTenantsRowsAndEveryChecksum_AndLeavesNothingBehind(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        await b.UploadAsync(3, size: 80_000);
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        var drill = await b.CliAsync("backup", "drill", "--json");
        Assert.True(drill.ExitCode == 0, drill.Error + drill.Output);
        var json = JsonDocument.Parse(drill.Output).RootElement;
        var report = json.GetProperty("report");
        Assert.True(report.GetProperty("ok").GetBoolean());
        Assert.StartsWith(run.SnapshotId!, report.GetProperty("snapshot").GetString());
        Assert.Equal(3, report.GetProperty("versionsChecked").GetInt64());
        Assert.Equal(0, report.GetProperty("damagedVersions").GetInt64());
        Assert.Equal(0, report.GetProperty("countMismatches").GetArrayLength());
        var acme = report.GetProperty("tenants").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Acme");
        Assert.Equal((3, 3), (acme.GetProperty("documents").GetInt64(), acme.GetProperty("versions").GetInt64()));
        var recorded = (await b.Get<BackupViews>().RunsAsync("local", BackupRunKind.Drill, 1))[0];
        Assert.Equal(BackupOutcome.Succeeded, recorded.Outcome);
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.drill", Core.Audit.AuditOutcome.Success));
        Assert.Empty(Directory.GetDirectories(Path.Combine(b.Db.DataDirectory, "backup"), "drill-*"));
        if (kind == TestDatabase.Postgres)
        {
            await using var admin = new Npgsql.NpgsqlConnection(Environment.GetEnvironmentVariable("CUSTOS_TEST_PG"));
            await admin.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'custos_drill_%'", admin);
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!); // the scratch database is dropped
        }
    }
}
