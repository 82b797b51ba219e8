using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup.Restic;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>
/// A backup run (TOM 8.3, 10.2): stage a consistent copy, `restic backup`, store the erasure journal next to it, apply
/// the target's retention (`forget --prune`, once a day), then verify a rotating seventh of the data (all of it once a
/// week). A restic run that meets a lock removes the stale ones and tries once more. Every run is a row with its figures and an audit event; a failure raises an alarm and
/// leaves the live instance untouched.
/// </summary>
public sealed class BackupRunner(IDbContextFactory<CustosDbContext> dbFactory, BackupTargets targets, InstanceStaging staging, BackupRunLock runLock,
    BackupAlarms alarms, BackupActivity activity, AuditLog audit, BackupOptions options, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> journalRetryAt = new();

    /// <summary>The tag of instance snapshots (the journal's own carry <see cref="ErasureJournal.Tag"/>).</summary>
    public const string InstanceTag = "custos-instance";

    public async Task<Result<BackupRun>> RunAsync(string targetName, string trigger, Actor actor, DateTimeOffset? scheduledFor = null,
        IProgress<BackupProgress>? progress = null, bool verify = true, CancellationToken ct = default)
    {
        var target = await targets.FindAsync(targetName, ct);
        if (target is null) return BackupErrors.NotFound;
        await using var held = await runLock.TryAcquireAsync(ct);
        if (held is null) return BackupErrors.Busy;

        var run = await StartAsync(target, BackupRunKind.Backup, trigger, scheduledFor, ct);
        var report = activity.Track(progress);
        var clock = Stopwatch.StartNew();
        try
        {
            report.Report(new BackupProgress(run.Id, target.Name, run.Kind, BackupPhase.Preparing, null));
            var repo = await targets.OpenAsync(target, ct);
            InstanceStaging.Staged staged;
            ResticBackupSummary summary;
            // Blobs are read where they are: from before the database copy until restic is done, deletions wait (the hold),
            // so every blob the copy names is in the snapshot. The hold ends (and carries them out) however the run ends.
            await using (var hold = await BlobDeletionHold.BeginAsync(options.BlobsDirectory, ct))
            {
                staged = await staging.PrepareAsync(ct);
                var uploading = new Progress<ResticProgress>(p => report.Report(new BackupProgress(run.Id, target.Name, run.Kind, BackupPhase.Uploading, p)));
                // Each restic start derives the key and loads the index (0.5–0.9 s here), so locks are looked at only when one is in the way.
                summary = await repo.RemovingStaleLocksAsync(() => repo.BackupAsync(staged.Directory, [Path.GetFullPath(options.BlobsDirectory)],
                    staging.BlobExcludes, options.Host, [InstanceTag], uploading, ct), ct);
                await hold.EndAsync(ct);
            }
            staging.Clear();

            report.Report(new BackupProgress(run.Id, target.Name, run.Kind, BackupPhase.Journal, null));
            await StoreJournalAsync(target, repo, ct);
            if (target.RetentionAppliedAt is not { } applied || time.GetUtcNow() - applied >= options.RetentionEvery)
            {
                report.Report(new BackupProgress(run.Id, target.Name, run.Kind, BackupPhase.Pruning, null));
                var keep = new ResticRetention(target.KeepDaily, target.KeepWeekly, target.KeepMonthly);
                // One restic run for both kinds of snapshot: grouped by tags, each keeps its own series.
                await repo.RemovingStaleLocksAsync(() => repo.ForgetAsync(keep, [InstanceTag, ErasureJournal.Tag], ct), ct);
                var now = time.StoredNow();
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                await db.BackupTargets.Where(t => t.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.RetentionAppliedAt, now), ct);
                run.Scope = "retention";
            }

            run.SnapshotId = summary.SnapshotId;
            run.Files = summary.TotalFiles;
            run.Bytes = summary.TotalBytes;
            run.AddedBytes = summary.DataAdded;
            run.Report = JsonSerializer.Serialize(new
            {
                summary.FilesNew, summary.FilesChanged, summary.FilesUnmodified, staged.Manifest.Blobs,
                catalogVersions = staged.CatalogVersions, tenants = staged.Manifest.Tenants.Count,
            }, BackupManifest.Compact);
            await FinishAsync(run, BackupOutcome.Succeeded, null, clock.Elapsed, actor, ct);
            // A missed run stays on the start page until someone acknowledges it; a failure ends with the next good run.
            await alarms.ClearAsync(target.Id, ["failed"], $"backup {run.SnapshotId} succeeded", ct);
        }
        catch (Exception e) when (e is ResticException or BackupException or IOException or UnauthorizedAccessException or Keys.KeyringException
                                      or System.Data.Common.DbException or OperationCanceledException)
        {
            staging.Clear();
            var message = e is OperationCanceledException ? "The run was stopped (the server shut down or the command was interrupted)." : e.Message;
            await FinishAsync(run, BackupOutcome.Failed, message, clock.Elapsed, actor, CancellationToken.None);
            await alarms.RaiseAsync(target, "failed", $"Backup to {target.Name} failed: {message}", CancellationToken.None);
            if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
            return run;
        }
        catch (Exception e)
        {
            // A bug, not a fault of the target: on record as failed (never "running" for good), then up to the caller's log.
            staging.Clear();
            await FinishAsync(run, BackupOutcome.Failed, $"Unexpected error ({e.GetType().Name}); see the server log.", clock.Elapsed, actor, CancellationToken.None);
            await alarms.RaiseAsync(target, "failed", $"Backup to {target.Name} failed with an unexpected error ({e.GetType().Name}).", CancellationToken.None);
            throw;
        }
        finally
        {
            // Also after a fault nobody expected: the page would otherwise show this run as going on (and refresh) for good.
            activity.Done();
        }
        if (verify) await VerifyHeldAsync(target, trigger, actor, progress, full: null, ct);
        return run;
    }

    /// <summary>
    /// Ends a blob deletion hold that a killed run left on, carrying out the deletions it deferred (otherwise they would
    /// wait for the next run); nothing while a run holds the lock.
    /// </summary>
    public async Task EndStaleHoldAsync(CancellationToken ct)
    {
        if (!BlobDeletionHold.IsOn(options.BlobsDirectory)) return;
        await using var held = await runLock.TryAcquireAsync(ct);
        if (held is not null) await BlobDeletionHold.EndStaleAsync(options.BlobsDirectory, ct);
    }

    /// <summary>`restic check` on demand: the next seventh of the data, or all of it.</summary>
    public async Task<Result<BackupRun>> VerifyAsync(string targetName, bool full, string trigger, Actor actor,
        IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
    {
        var target = await targets.FindAsync(targetName, ct);
        if (target is null) return BackupErrors.NotFound;
        await using var held = await runLock.TryAcquireAsync(ct);
        if (held is null) return BackupErrors.Busy;
        return await VerifyHeldAsync(target, trigger, actor, progress, full, ct);
    }

    private async Task<BackupRun> VerifyHeldAsync(BackupTarget target, string trigger, Actor actor, IProgress<BackupProgress>? progress, bool? full, CancellationToken ct)
    {
        target = await targets.FindAsync(target.Name, ct) ?? target;
        var readAll = full ?? (target.LastFullCheckAt is not { } last || time.GetUtcNow() - last >= options.FullCheckEvery);
        var subset = readAll ? null : $"{target.NextSubset}/7";
        var run = await StartAsync(target, BackupRunKind.Verify, trigger, null, ct);
        run.Scope = subset ?? "full";
        var clock = Stopwatch.StartNew();
        var report = activity.Track(progress);
        try
        {
            report.Report(new BackupProgress(run.Id, target.Name, run.Kind, BackupPhase.Verifying, null));
            var repo = await targets.OpenAsync(target, ct);
            var result = await repo.RemovingStaleLocksAsync(() => repo.CheckAsync(subset, readAll, ct), ct);
            run.Report = JsonSerializer.Serialize(new { result.Errors, result.DamagedPacks, result.AffectedSnapshots }, BackupManifest.Compact);
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var now = time.StoredNow();
                if (readAll) await db.BackupTargets.Where(t => t.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastFullCheckAt, now), ct);
                else await db.BackupTargets.Where(t => t.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.NextSubset, target.NextSubset % 7 + 1), ct);
            }
            if (result.Ok)
            {
                await FinishAsync(run, BackupOutcome.Succeeded, null, clock.Elapsed, actor, ct);
                await alarms.ClearAsync(target.Id, ["verify"], $"verification {run.Scope} found no errors", ct);
            }
            else
            {
                var affected = result.AffectedSnapshots.Count == 0 ? "no snapshot could be named" : "affected snapshots: " + string.Join(", ", result.AffectedSnapshots);
                var message = $"Verification ({run.Scope}) of {target.Name} found damage: {result.DamagedPacks.Count} damaged pack(s), {affected}. "
                              + string.Join(" ", result.Errors.Take(3));
                await FinishAsync(run, BackupOutcome.Failed, message, clock.Elapsed, actor, ct);
                await alarms.RaiseAsync(target, "verify", message, ct);
            }
        }
        catch (Exception e) when (e is ResticException or IOException or Keys.KeyringException or OperationCanceledException)
        {
            var message = e is OperationCanceledException ? "The verification was stopped." : e.Message;
            await FinishAsync(run, BackupOutcome.Failed, message, clock.Elapsed, actor, CancellationToken.None);
            await alarms.RaiseAsync(target, "verify", $"Verification of {target.Name} failed: {message}", CancellationToken.None);
            if (e is OperationCanceledException && ct.IsCancellationRequested) throw;
        }
        catch (Exception e)
        {
            await FinishAsync(run, BackupOutcome.Failed, $"Unexpected error ({e.GetType().Name}); see the server log.", clock.Elapsed, actor, CancellationToken.None);
            throw;
        }
        finally
        {
            activity.Done();
        }
        return run;
    }

    /// <summary>
    /// Stores the erasure journal in the target as an object of its own (when it has grown since the last time), so a
    /// restore on a new machine knows every erasure even when the live database is lost.
    /// </summary>
    public async Task StoreJournalAsync(BackupTarget target, ResticRepository repo, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (content, newest, count) = await ErasureJournal.ExportAsync(db, ct);
        var stored = await db.BackupTargets.AsNoTracking().Where(t => t.Id == target.Id).Select(t => t.JournalStoredThrough).SingleAsync(ct);
        if (newest is null || stored == newest) return;
        await repo.RemovingStaleLocksAsync(() => repo.BackupStdinAsync(content, ErasureJournal.FileName, options.Host, [ErasureJournal.Tag], ct), ct);
        await db.BackupTargets.Where(t => t.Id == target.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.JournalStoredThrough, newest), ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry("system", "backup.journal.store", AuditOutcome.Success, null, $"backup-target:{target.Name}", "local",
            new Dictionary<string, string?> { ["entries"] = count.ToString(CultureInfo.InvariantCulture), ["newest"] = newest.Value.ToString("O", CultureInfo.InvariantCulture) }), ct);
    }

    /// <summary>Stores the journal in every target whose copy is behind (after an erasure), under the run lock; failures raise an alarm.</summary>
    public async Task<int> SyncJournalAsync(CancellationToken ct)
    {
        DateTimeOffset? newest;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            newest = await db.ErasureJournal.AsNoTracking().MaxAsync(e => (DateTimeOffset?)e.ErasedAt, ct);
        if (newest is null) return 0;
        var now = time.GetUtcNow();
        var behind = (await targets.ListAsync(ct))
            .Where(t => t.Enabled && t.JournalStoredThrough != newest && (!journalRetryAt.TryGetValue(t.Id, out var at) || at <= now)).ToList();
        if (behind.Count == 0) return 0;
        await using var held = await runLock.TryAcquireAsync(ct);
        if (held is null) return 0;
        var stored = 0;
        foreach (var target in behind)
        {
            try
            {
                var repo = await targets.OpenAsync(target, ct);
                await StoreJournalAsync(target, repo, ct);
                journalRetryAt.TryRemove(target.Id, out _);
                stored++;
            }
            catch (Exception e) when (e is ResticException or IOException)
            {
                // An unreachable target is asked again in a quarter of an hour, not at every tick.
                journalRetryAt[target.Id] = now + BackupScheduler.RetryAfter;
                await alarms.RaiseAsync(target, "journal", $"The erasure journal could not be stored in {target.Name}: {e.Message}", CancellationToken.None);
            }
        }
        return stored;
    }

    private async Task<BackupRun> StartAsync(BackupTarget target, BackupRunKind kind, string trigger, DateTimeOffset? scheduledFor, CancellationToken ct)
    {
        var run = new BackupRun
        {
            Id = Guid.CreateVersion7(), TargetId = target.Id, TargetName = target.Name, Kind = kind, Trigger = trigger, ScheduledFor = scheduledFor,
            StartedAt = time.StoredNow(), Outcome = BackupOutcome.Running,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.BackupRuns.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    internal async Task FinishAsync(BackupRun run, BackupOutcome outcome, string? error, TimeSpan duration, Actor actor, CancellationToken ct)
    {
        run.Outcome = outcome;
        run.Error = error is null ? null : error.Length <= 2000 ? error : error[..1999] + "…";
        run.FinishedAt = time.StoredNow();
        run.DurationMs = (long)duration.TotalMilliseconds;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.BackupRuns.Update(run);
        await db.SaveChangesAsync(ct);
        var action = run.Kind switch
        {
            BackupRunKind.Backup => "backup.run",
            BackupRunKind.Verify => "backup.verify",
            BackupRunKind.Drill => "backup.drill",
            _ => "backup.restore",
        };
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, action, outcome == BackupOutcome.Succeeded ? AuditOutcome.Success : AuditOutcome.Failure,
            null, $"backup-target:{run.TargetName}", actor.ClientAddress, new Dictionary<string, string?>
            {
                ["run"] = run.Id.ToString(), ["trigger"] = run.Trigger, ["snapshot"] = run.SnapshotId, ["scope"] = run.Scope,
                ["files"] = run.Files.ToString(CultureInfo.InvariantCulture), ["bytes"] = run.Bytes.ToString(CultureInfo.InvariantCulture),
                ["added"] = run.AddedBytes.ToString(CultureInfo.InvariantCulture), ["ms"] = run.DurationMs.ToString(CultureInfo.InvariantCulture),
                ["error"] = run.Error,
            }), ct);
    }

    /// <summary>Records a drill or restore as a run of its own (they hold the run lock themselves).</summary>
    internal Task<BackupRun> BeginAsync(BackupTarget target, BackupRunKind kind, string trigger, CancellationToken ct) =>
        StartAsync(target, kind, trigger, null, ct);
}
