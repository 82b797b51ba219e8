using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>
/// Alarms an administrator must see (the start page) until the cause is gone: a failed or missed run, a failed
/// verification or drill. Each is raised with its audit event in one transaction; a later successful run of the same
/// kind clears it (recorded too), so the page shows what is wrong now, and the audit log what ever was.
/// </summary>
public sealed class BackupAlarms(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// Raises the alarm, or renews the target's open alarm of the same kind (one line on the start page however often a
    /// retry fails); the audit log records every occurrence.
    /// </summary>
    public async Task RaiseAsync(BackupTarget? target, string kind, string message, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var name = target?.Name ?? "";
        var now = time.StoredNow();
        var open = await db.BackupAlarms.Where(a => a.TargetId == (target == null ? null : target.Id) && a.Kind == kind && a.ClearedAt == null)
            .OrderByDescending(a => a.RaisedAt).FirstOrDefaultAsync(ct);
        if (open is not null) (open.Message, open.RaisedAt) = (Truncate(message), now);
        else
            db.BackupAlarms.Add(new BackupAlarm
            {
                Id = Guid.CreateVersion7(), TargetId = target?.Id, TargetName = name, Kind = kind, Message = Truncate(message), RaisedAt = now,
            });
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry("system", "backup.alarm", AuditOutcome.Failure, null, $"backup-target:{name}", "local",
            new Dictionary<string, string?> { ["kind"] = kind, ["message"] = Truncate(message) }), ct);
    }

    /// <summary>Clears the target's open alarms of these kinds, after a run that shows the cause is gone.</summary>
    public async Task ClearAsync(Guid target, IReadOnlyList<string> kinds, string why, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var open = await db.BackupAlarms.Where(a => a.TargetId == target && a.ClearedAt == null && kinds.Contains(a.Kind)).ToListAsync(ct);
        if (open.Count == 0) return;
        var now = time.StoredNow();
        foreach (var a in open) (a.ClearedAt, a.ClearedBy) = (now, "system");
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry("system", "backup.alarm.clear", AuditOutcome.Success, null, $"backup-target:{open[0].TargetName}", "local",
            new Dictionary<string, string?> { ["alarms"] = open.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ["why"] = why }), ct);
    }

    /// <summary>An administrator has seen it and takes it from the start page.</summary>
    public async Task<bool> AcknowledgeAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alarm = await db.BackupAlarms.SingleOrDefaultAsync(a => a.Id == id && a.ClearedAt == null, ct);
        if (alarm is null) return false;
        (alarm.ClearedAt, alarm.ClearedBy) = (time.StoredNow(), actor.Name);
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.alarm.acknowledge", AuditOutcome.Success, null, $"backup-target:{alarm.TargetName}",
            actor.ClientAddress, new Dictionary<string, string?> { ["kind"] = alarm.Kind, ["message"] = alarm.Message }), ct);
        return true;
    }

    public async Task<IReadOnlyList<BackupAlarm>> OpenAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BackupAlarms.AsNoTracking().Where(a => a.ClearedAt == null).OrderByDescending(a => a.RaisedAt).Take(50).ToListAsync(ct);
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..1999] + "…";
}
