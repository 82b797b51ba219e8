using Custos.Core.Audit;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>What deletions and retention changes check before they act: the calendar day, the folder chain and legal holds.</summary>
internal static class RetentionGuards
{
    /// <summary>Retention ends at the start of a UTC day; a document whose RetainUntil is today or earlier may go.</summary>
    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Takes the audit chain head's lock now rather than at commit. Every hold is placed in a transaction that commits
    /// while holding that lock, so a deletion that takes it before looking for holds sees every hold committed before
    /// it, and a hold placed meanwhile waits until the deletion is done: no hold can slip in between check and delete
    /// on PostgreSQL's read-committed transactions (SQLite serialises all writers anyway).
    /// </summary>
    public static Task SerializeWithHoldsAsync(CustosDbContext db, CancellationToken ct) => db.Database.ExecuteSqlRawAsync(AuditLog.LockHeadSql(db), ct);

    /// <summary>The folder and every folder above it, nearest first.</summary>
    public static async Task<List<Guid>> FolderChainAsync(CustosDbContext db, Guid folderId, CancellationToken ct)
    {
        var chain = new List<Guid>();
        Guid? id = folderId;
        // Bounded like RetentionRules: a cycle in corrupted data must not loop forever.
        for (var depth = 0; id is { } current && depth < 1000; depth++)
        {
            chain.Add(current);
            id = await db.DocumentFolders.AsNoTracking().Where(f => f.Id == current).Select(f => f.ParentId).SingleOrDefaultAsync(ct);
        }
        return chain;
    }

    /// <summary>The unreleased holds on the document or on any folder above it, oldest first (empty: none blocks).</summary>
    public static async Task<List<LegalHold>> BlockingHoldsAsync(CustosDbContext db, Document document, CancellationToken ct)
    {
        var folders = await FolderChainAsync(db, document.FolderId, ct);
        return await db.LegalHolds.AsNoTracking()
            .Where(h => h.TenantId == document.TenantId && h.ReleasedAt == null
                        && (h.DocumentId == document.Id || (h.FolderId != null && folders.Contains(h.FolderId.Value))))
            .OrderBy(h => h.CreatedAt).ToListAsync(ct);
    }
}
