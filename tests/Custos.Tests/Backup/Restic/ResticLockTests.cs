using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>
/// restic 0.14 has no --retry-lock: a backup that is stopped leaves its lock, and only stale locks may be removed. These
/// tests stop restic in the middle of a backup (by cancelling, and from outside) and hold a lock with a live restic.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticLockTests(ResticRepositoryFixture fixture) : IClassFixture<ResticRepositoryFixture>, IDisposable
{
    private const string Host = "custos-test";
    private readonly string work = fixture.Sandbox.NewDirectory("test-" + Guid.NewGuid().ToString("N"));

    private ResticSandbox Sandbox => fixture.Sandbox;
    private ResticRepository Repository => fixture.Repository;
    private string LocksDirectory => Path.Combine(Sandbox.RepositoryPath, "locks");

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public async Task Backup_CancelledMidway_KillsRestic_LeavesAStaleLock_ThatUnlockStaleRemoves()
    {
        var source = WriteLargeSource();
        using var cancel = new CancellationTokenSource();
        var children = new List<ResticChildren.Child>();
        var progress = new SynchronousProgress<ResticProgress>(p =>
        {
            if (cancel.IsCancellationRequested) return;
            children.AddRange(ResticChildren.Find(Sandbox.SecretsDirectory));
            cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repository.BackupAsync(source, Host, ["custos"], progress, cancel.Token));

        var killed = Assert.Single(children);
        Assert.False(Directory.Exists($"/proc/{killed.Pid}"), "restic still runs after the cancelled backup returned");
        Sandbox.AssertNoSecretsLeft();
        Assert.NotEmpty(Directory.GetFiles(LocksDirectory));
        // The dead backup's lock blocks anything that needs the repository to itself.
        var locked = await Assert.ThrowsAsync<ResticException>(() => Repository.CheckAsync(null, false, CancellationToken.None));
        Assert.Equal(ResticFailureKind.Locked, locked.Kind);
        Assert.Contains($"PID {killed.Pid}", locked.Message);

        // Custos does not unlock before every run: the operation that meets the lock removes the stale one and goes again.
        Assert.True((await Repository.RemovingStaleLocksAsync(() => Repository.CheckAsync(null, false, CancellationToken.None), CancellationToken.None)).Ok);

        Assert.Empty(Directory.GetFiles(LocksDirectory));
        var summary = await Repository.BackupAsync(source, Host, ["custos"], null, CancellationToken.None);
        Assert.Equal(16, summary.FilesNew + summary.FilesChanged + summary.FilesUnmodified);
        Assert.Contains(await Repository.SnapshotsAsync("custos", CancellationToken.None), s => s.ShortId == summary.SnapshotId);
        Assert.True((await Repository.CheckAsync(null, false, CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Backup_KilledFromOutside_IsReportedAsKilled()
    {
        var source = WriteLargeSource();
        var progress = new SynchronousProgress<ResticProgress>(_ =>
        {
            // As the OOM killer would: SIGKILL to restic itself, not through Custos.
            foreach (var child in ResticChildren.Find(Sandbox.SecretsDirectory))
                System.Diagnostics.Process.GetProcessById(child.Pid).Kill();
        });

        var failure = await Assert.ThrowsAsync<ResticException>(() => Repository.BackupAsync(source, Host, ["custos"], progress, CancellationToken.None));

        Assert.Equal(ResticFailureKind.Killed, failure.Kind);
        Assert.Contains("signal 9", failure.Message);
        Sandbox.AssertNoSecretsLeft();
        await Repository.UnlockStaleAsync(CancellationToken.None);
        Assert.Empty(Directory.GetFiles(LocksDirectory));
    }

    [Fact]
    public async Task UnlockStale_LockOfALiveResticOnThisHost_StaysInPlace()
    {
        // A backup from stdin holds its lock until its input ends: a live restic for as long as the test wants.
        using var live = Sandbox.StartRestic(Sandbox.RepositoryPath, null, "backup", "--stdin", "--stdin-filename", "live.txt", "--host", Host, "--tag", "live");
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            // restic writes a lock as "ID-tmp-N" and then renames it to "ID"; only the renamed file is the lock.
            while (Directory.GetFiles(LocksDirectory).Length != 1 || Directory.GetFiles(LocksDirectory)[0].Contains("-tmp-", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the live restic took no lock within 15 s");
                if (live.HasExited) Assert.Fail("the live restic ended early: " + await live.StandardError.ReadToEndAsync());
                await Task.Delay(50);
            }
            var lockFile = Assert.Single(Directory.GetFiles(LocksDirectory));

            await Repository.UnlockStaleAsync(CancellationToken.None);

            Assert.Equal(lockFile, Assert.Single(Directory.GetFiles(LocksDirectory)));
            var locked = await Assert.ThrowsAsync<ResticException>(() => Repository.CheckAsync(null, false, CancellationToken.None));
            Assert.Equal(ResticFailureKind.Locked, locked.Kind);
            Assert.Contains($"Repository {Sandbox.RepositoryPath} is locked by another restic process (PID {live.Id} ", locked.Message);
            Assert.DoesNotContain(Sandbox.Password, locked.Message);
            // Trying again after removing stale locks does not take a live one away: the second attempt says who holds it.
            var again = await Assert.ThrowsAsync<ResticException>(() =>
                Repository.RemovingStaleLocksAsync(() => Repository.CheckAsync(null, false, CancellationToken.None), CancellationToken.None));
            Assert.Equal(ResticFailureKind.Locked, again.Kind);
            Assert.Equal(lockFile, Assert.Single(Directory.GetFiles(LocksDirectory)));
        }
        finally
        {
            try
            {
                await live.StandardInput.WriteAsync("still here\n");
                live.StandardInput.Close();
            }
            catch (IOException)
            {
                // It ended already; the assertions above say why.
            }
            await live.WaitForExitAsync();
        }
        Assert.Equal(0, live.ExitCode);
        Assert.Empty(Directory.GetFiles(LocksDirectory));
    }

    /// <summary>64 MiB in 16 files: restic reports progress well before it is done with them.</summary>
    private string WriteLargeSource()
    {
        var source = Path.Combine(work, "source");
        for (var i = 0; i < 16; i++) ResticSandbox.WriteRandomFile(Path.Combine(source, $"part{i:D2}"), 4 * 1024 * 1024);
        return source;
    }
}
