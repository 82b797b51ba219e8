using System.Net;
using System.Text;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Core.Backup.Restic;
using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Backup;

/// <summary>Backup runs against the real restic: what a snapshot holds (and never holds), figures, verification, retention, schedule.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackupRunTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Run_StoresAConsistentCopy_WithoutMasterKeyOrPlaintext_AndRecordsItsFigures(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        var marker = "Vertraulich-" + Guid.NewGuid().ToString("N");
        using (var dave = await b.Documents.ConnectAsync("dave"))
        using (var carol = await b.Documents.ConnectAsync("carol"))
        {
            var folder = await carol.FolderAsync("Kunden");
            for (var i = 0; i < 3; i++) await dave.UploadFileAsync(folder, $"Akte {i}.txt", Encoding.UTF8.GetBytes($"{marker} Kundenakte {i}"), "text/plain");
        }
        var added = await b.AddLocalTargetAsync();
        Assert.Contains("Target local (local) added", added);

        var run = await b.RunAsync();
        Assert.Equal(BackupOutcome.Succeeded, run.Outcome);
        Assert.NotNull(run.SnapshotId);
        Assert.True(run.Files >= 3 + 3, $"{run.Files} files"); // three blobs, the database copy, manifest, catalog
        Assert.True(run.Bytes > 0 && run.AddedBytes > 0 && run.DurationMs > 0);
        Assert.Equal("cli", run.Trigger);
        var verify = Assert.Single(await b.Get<BackupViews>().RunsAsync("local", BackupRunKind.Verify));
        Assert.Equal((BackupOutcome.Succeeded, "full"), (verify.Outcome, verify.Scope)); // the first check reads everything
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.target.add", AuditOutcome.Success));
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.run", AuditOutcome.Success));
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.verify", AuditOutcome.Success));

        // Restore the snapshot by hand with restic, as a thief with the repository and its password would.
        var target = (await b.Get<BackupTargets>().FindAsync("local"))!;
        var repo = await b.Get<BackupTargets>().OpenAsync(target);
        var snapshot = await SnapshotFiles.ResolveAsync(repo, run.SnapshotId!, CancellationToken.None);
        var into = Path.Combine(b.Repositories, "stolen");
        await repo.RestoreAsync(snapshot.Id, into, [], CancellationToken.None);
        var root = SnapshotFiles.Unpacked(snapshot, into);
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.Contains(BackupManifest.FileName, files);
        Assert.Contains(BackupCatalog.FileName, files);
        Assert.Contains(kind == TestDatabase.Sqlite ? "custos.db" : "custos.pgdump", files);
        var blobs = files.Count(f => f.StartsWith("blobs/", StringComparison.Ordinal));
        Assert.True(blobs >= 3, $"{blobs} blobs"); // the documents' (and the sluice's kept originals)
        Assert.DoesNotContain(files, f => f.StartsWith("keys", StringComparison.Ordinal) || f.EndsWith(".key", StringComparison.Ordinal));
        var keyFile = Assert.Single(Directory.GetFiles(Path.Combine(b.Db.DataDirectory, "keys"), "*.key"));
        var keyMaterial = File.ReadAllLines(keyFile)[2];
        foreach (var file in Directory.GetFiles(root, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(keyMaterial)), $"{file} holds the master key");
            Assert.False(Contains(bytes, Convert.FromBase64String(keyMaterial)), $"{file} holds the raw master key");
            Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(marker)), $"{file} holds document plaintext");
        }
        var manifest = await SnapshotFiles.ManifestAsync(root, CancellationToken.None);
        var acme = Assert.Single(manifest.Tenants, t => t.Name == "Acme");
        Assert.Equal((3L, 3L), (acme.Documents, acme.Versions));
        Assert.Equal(kind == TestDatabase.Sqlite ? "sqlite" : "postgresql", manifest.Database);
        Assert.Equal(blobs, manifest.Blobs);
        Assert.Equal(Path.GetFileNameWithoutExtension(keyFile), Assert.Single(manifest.MasterKeys));
        Assert.False(Directory.Exists(Path.Combine(b.Db.DataDirectory, "backup", "staging")), "the staging folder (links to blobs) outlives the run");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task DocumentDeletedWhileResticReadsTheBlobs_IsInTheSnapshot_AndItsBlobGoesWhenTheRunEnds(string kind)
    {
        // The blob store is read in place, after the database copy: a blob deleted in between must wait for restic.
        await using var b = await BackupTestSetup.StartAsync(kind);
        var (_, docs) = await b.UploadAsync(12, size: 3_000_000);
        var doomed = docs[^1].Id;
        var blob = b.Documents.BlobPath(await b.Documents.BlobAddressAsync(doomed));
        await b.AddLocalTargetAsync();
        using var carol = await b.Documents.ConnectAsync("carol");
        var during = new TaskCompletionSource<(bool Stopped, HttpStatusCode Deleted, bool BlobKept)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new Progress<BackupProgress>(p =>
        {
            if (p.Phase != BackupPhase.Uploading || during.Task.IsCompleted) return;
            // restic is held still while the document goes, so the run cannot end (and end the hold) meanwhile.
            var restic = Restic.ResticChildren.Find(b.Db.DataDirectory);
            foreach (var child in restic) Signal("STOP", child.Pid);
            try
            {
                var deleted = carol.Http.DeleteAsync($"{carol.Api}/{doomed}").GetAwaiter().GetResult().StatusCode;
                during.TrySetResult((restic.Count > 0, deleted, File.Exists(blob)));
            }
            catch (Exception e)
            {
                during.TrySetException(e);
            }
            finally
            {
                foreach (var child in restic) Signal("CONT", child.Pid);
            }
        });
        var run = await b.Get<BackupRunner>().RunAsync("local", "test", new Actor("test", "local"), null, progress, verify: false);
        Assert.Equal(BackupOutcome.Succeeded, run.Value!.Outcome);
        var (stopped, status, kept) = await during.Task;
        Assert.True(stopped, "restic had ended before its first progress report");
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, $"delete: {status}");
        Assert.True(kept, "the blob was deleted while restic read the blob store");
        Assert.False(File.Exists(blob), "the deferred deletion was not carried out when the run ended");
        Assert.False(BlobDeletionHold.IsOn(b.Documents.BlobsDirectory));

        // The snapshot holds the copy's state: the document and its blob, whole.
        var drill = await b.Get<BackupDrill>().DrillAsync("local", run.Value.SnapshotId!, "test", new Actor("test", "local"));
        Assert.True(drill.Value.Report!.Ok, string.Join("; ", drill.Value.Report.Problems));
        Assert.Equal(12, drill.Value.Report.Tenants.Single(t => t.Name == "Acme").Documents);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("/bin/kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RecoveryKit_HoldsTheMasterKeyAndRepositoryPasswords_IsPrivate_NeverOverwrites_AndIsAudited(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        await b.AddLocalTargetAsync();
        var file = Path.Combine(b.Repositories, "kit.json");
        var exported = await b.CliAsync("backup", "recovery-kit", "-o", file);
        Assert.True(exported.ExitCode == 0, exported.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var kit = RecoveryKit.Parse(await File.ReadAllBytesAsync(file));
        var keyFile = Assert.Single(Directory.GetFiles(Path.Combine(b.Db.DataDirectory, "keys"), "*.key"));
        var key = Assert.Single(kit.MasterKeys);
        Assert.Equal((Path.GetFileNameWithoutExtension(keyFile), File.ReadAllLines(keyFile)[2]), (key.Id, key.Material));
        var target = Assert.Single(kit.Targets);
        // The password in the kit opens the repository; a wrong one does not, with a clear message.
        var settings = b.Get<BackupOptions>().ResticSettings;
        Assert.True(await kit.Repository(target, settings).ExistsAsync(CancellationToken.None));
        var wrong = new ResticRepository(new ResticLocation(target.Repository, [], new Dictionary<string, string>()), target.Password + "x", settings);
        var failure = await Assert.ThrowsAsync<ResticException>(() => wrong.ExistsAsync(CancellationToken.None));
        Assert.Equal(ResticFailureKind.WrongPassword, failure.Kind);
        Assert.DoesNotContain(target.Password, failure.Message);

        var again = await b.CliAsync("backup", "recovery-kit", "-o", file);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("never overwrites", again.Error);
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.recovery_kit.export", AuditOutcome.Success));
        await using var data = b.Documents.Server.Data();
        var details = await data.AuditEvents.Where(a => a.Action == "backup.recovery_kit.export").Select(a => a.Details).SingleAsync();
        Assert.DoesNotContain(target.Password, details ?? "");
        Assert.DoesNotContain(key.Material, details ?? "");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SecondRun_AddsOnlyWhatChanged_VerificationRotates_RetentionForgets(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        var (folder, _) = await b.UploadAsync(8, size: 200_000);
        // Scheduled for 1 January: the clock moved on below must not start a scheduled run beside this test's.
        await b.AddLocalTargetAsync("local", "--keep-daily", "1", "--keep-weekly", "0", "--keep-monthly", "0", "--schedule", "0 3 1 1 *");
        var first = await b.RunAsync();
        using (var dave = await b.Documents.ConnectAsync("dave"))
            await dave.UploadOkAsync(folder, "Nachtrag.dat", DocumentTestSetup.RandomContent(20_000));
        var second = await b.RunAsync();
        Assert.Equal(BackupOutcome.Succeeded, second.Outcome);
        Assert.NotEqual(first.SnapshotId, second.SnapshotId);
        Assert.True(second.AddedBytes < first.AddedBytes / 4, $"second run added {second.AddedBytes} bytes, the first {first.AddedBytes}");
        var checks = await b.Get<BackupViews>().RunsAsync("local", BackupRunKind.Verify);
        Assert.Equal("1/7,full", string.Join(",", checks.Select(c => c.Scope)));
        Assert.Equal(2, (await b.Documents.Server.Data().BackupTargets.SingleAsync()).NextSubset);

        // Retention runs once a day: the repository was made just now, so both snapshots are still there.
        Assert.Equal((null, null), (first.Scope, second.Scope));
        Assert.Equal(2, (await SnapshotIdsAsync(b)).Count);

        // 21 hours on, the next run applies it. keep-daily 1: all snapshots are of today (restic's clock), so only the newest stays.
        b.Documents.Server.Time.SetUtcNow(DateTimeOffset.UtcNow.AddHours(21)); // the server's clock; the CLI runs on the real one
        var result = await b.Get<BackupRunner>().RunAsync("local", "test", Actor.CommandLine(), verify: false);
        Assert.True(result.Succeeded, result.Error?.Message);
        var third = result.Value!;
        Assert.Equal((BackupOutcome.Succeeded, "retention", null), (third.Outcome, third.Scope, third.Error));
        Assert.StartsWith(third.SnapshotId!, Assert.Single(await SnapshotIdsAsync(b))); // restic reports a run's snapshot by its short id
        await b.RunAsync(); // and not again the same day: both stay
        Assert.Equal(2, (await SnapshotIdsAsync(b)).Count);
    }

    private static async Task<List<string?>> SnapshotIdsAsync(BackupTestSetup b)
    {
        var listed = await b.CliAsync("backup", "snapshots", "--json");
        return JsonDocument.Parse(listed.Output).RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Schedule_RunsAtItsTime_OncePerOccurrence_AndALateRunRaisesAMissedAlarm(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        await b.UploadAsync(1);
        await b.AddLocalTargetAsync("local");
        await b.AddLocalTargetAsync("offsite", "--role", "offsite");
        var states = await b.Get<BackupViews>().TargetsAsync();
        Assert.Equal(BackupOptions.LocalSchedule, states.Single(s => s.Name == "local").Schedule);
        Assert.Equal(BackupOptions.OffsiteSchedule, states.Single(s => s.Name == "offsite").Schedule);
        await b.CliAsync("backup", "target", "set", "offsite", "--enabled", "false");

        var time = b.Documents.Server.Time;
        var due = BackupSchedule.Next(BackupOptions.LocalSchedule, DateTimeOffset.UtcNow, TimeZoneInfo.Local)!.Value;
        time.SetUtcNow(due.AddMinutes(2));
        var run = await ScheduledRunAsync(b, due);
        Assert.Equal(("schedule", BackupOutcome.Succeeded), (run.Trigger, run.Outcome));
        Assert.Empty(await b.Get<BackupScheduler>().TickAsync(CancellationToken.None)); // the occurrence is done
        Assert.Empty(await b.Get<BackupAlarms>().OpenAsync());

        // The next occurrence passes while nothing runs (the server was down): it runs 45 minutes late, with an alarm.
        var next = BackupSchedule.Next(BackupOptions.LocalSchedule, due, TimeZoneInfo.Local)!.Value;
        time.SetUtcNow(next.AddMinutes(45));
        var late = await ScheduledRunAsync(b, next);
        Assert.Equal(("schedule (late)", BackupOutcome.Succeeded), (late.Trigger, late.Outcome));
        var alarm = Assert.Single(await AlarmsAsync(b));
        Assert.Equal(("missed", "local"), (alarm.Kind, alarm.TargetName));
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.alarm", AuditOutcome.Failure));
        // The disabled off-site target never ran.
        Assert.Empty(await b.Get<BackupViews>().RunsAsync("offsite"));
    }

    [Fact]
    public async Task OnPostgreSql_OnlyOneNodeHoldsTheRunLock()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Postgres);
        var factory = b.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<CustosDbContext>>();
        // Two nodes: their own data directories (so neither the process nor the file lock is shared), one database.
        var nodeA = new BackupRunLock(factory, new BackupOptions { DataDirectory = Path.Combine(b.Repositories, "a") });
        var nodeB = new BackupRunLock(factory, new BackupOptions { DataDirectory = Path.Combine(b.Repositories, "b") });
        var held = await nodeA.TryAcquireAsync(CancellationToken.None);
        Assert.NotNull(held);
        Assert.Null(await nodeB.TryAcquireAsync(CancellationToken.None));
        await held.DisposeAsync();
        var then = await nodeB.TryAcquireAsync(CancellationToken.None);
        Assert.NotNull(then);
        await then.DisposeAsync();
    }

    /// <summary>Ticks the scheduler (the server's own timer may tick too; the run lock lets one run) until the occurrence's run has finished.</summary>
    private static async Task<BackupRun> ScheduledRunAsync(BackupTestSetup b, DateTimeOffset occurrence)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await b.Get<BackupScheduler>().TickAsync(CancellationToken.None);
            var run = (await b.Get<BackupViews>().RunsAsync("local", BackupRunKind.Backup)).FirstOrDefault(r => r.ScheduledFor == occurrence);
            if (run is { Outcome: not BackupOutcome.Running }) return run;
            await Task.Delay(200);
        }
        throw new TimeoutException($"No scheduled run for {occurrence:O} finished.");
    }

    /// <summary>The open alarms, once there are any (whichever tick ran the late run raises its alarm right after it).</summary>
    private static async Task<IReadOnlyList<BackupAlarm>> AlarmsAsync(BackupTestSetup b)
    {
        for (var i = 0; i < 100; i++)
        {
            var open = await b.Get<BackupAlarms>().OpenAsync();
            if (open.Count > 0) return open;
            await Task.Delay(100);
        }
        return [];
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
