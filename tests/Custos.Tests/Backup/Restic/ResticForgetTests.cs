using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>Retention through forget --prune, on snapshots backdated with restic's --time so that days, weeks and months differ.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticForgetTests : IDisposable
{
    private readonly ResticSandbox sandbox = new();

    public void Dispose() => sandbox.Dispose();

    [Fact]
    public async Task Forget_KeepsWhatThePolicySays_InTheTaggedGroupOnly_AndPrunes()
    {
        var repository = sandbox.Repository();
        await repository.InitAsync(CancellationToken.None);
        string[] times = ["2026-01-05 10:00:00", "2026-01-20 10:00:00", "2026-02-03 10:00:00", "2026-02-10 10:00:00",
            "2026-02-11 10:00:00", "2026-02-12 09:00:00", "2026-02-12 10:00:00"];
        foreach (var time in times) await BackdatedBackupAsync(time, "custos", $"content of {time}");
        await BackdatedBackupAsync("2026-01-01 10:00:00", "other", "another job's snapshot");
        var packsBefore = Directory.GetFiles(Path.Combine(sandbox.RepositoryPath, "data"), "*", SearchOption.AllDirectories).Length;

        await repository.ForgetAsync(new ResticRetention(KeepDaily: 2, KeepWeekly: 1, KeepMonthly: 2), "custos", CancellationToken.None);

        // Daily 2: Feb 12 (its last snapshot) and Feb 11; weekly 1: Feb 12's week, already kept; monthly 2: February
        // (Feb 12) and January (Jan 20, the month's last). The "other" snapshot is outside the tag and stays.
        var left = await repository.SnapshotsAsync(null, CancellationToken.None);
        Assert.Equal(["2026-01-01 10:00 other", "2026-01-20 10:00 custos", "2026-02-11 10:00 custos", "2026-02-12 10:00 custos"],
            left.Select(s => $"{s.Time.ToLocalTime():yyyy-MM-dd HH:mm} {string.Join(',', s.Tags)}"));
        // Pruned: the data of the forgotten snapshots is gone too (each had its own content).
        Assert.True(Directory.GetFiles(Path.Combine(sandbox.RepositoryPath, "data"), "*", SearchOption.AllDirectories).Length < packsBefore);
        Assert.Equal("content of 2026-02-12 10:00:00"u8.ToArray(),
            await repository.DumpAsync(left[^1].Id, "/job.txt", 1000, CancellationToken.None));
        sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task Forget_TwoTagsInOneRun_EachKeepsItsOwnSeries_OthersUntouched()
    {
        var repository = sandbox.Repository();
        await repository.InitAsync(CancellationToken.None);
        foreach (var day in new[] { 10, 11, 12 })
        {
            await BackdatedBackupAsync($"2026-02-{day} 10:00:00", "custos", $"instance of Feb {day}");
            await BackdatedBackupAsync($"2026-02-{day} 11:00:00", "journal", $"journal of Feb {day}");
            await BackdatedBackupAsync($"2026-02-{day} 12:00:00", "other", $"other of Feb {day}");
        }

        await repository.ForgetAsync(new ResticRetention(KeepDaily: 2, KeepWeekly: 0, KeepMonthly: 0), ["custos", "journal"], CancellationToken.None);

        // Two days of each named series (one group of snapshots would have kept two in all; restic's repeated --tag is
        // "any of", so both series were considered); the third tag is outside and keeps all three.
        var left = await repository.SnapshotsAsync(null, CancellationToken.None);
        Assert.Equal(["custos 11", "custos 12", "journal 11", "journal 12", "other 10", "other 11", "other 12"],
            left.Select(s => $"{string.Join(',', s.Tags)} {s.Time.ToLocalTime():dd}").Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(() => repository.ForgetAsync(new ResticRetention(1, 1, 1), Array.Empty<string>(), CancellationToken.None));
        sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task Forget_PolicyThatKeepsNothing_IsRefusedBeforeRestic()
    {
        var repository = sandbox.Repository();
        await Assert.ThrowsAsync<ArgumentException>(() => repository.ForgetAsync(new ResticRetention(0, 0, 0), "custos", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => repository.ForgetAsync(new ResticRetention(1, -1, 0), "custos", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => repository.ForgetAsync(new ResticRetention(1, 1, 1), "a,b", CancellationToken.None));
    }

    private async Task BackdatedBackupAsync(string time, string tag, string content)
    {
        await sandbox.RunResticAsync(sandbox.RepositoryPath, content, null, "backup", "--host", "custos-test", "--tag", tag, "--time", time,
            "--stdin-filename", "job.txt", "--stdin", "--quiet");
    }
}
