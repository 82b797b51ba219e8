using System.Diagnostics;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup.Restic;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Backup;

/// <summary>What a drill found: the evidence that a backup can be restored (TOM 10.3).</summary>
public sealed record DrillReport(
    string Snapshot,
    DateTimeOffset SnapshotTime,
    bool Ok,
    IReadOnlyList<TenantCounts> Tenants,
    IReadOnlyList<string> CountMismatches,
    long VersionsChecked,
    long BytesChecked,
    long DamagedVersions,
    long OrphanedBlobs,
    IReadOnlyList<string> Problems);

/// <summary>
/// A restore drill: the snapshot is restored into a temporary folder inside the data directory (a scratch database on
/// PostgreSQL), nothing is started; the copy must pass its integrity check, hold the rows per tenant the manifest counted
/// when it was taken, and every document version's blob must decrypt to its recorded SHA-256. The folder and scratch
/// database are removed afterwards; the result is a run with its report, an audit event, and an alarm when it failed.
/// </summary>
public sealed class BackupDrill(BackupTargets targets, BackupRunner runner, BackupRunLock runLock, BackupAlarms alarms, IRestoredInstances instances,
    BackupActivity activity, BackupOptions options)
{
    private const int MaxProblems = 20;

    public async Task<Result<(BackupRun Run, DrillReport? Report)>> DrillAsync(string targetName, string snapshotId, string trigger, Actor actor,
        IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
    {
        var target = await targets.FindAsync(targetName, ct);
        if (target is null) return BackupErrors.NotFound;
        await using var held = await runLock.TryAcquireAsync(ct);
        if (held is null) return BackupErrors.Busy;
        var run = await runner.BeginAsync(target, BackupRunKind.Drill, trigger, ct);
        var report = activity.Track(progress);
        var clock = Stopwatch.StartNew();
        var dir = Path.Combine(options.WorkDirectory, "drill-" + run.Id.ToString("N"));
        DrillReport? result = null;
        try
        {
            report.Report(new BackupProgress(run.Id, target.Name, run.Kind, BackupPhase.Restoring, null));
            var repo = await targets.OpenAsync(target, ct);
            var snapshot = await SnapshotFiles.ResolveAsync(repo, snapshotId, ct);
            run.SnapshotId = snapshot.Id;
            InstanceStaging.CreatePrivate(dir);
            await repo.RestoreAsync(snapshot.Id, dir, [], ct);
            var unpacked = SnapshotFiles.Unpacked(snapshot, dir);
            var manifest = await SnapshotFiles.ManifestAsync(unpacked, ct);

            report.Report(new BackupProgress(run.Id, target.Name, run.Kind, BackupPhase.Checking, null));
            await using var restored = await instances.OpenAsync(manifest, unpacked, unpacked, null, options.KeysDirectory, ct);
            result = await CheckAsync(restored.Services, snapshot, manifest, ct);
            run.Files = result.VersionsChecked;
            run.Bytes = result.BytesChecked;
            run.Scope = $"{result.Tenants.Count} tenants, {result.VersionsChecked} versions";
            run.Report = JsonSerializer.Serialize(result, BackupManifest.Compact);
            if (result.Ok)
            {
                await runner.FinishAsync(run, BackupOutcome.Succeeded, null, clock.Elapsed, actor, ct);
                await alarms.ClearAsync(target.Id, ["drill"], $"drill of {snapshot.ShortId} passed", ct);
            }
            else
            {
                var message = $"Drill of snapshot {snapshot.ShortId} from {target.Name} failed: " + string.Join("; ", result.Problems.Take(5));
                await runner.FinishAsync(run, BackupOutcome.Failed, message, clock.Elapsed, actor, ct);
                await alarms.RaiseAsync(target, "drill", message, ct);
            }
        }
        catch (Exception e) when (e is ResticException or BackupException or IOException or Keys.KeyringException or System.Data.Common.DbException
                                      or OperationCanceledException)
        {
            var message = e is OperationCanceledException ? "The drill was stopped." : e.Message;
            await runner.FinishAsync(run, BackupOutcome.Failed, message, clock.Elapsed, actor, CancellationToken.None);
            await alarms.RaiseAsync(target, "drill", $"Drill from {target.Name} failed: {message}", CancellationToken.None);
            if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
        }
        catch (Exception e)
        {
            await runner.FinishAsync(run, BackupOutcome.Failed, $"Unexpected error ({e.GetType().Name}); see the server log.", clock.Elapsed, actor, CancellationToken.None);
            throw;
        }
        finally
        {
            activity.Done();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        return (run, result);
    }

    private static async Task<DrillReport> CheckAsync(IServiceProvider restored, ResticSnapshot snapshot, BackupManifest manifest, CancellationToken ct)
    {
        var problems = new List<string>();
        var mismatches = new List<string>();
        await using (var db = await restored.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync(ct))
        {
            var (tenants, users, _, _, _) = await BackupManifest.CountAsync(db, ct);
            var found = tenants.ToDictionary(t => t.Tenant);
            foreach (var expected in manifest.Tenants)
            {
                if (!found.TryGetValue(expected.Tenant, out var actual)) mismatches.Add($"tenant {expected.Name} is missing");
                else if (actual with { Name = expected.Name } != expected)
                    mismatches.Add($"tenant {expected.Name}: {actual.Documents}/{actual.Versions}/{actual.VaultEntries} documents/versions/vault entries, " +
                                   $"the backup counted {expected.Documents}/{expected.Versions}/{expected.VaultEntries}");
            }
            foreach (var extra in tenants.Where(t => manifest.Tenants.All(m => m.Tenant != t.Tenant))) mismatches.Add($"tenant {extra.Name} was not counted");
            if (users != manifest.Users) mismatches.Add($"{users} users, the backup counted {manifest.Users}");
        }
        problems.AddRange(mismatches);

        var scrub = await restored.GetRequiredService<DocumentScrub>().RunAsync(finding =>
        {
            if (finding.Problem != ScrubProblem.Orphan && problems.Count < MaxProblems)
                problems.Add($"{finding.Problem}: {finding.DocumentName ?? finding.BlobAddress} v{finding.Version}: {finding.Detail}");
            return Task.CompletedTask;
        }, null, ct);
        var ok = mismatches.Count == 0 && scrub.DamagedVersions == 0;
        return new DrillReport(snapshot.Id, snapshot.Time, ok, manifest.Tenants, mismatches, scrub.VersionsChecked, scrub.BytesChecked, scrub.DamagedVersions,
            scrub.OrphanedBlobs, problems);
    }
}
