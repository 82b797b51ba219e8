using System.Diagnostics;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Backup;

/// <summary>Faults against the real restic: unreachable and full targets, a killed run, damaged packs, wrong passwords. The live side is never touched.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackupFaultTests
{
    [Fact]
    public async Task UnreachableOffsiteTarget_FailsTheRun_RaisesAnAlarm_LeavesTheInstanceAlone_AndALaterRunSucceeds()
    {
        await using var ssh = await SshTestServer.StartAsync();
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        var (_, docs) = await b.UploadAsync(2);
        var option = await SftpRepository.OptionAsync(ssh, Path.Combine(b.Repositories, "ssh"));
        var name = "repo-" + Guid.NewGuid().ToString("N")[..8];
        await b.Documents.Server.RunAsync("backup", "target", "add", "offsite", SftpRepository.Location(ssh, name), "--role", "offsite", "--option", option);
        var first = await b.RunAsync("offsite");
        Assert.Equal(BackupOutcome.Succeeded, first.Outcome);

        await using (var data = b.Documents.Server.Data())
            await data.BackupTargets.Where(t => t.Name == "offsite").ExecuteUpdateAsync(s => s.SetProperty(t => t.Options, option.Replace($"-p {ssh.Port}", $"-p {FreePort.Next()}")));
        var failed = await b.CliAsync("backup", "run", "--target", "offsite", "--json");
        Assert.Equal(1, failed.ExitCode);
        var run = (await b.Get<BackupViews>().RunsAsync("offsite", BackupRunKind.Backup, 1))[0];
        Assert.Equal(BackupOutcome.Failed, run.Outcome);
        Assert.Contains("unreachable", run.Error, StringComparison.OrdinalIgnoreCase);
        var alarm = Assert.Single(await b.Get<BackupAlarms>().OpenAsync());
        Assert.Equal(("failed", "offsite"), (alarm.Kind, alarm.TargetName));
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.run", AuditOutcome.Failure));
        // A retry that fails again renews the one alarm on the start page; the audit log has both.
        Assert.Equal(1, (await b.CliAsync("backup", "run", "--target", "offsite")).ExitCode);
        Assert.Single(await b.Get<BackupAlarms>().OpenAsync());
        Assert.Equal(2, await b.Documents.AuditCountAsync("backup.alarm", AuditOutcome.Failure));
        Assert.False(Directory.Exists(Path.Combine(b.Db.DataDirectory, "backup", "staging")));
        using (var dave = await b.Documents.ConnectAsync("dave"))
            foreach (var (id, content) in docs) Assert.Equal(content, (await dave.DownloadAsync(id)).AssertOk().Bytes);

        await using (var data = b.Documents.Server.Data())
            await data.BackupTargets.Where(t => t.Name == "offsite").ExecuteUpdateAsync(s => s.SetProperty(t => t.Options, option));
        Assert.Equal(BackupOutcome.Succeeded, (await b.RunAsync("offsite")).Outcome);
        Assert.Empty(await b.Get<BackupAlarms>().OpenAsync()); // a good run clears the failure
    }

    [Fact]
    public async Task FullTarget_FailsTheRun_WithAClearMessage_AndAnAlarm()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        await b.UploadAsync(6, size: 1_000_000);
        var small = b.RepositoryPath("small");
        Directory.CreateDirectory(small);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small);
        try
        {
            await b.Documents.Server.RunAsync("backup", "target", "add", "small", Path.Combine(small, "repo"));
            var failed = await b.CliAsync("backup", "run", "--target", "small");
            Assert.Equal(1, failed.ExitCode);
            var run = (await b.Get<BackupViews>().RunsAsync("small", BackupRunKind.Backup, 1))[0];
            Assert.Equal(BackupOutcome.Failed, run.Outcome);
            Assert.Contains("space", run.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("failed", Assert.Single(await b.Get<BackupAlarms>().OpenAsync()).Kind);
        }
        finally
        {
            await RunAsync("umount", "-l", small);
        }
    }

    [Fact]
    public async Task RunKilledMidway_LeavesAStaleLock_TheNextRunRemovesItAndSucceeds()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        await b.UploadAsync(12, size: 3_000_000);
        await b.AddLocalTargetAsync();
        using var stop = new CancellationTokenSource();
        var progress = new Progress<BackupProgress>(p =>
        {
            if (p.Phase == BackupPhase.Uploading) stop.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            b.Get<BackupRunner>().RunAsync("local", "test", new Actor("test", "local"), null, progress, ct: stop.Token));
        var killed = (await b.Get<BackupViews>().RunsAsync("local", BackupRunKind.Backup, 1))[0];
        Assert.Equal(BackupOutcome.Failed, killed.Outcome);
        Assert.Contains("stopped", killed.Error);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(b.RepositoryPath("local"), "locks"))); // restic was killed holding its lock

        var next = await b.RunAsync();
        Assert.Equal(BackupOutcome.Succeeded, next.Outcome);
        Assert.Empty(Directory.GetFiles(Path.Combine(b.RepositoryPath("local"), "locks")));
    }

    [Fact]
    public async Task DamagedPack_FailsVerification_NamingTheAffectedSnapshot_AndTheDrill()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        await b.UploadAsync(3, size: 400_000);
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        var drill = await b.CliAsync("backup", "drill");
        Assert.True(drill.ExitCode == 0, drill.Error + drill.Output);
        Assert.Contains("0 damaged", drill.Output);

        // Damage the biggest pack (document content) in the middle.
        var pack = new DirectoryInfo(Path.Combine(b.RepositoryPath("local"), "data")).GetFiles("*", SearchOption.AllDirectories).MaxBy(f => f.Length)!;
        File.SetUnixFileMode(pack.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using (var file = new FileStream(pack.FullName, FileMode.Open, FileAccess.Write))
        {
            file.Position = file.Length / 2;
            file.Write(new byte[64]);
        }
        var verify = await b.CliAsync("backup", "verify", "--full");
        Assert.Equal(1, verify.ExitCode);
        var check = (await b.Get<BackupViews>().RunsAsync("local", BackupRunKind.Verify, 1))[0];
        Assert.Equal(BackupOutcome.Failed, check.Outcome);
        Assert.Contains(run.SnapshotId![..8], check.Error);
        Assert.Contains(await b.Get<BackupAlarms>().OpenAsync(), a => a.Kind == "verify" && a.Message.Contains(run.SnapshotId[..8]));

        var failedDrill = await b.CliAsync("backup", "drill");
        Assert.Equal(1, failedDrill.ExitCode);
        Assert.Contains(await b.Get<BackupAlarms>().OpenAsync(), a => a.Kind == "drill");
        Assert.Empty(Directory.GetDirectories(Path.Combine(b.Db.DataDirectory, "backup"), "drill-*"));
    }

    [Fact]
    public async Task ExistingRepository_WithAWrongPassword_IsRefusedClearly()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        await b.AddLocalTargetAsync("first");
        var wrong = Path.Combine(b.Repositories, "wrong.pw");
        await File.WriteAllTextAsync(wrong, "not-the-password-at-all\n");
        var refused = await b.CliAsync("backup", "target", "add", "second", b.RepositoryPath("first"), "--existing", "--password-file", wrong);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("password is wrong", refused.Error);
        Assert.DoesNotContain("not-the-password-at-all", refused.Error);
        var twice = await b.CliAsync("backup", "target", "add", "third", b.RepositoryPath("first"));
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("exists at", twice.Error);
        Assert.Single(await b.Get<BackupTargets>().ListAsync());
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)}: {await p.StandardError.ReadToEndAsync()}");
    }
}
