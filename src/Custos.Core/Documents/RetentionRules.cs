using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>Which retention class applies to a document, and so until when it must be kept.</summary>
public static class RetentionRules
{
    /// <summary>The document's own label, else the nearest folder default up the tree; null when none applies.</summary>
    public static async Task<RetentionClass?> EffectiveClassAsync(CustosDbContext db, Guid folderId, Guid? label, CancellationToken ct)
    {
        var classId = label;
        Guid? id = folderId;
        for (var depth = 0; classId is null && id is { } current && depth < 1000; depth++)
        {
            var folder = await db.DocumentFolders.AsNoTracking().Where(f => f.Id == current).Select(f => new { f.ParentId, f.RetentionClassId })
                .SingleOrDefaultAsync(ct);
            if (folder is null) break;
            classId = folder.RetentionClassId;
            id = folder.ParentId;
        }
        return classId is { } c ? await db.RetentionClasses.AsNoTracking().SingleOrDefaultAsync(r => r.Id == c, ct) : null;
    }

    /// <summary>The class of this name (names are unique), or null.</summary>
    public static Task<RetentionClass?> ClassNamedAsync(CustosDbContext db, string name, CancellationToken ct) =>
        db.RetentionClasses.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, ct);

    /// <summary>Sets <see cref="Document.RetainUntil"/> from the class that applies and the document date.</summary>
    public static async Task ApplyAsync(CustosDbContext db, Document document, CancellationToken ct) =>
        document.RetainUntil = (await EffectiveClassAsync(db, document.FolderId, document.RetentionClassId, ct))?.RetainUntil(document.DocumentDate);
}
