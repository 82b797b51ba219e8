using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>
/// Ends links whose time is up (TOM 7.3, 7.6): expired, revoked, locked, or with their download limit used up (once no
/// counted download has started within the last hour, so a running transfer can still finish). Data that existed only
/// for the transfer (the sensitive-mode package, files the sender uploaded for the link alone) is deleted and the deletion audited with the end, in one transaction;
/// the blob goes after the commit (a failure leaves an orphan for the janitor, never a reference without content).
/// </summary>
public sealed class ShareSweep(IDbContextFactory<CustosDbContext> dbFactory, SharePackaging packaging, AuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan DrainTime = TimeSpan.FromHours(1);

    /// <summary>Ends what is due; returns how many links ended.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var now = time.StoredNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var drained = now - DrainTime;
        var due = await db.ShareLinks.AsNoTracking()
            .Where(s => s.EndedAt == null && (s.ExpiresAt <= now || s.RevokedAt != null || s.LockedAt != null
                || (s.DownloadLimit != null && s.Downloads >= s.DownloadLimit
                    && !db.ShareEvents.Any(e => e.ShareId == s.Id && e.Kind == "download" && e.Counted && e.At > drained))))
            .OrderBy(s => s.ExpiresAt).Take(500).ToListAsync(ct);
        foreach (var link in due) await EndAsync(link, now, ct);
        return due.Count;
    }

    private async Task EndAsync(ShareLink link, DateTimeOffset now, CancellationToken ct)
    {
        var reason = link.RevokedAt is not null ? "revoked" : link.LockedAt is not null ? "locked" : link.ExpiresAt <= now ? "expired" : "limit";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.ShareLinks.Where(s => s.Id == link.Id && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.EndedAt, now).SetProperty(l => l.EndReason, reason), ct) == 0) return;
        var packages = await db.ShareItems.Where(i => i.ShareId == link.Id && i.Kind != ShareItemKind.Document).ToListAsync(ct);
        db.ShareItems.RemoveRange(packages);
        await db.SaveChangesAsync(ct);
        await audit.CommitAsync(db, tx, new AuditEntry("system", "share.end", AuditOutcome.Success, link.TenantId, $"share:{link.Id}", null,
            new Dictionary<string, string?>
            {
                ["reason"] = reason, ["downloads"] = link.Downloads.ToString(), ["uploads"] = link.UploadedFiles.ToString(),
                ["deleted"] = packages.Count == 0 ? null : string.Join(", ", packages.Select(p => $"{p.Kind.ToString().ToLowerInvariant()} {p.Name} ({p.Size} bytes)")),
            }), ct);
        foreach (var package in packages) await packaging.DiscardAsync(package, CancellationToken.None);
    }
}
