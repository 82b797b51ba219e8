using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Brings <see cref="Document.RetainUntil"/> in step after a folder's default class or a class's duration changed. A
/// running retention is never shortened (WORM): a document keeps the later of its running end and the new one.
/// </summary>
internal static class RetentionRecompute
{
    private sealed record Row(Guid Id, Guid FolderId, Guid? Label, DateOnly DocumentDate, DateOnly? RetainUntil, bool ReviewDue, int RowVersion);

    /// <summary>The class each folder gives its unlabelled documents: its own default, else the nearest one above (null: none).</summary>
    public static async Task<Dictionary<Guid, Guid?>> FolderDefaultsAsync(CustosDbContext db, TenantId? tenant, CancellationToken ct)
    {
        var query = db.DocumentFolders.AsNoTracking();
        if (tenant is { } t) query = query.Where(f => f.TenantId == t);
        var folders = await query.Select(f => new { f.Id, f.ParentId, f.RetentionClassId }).ToDictionaryAsync(f => f.Id, ct);
        var defaults = new Dictionary<Guid, Guid?>(folders.Count);
        foreach (var start in folders.Keys)
        {
            Guid? classId = null;
            Guid? id = start;
            // Bounded like RetentionRules: a cycle in corrupted data must not loop forever.
            for (var depth = 0; classId is null && id is { } current && folders.TryGetValue(current, out var folder) && depth < 1000; depth++)
            {
                classId = folder.RetentionClassId;
                id = folder.ParentId;
            }
            defaults[start] = classId;
        }
        return defaults;
    }

    /// <summary>The folder and every folder below it.</summary>
    public static async Task<HashSet<Guid>> SubtreeAsync(CustosDbContext db, TenantId tenant, Guid folderId, CancellationToken ct)
    {
        var children = (await db.DocumentFolders.AsNoTracking().Where(f => f.TenantId == tenant && f.ParentId != null)
                .Select(f => new { f.Id, Parent = f.ParentId!.Value }).ToListAsync(ct))
            .ToLookup(f => f.Parent, f => f.Id);
        var subtree = new HashSet<Guid> { folderId };
        var pending = new Queue<Guid>([folderId]);
        while (pending.TryDequeue(out var id))
            foreach (var child in children[id])
                if (subtree.Add(child)) pending.Enqueue(child);
        return subtree;
    }

    /// <summary>
    /// Recomputes each of <paramref name="documents"/> from its label, else its folder's default. Each update is
    /// conditional on the row version, so a label set meanwhile is never overwritten: the row is read again and
    /// recomputed. Returns how many documents changed, or Conflict when one kept changing under our feet.
    /// </summary>
    public static async Task<Result<int>> ApplyAsync(CustosDbContext db, IQueryable<Document> documents, IReadOnlyDictionary<Guid, Guid?> folderDefaults,
        DateOnly today, CancellationToken ct)
    {
        var classes = await db.RetentionClasses.AsNoTracking().ToDictionaryAsync(c => c.Id, ct);
        var rows = await Select(documents).ToListAsync(ct);
        var changed = 0;
        foreach (var first in rows)
        {
            var row = first;
            for (var attempt = 0; ; attempt++)
            {
                var classId = row.Label ?? folderDefaults.GetValueOrDefault(row.FolderId);
                var until = classId is { } c && classes.TryGetValue(c, out var cls) ? cls.RetainUntil(row.DocumentDate) : (DateOnly?)null;
                if (row.RetainUntil is { } running && running > today && (until is null || until < running)) until = running;
                if (until == row.RetainUntil) break;
                // A retention that starts to run again ends any pending review.
                var reviewDue = until > today ? false : row.ReviewDue;
                var (id, version) = (row.Id, row.RowVersion);
                var updated = await db.Documents.Where(d => d.Id == id && d.RowVersion == version)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.RetainUntil, until).SetProperty(d => d.ReviewDue, reviewDue)
                        .SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
                if (updated == 1)
                {
                    changed++;
                    break;
                }
                if (attempt == 2) return DocumentErrors.Conflict;
                var again = await Select(db.Documents.Where(d => d.Id == id)).SingleOrDefaultAsync(ct);
                if (again is null) break;
                row = again;
            }
        }
        return changed;
    }

    private static IQueryable<Row> Select(IQueryable<Document> documents) =>
        documents.AsNoTracking().Select(d => new Row(d.Id, d.FolderId, d.RetentionClassId, d.DocumentDate, d.RetainUntil, d.ReviewDue, d.RowVersion));
}
