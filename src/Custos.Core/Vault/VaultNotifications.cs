using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Vault;

public sealed record NotificationView(Guid Id, Guid TenantId, Guid? EntryId, string Kind, string Text, DateTimeOffset CreatedAt);

/// <summary>
/// In-app notices (TOM 6.10: expiring credentials go to those who manage them). The daily check is idempotent: a notice
/// names the entry and its expiry date, and the same notice is never created twice, so any node may run it any time.
/// </summary>
public sealed class VaultNotifications(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit, VaultOptions options, TimeProvider time)
{
    public const string Expiring = "expiring";
    public const string Expired = "expired";
    private static readonly Actor Scheduler = new("system:vault-expiry", "local");
    // The daily job and an explicit run on one node take turns; across nodes the unique index stops a duplicate.
    private readonly SemaphoreSlim running = new(1, 1);

    /// <summary>Notifies every Manage holder of each entry that expired or expires within the warning period; returns how many notices were new.</summary>
    public async Task<int> NotifyExpiringAsync(CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            return await NotifyLockedAsync(ct);
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<int> NotifyLockedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var horizon = now.AddDays(options.ExpiryWarningDays);
        var due = await db.VaultEntries.AsNoTracking().Where(e => e.ExpiresAt != null && e.ExpiresAt <= horizon).ToListAsync(ct);
        if (due.Count == 0) return 0;
        // The notices that exist already, loaded once (not one query per entry and person).
        var dueIds = due.Select(e => e.Id).ToList();
        var existing = (await db.VaultNotifications.AsNoTracking().Where(n => n.EntryId != null && dueIds.Contains(n.EntryId.Value))
            .Select(n => new { n.UserId, n.EntryId, n.Kind, n.Text }).ToListAsync(ct))
            .Select(n => (n.UserId, n.EntryId!.Value, n.Kind, n.Text)).ToHashSet();
        var created = new List<VaultNotification>();
        foreach (var tenantEntries in due.GroupBy(e => e.TenantId))
        {
            var tenant = tenantEntries.Key;
            var people = await (from g in db.TenantGrants
                                join m in db.GroupMembers on g.GroupId equals m.GroupId
                                join u in db.Users on m.UserId equals u.Id
                                where g.TenantId == tenant && u.IsEnabled
                                select u.Id).Distinct().ToListAsync(ct);
            foreach (var user in people)
            {
                var access = await VaultAccess.LoadAsync(db, user, tenant, now, ct);
                foreach (var entry in tenantEntries.Where(e => access.OnEntry(e).Allows(VaultRights.Manage)))
                {
                    var kind = entry.ExpiresAt <= now ? Expired : Expiring;
                    var text = $"{entry.Title}: {(kind == Expired ? "expired on" : "expires on")} {entry.ExpiresAt:yyyy-MM-dd}";
                    if (existing.Contains((user, entry.Id, kind, text))) continue;
                    created.Add(new VaultNotification
                    {
                        Id = Guid.CreateVersion7(), UserId = user, TenantId = tenant, EntryId = entry.Id, Kind = kind, Text = text, CreatedAt = now,
                    });
                }
            }
        }
        if (created.Count == 0) return 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.VaultNotifications.AddRange(created);
        await audit.CommitAsync(db, tx, new AuditEntry(Scheduler.Name, "vault.expiry.notify", ClientAddress: Scheduler.ClientAddress,
            Details: new Dictionary<string, string?> { ["notices"] = created.Count.ToString(), ["entries"] = created.Select(n => n.EntryId).Distinct().Count().ToString() }), ct);
        return created.Count;
    }

    public async Task<IReadOnlyList<NotificationView>> UnreadAsync(UserId user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.VaultNotifications.AsNoTracking().Where(n => n.UserId == user && n.ReadAt == null).OrderByDescending(n => n.CreatedAt)
            .Take(100).Select(n => new NotificationView(n.Id, n.TenantId.Value, n.EntryId, n.Kind, n.Text, n.CreatedAt)).ToListAsync(ct);
    }

    /// <summary>Marks one of the user's own notices read; another user's id changes nothing.</summary>
    public async Task<bool> MarkReadAsync(UserId user, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        return await db.VaultNotifications.Where(n => n.Id == id && n.UserId == user && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct) == 1;
    }
}
