using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>Free tags on documents (Write): replaced as a set, recorded, and put into the search index by the indexer.</summary>
public sealed class DocumentTagging(IDbContextFactory<CustosDbContext> dbFactory, DocumentAccessCache accessCache, AuditLog audit, DocumentIndexer indexer)
{
    public const int MaxLength = 50;
    public const int MaxTags = 20;

    /// <summary>Tags as stored: trimmed, lower-case (invariant), NFC, without control characters; duplicates merged.</summary>
    public static Result<IReadOnlyList<string>> Normalize(IEnumerable<string?>? tags)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in tags ?? [])
        {
            var tag = raw?.Trim().Normalize(System.Text.NormalizationForm.FormC).ToLowerInvariant();
            if (string.IsNullOrEmpty(tag)) continue;
            if (tag.Length > MaxLength) return DocumentErrors.Invalid($"A tag has at most {MaxLength} characters.");
            if (tag.Any(c => char.IsControl(c) || c == ',')) return DocumentErrors.Invalid("A tag cannot contain control characters or commas.");
            result.Add(tag);
        }
        if (result.Count > MaxTags) return DocumentErrors.Invalid($"A document has at most {MaxTags} tags.");
        return result.ToList();
    }

    public async Task<Result<IReadOnlyList<string>>> SetAsync(TenantId tenant, Guid documentId, IEnumerable<string?>? tags, DocumentCaller caller,
        CancellationToken ct = default)
    {
        var normalized = Normalize(tags);
        if (!normalized.Succeeded) return normalized.Error!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Write, "document.tags", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var document = admitted.Value!.Document;
        var before = await db.DocumentTags.AsNoTracking().Where(t => t.DocumentId == documentId).Select(t => t.Tag).ToListAsync(ct);
        var after = normalized.Value!;
        if (before.Order(StringComparer.Ordinal).SequenceEqual(after)) return Result<IReadOnlyList<string>>.Ok(after);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row version moves so that a running index pass does not write the old tags; IndexedVersion 0 puts it back on the list.
        var moved = await db.Documents.Where(d => d.Id == documentId && d.TenantId == tenant && d.RowVersion == document.RowVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.IndexedVersion, 0).SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
        if (moved != 1) return DocumentErrors.Conflict;
        await db.DocumentTags.Where(t => t.DocumentId == documentId).ExecuteDeleteAsync(ct);
        db.DocumentTags.AddRange(after.Select(t => new DocumentTag { DocumentId = documentId, TenantId = tenant, Tag = t }));
        await audit.CommitAsync(db, tx, DocumentAudit.Entry(caller, "document.tags", tenant, DocumentAudit.DocumentTarget(documentId), AuditOutcome.Success,
            ("name", document.Name), ("before", string.Join(",", before.Order(StringComparer.Ordinal))), ("after", string.Join(",", after))), ct);
        indexer.Poke();
        return Result<IReadOnlyList<string>>.Ok(after);
    }
}
