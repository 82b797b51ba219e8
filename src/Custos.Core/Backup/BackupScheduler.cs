using Custos.Core.Audit;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>
/// Decides which target's scheduled run is due (TOM 10.2: twice a day on site, daily off site) and runs it. A run counts
/// for the latest occurrence of its schedule; an occurrence first started more than <see cref="BackupOptions.MissedAfter"/>
/// late (the server was down, another run took long) raises a "missed" alarm and is run at once; a failed one is tried
/// again every <see cref="RetryAfter"/>, <see cref="MaxAttempts"/> times. Several nodes may tick:
/// the run lock lets one work, and the others then find the occurrence taken. Also stores the erasure journal in
/// targets whose copy is behind, and ends a blob deletion hold that a killed run left on.
/// </summary>
public sealed class BackupScheduler(IDbContextFactory<CustosDbContext> dbFactory, BackupRunner runner, BackupAlarms alarms, BackupOptions options, TimeProvider time)
{
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(35);

    /// <summary>A failed scheduled run is tried again after this long, up to <see cref="MaxAttempts"/> times per occurrence.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(15);
    public const int MaxAttempts = 3;

    /// <summary>Runs what is due now (one run per call at most, so a long queue does not starve the journal); returns the runs started.</summary>
    public async Task<IReadOnlyList<BackupRun>> TickAsync(CancellationToken ct)
    {
        var started = new List<BackupRun>();
        await runner.EndStaleHoldAsync(ct);
        var now = time.GetUtcNow();
        List<BackupTarget> targets;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            targets = await db.BackupTargets.AsNoTracking().Where(t => t.Enabled).OrderBy(t => t.Name).ToListAsync(ct);
        foreach (var target in targets)
        {
            var occurrence = BackupSchedule.Previous(target.Schedule, now, Horizon, TimeZoneInfo.Local);
            if (occurrence is not { } due || due < target.CreatedAt) continue;
            List<BackupRun> attempts;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                attempts = await db.BackupRuns.AsNoTracking().Where(r => r.TargetId == target.Id && r.Kind == BackupRunKind.Backup
                                                                         && (r.ScheduledFor >= due || (r.ScheduledFor == null && r.StartedAt >= due))).ToListAsync(ct);
            // Done once one attempt succeeded (or a manual run did the job); a failed one is tried again a while later, a few times.
            if (attempts.Any(r => r.Outcome != BackupOutcome.Failed) || attempts.Count >= MaxAttempts
                || attempts.Any(r => now - r.StartedAt < RetryAfter)) continue;
            var late = attempts.Count == 0 && now - due > options.MissedAfter;
            var result = await runner.RunAsync(target.Name, late ? "schedule (late)" : attempts.Count > 0 ? "schedule (retry)" : "schedule",
                new Actor("system", "local"), due, ct: ct);
            if (!result.Succeeded) continue; // busy: the next tick tries again
            if (late)
                await alarms.RaiseAsync(target, "missed",
                    $"The scheduled backup of {due.ToLocalTime():yyyy-MM-dd HH:mm} to {target.Name} did not run in time; it ran at {now.ToLocalTime():HH:mm} instead.", ct);
            started.Add(result.Value!);
            break;
        }
        await runner.SyncJournalAsync(ct);
        return started;
    }
}
