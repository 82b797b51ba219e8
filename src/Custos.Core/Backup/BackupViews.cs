using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>A target as the backup page and `custos backup target ls` show it: configuration, last runs, next run, alarms.</summary>
public sealed record BackupTargetState(
    string Name,
    string Repository,
    BackupRole Role,
    string Schedule,
    int KeepDaily,
    int KeepWeekly,
    int KeepMonthly,
    bool Enabled,
    DateTimeOffset? NextRun,
    BackupRun? LastBackup,
    BackupRun? LastSuccess,
    BackupRun? LastVerify,
    BackupRun? LastDrill,
    DateTimeOffset? LastFullCheckAt,
    int OpenAlarms);

public sealed class BackupViews(IDbContextFactory<CustosDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<BackupTargetState>> TargetsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var targets = await db.BackupTargets.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        var alarms = await db.BackupAlarms.AsNoTracking().Where(a => a.ClearedAt == null && a.TargetId != null)
            .GroupBy(a => a.TargetId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key!.Value, x => x.N, ct);
        var states = new List<BackupTargetState>();
        var now = time.GetUtcNow();
        foreach (var t in targets)
        {
            async Task<BackupRun?> Last(BackupRunKind kind, bool succeeded = false) => await db.BackupRuns.AsNoTracking()
                .Where(r => r.TargetId == t.Id && r.Kind == kind && (!succeeded || r.Outcome == BackupOutcome.Succeeded))
                .OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(ct);
            states.Add(new BackupTargetState(t.Name, t.Repository, t.Role, t.Schedule, t.KeepDaily, t.KeepWeekly, t.KeepMonthly, t.Enabled,
                t.Enabled ? BackupSchedule.Next(t.Schedule, now, TimeZoneInfo.Local) : null,
                await Last(BackupRunKind.Backup), await Last(BackupRunKind.Backup, true), await Last(BackupRunKind.Verify), await Last(BackupRunKind.Drill),
                t.LastFullCheckAt, alarms.GetValueOrDefault(t.Id)));
        }
        return states;
    }

    /// <summary>The newest runs, optionally of one target or kind.</summary>
    public async Task<IReadOnlyList<BackupRun>> RunsAsync(string? target = null, BackupRunKind? kind = null, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.BackupRuns.AsNoTracking();
        if (target is not null) q = q.Where(r => r.TargetName == target);
        if (kind is not null) q = q.Where(r => r.Kind == kind);
        return await q.OrderByDescending(r => r.StartedAt).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    public async Task<BackupRun?> RunAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BackupRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
    }
}
