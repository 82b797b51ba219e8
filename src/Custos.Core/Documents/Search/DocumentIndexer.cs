using System.Security.Cryptography;
using Custos.Core.Data;
using Custos.Core.Documents.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Documents;

/// <summary>
/// Keeps the search index up with the documents: a document whose current version (or tags) is not indexed yet is
/// decrypted, its text extracted within <see cref="DocumentText"/>'s bounds, and its words written, off the request
/// path. One document at a time per node, so memory stays bounded; the index write is conditional on the document being
/// unchanged, so a version checked in meanwhile is picked up on the next pass instead of being overwritten with old words.
/// </summary>
public sealed class DocumentIndexer(IDbContextFactory<CustosDbContext> dbFactory, DocumentContent content, ILogger<DocumentIndexer> log) : IDisposable
{
    private readonly SemaphoreSlim running = new(1, 1);
    private readonly SemaphoreSlim poked = new(0, 1);

    /// <summary>Wakes the background indexer (after an upload, check-in or tag change).</summary>
    public void Poke()
    {
        try { poked.Release(); } catch (SemaphoreFullException) { /* already awake */ }
    }

    /// <summary>Waits until <see cref="Poke"/> (true) or the timeout (false).</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => poked.WaitAsync(timeout, ct);

    /// <summary>Indexes every document not yet indexed; returns how many were indexed.</summary>
    public async Task<int> IndexPendingAsync(CancellationToken ct = default)
    {
        await running.WaitAsync(ct);
        try
        {
            var total = 0;
            while (true)
            {
                List<Guid> batch;
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                    batch = await db.Documents.AsNoTracking().Where(d => d.IndexedVersion != d.CurrentVersion)
                        .OrderBy(d => d.ModifiedAt).Select(d => d.Id).Take(50).ToListAsync(ct);
                var done = await IndexBatchAsync(batch, ct);
                total += done;
                // Nothing moved (every one changed meanwhile or failed): leave the rest to the next pass.
                if (batch.Count < 50 || done == 0) return total;
            }
        }
        finally
        {
            running.Release();
        }
    }

    private sealed record Extracted(Document Document, int Version, IReadOnlyList<string> Tags, string? Text);

    /// <summary>
    /// Extracts the batch's texts one by one (no transaction open meanwhile), then writes them in one transaction: one
    /// commit (one fsync) for up to 50 documents, so indexing does not compete with uploads for every document.
    /// </summary>
    private async Task<int> IndexBatchAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var extracted = new List<Extracted>(ids.Count);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var id in ids)
        {
            var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
            if (document is null || document.IndexedVersion == document.CurrentVersion) continue;
            var version = await db.DocumentVersions.AsNoTracking().SingleOrDefaultAsync(v => v.DocumentId == id && v.Number == document.CurrentVersion, ct);
            if (version is null) continue;
            var tags = await db.DocumentTags.AsNoTracking().Where(t => t.DocumentId == id).OrderBy(t => t.Tag).Select(t => t.Tag).ToListAsync(ct);
            extracted.Add(new Extracted(document, version.Number, tags, await ExtractAsync(version, document.Name, ct)));
        }
        if (extracted.Count == 0) return 0;

        var done = 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (document, number, tags, text) in extracted)
        {
            // Only if nothing changed since it was read: a new version or new tags bumped the row version.
            var marked = await db.Documents.Where(d => d.Id == document.Id && d.RowVersion == document.RowVersion && d.CurrentVersion == number)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.IndexedVersion, number), ct);
            if (marked != 1) continue;
            await DocumentSearchIndex.WriteAsync(db, document.Id, document.TenantId, document.Name, tags, text, ct);
            done++;
        }
        await tx.CommitAsync(ct);
        return done;
    }

    private async Task<string?> ExtractAsync(DocumentVersion version, string name, CancellationToken ct)
    {
        try
        {
            await using var stream = await content.OpenAsync(version, ct);
            if (stream is null) return null;
            return await DocumentText.ExtractAsync(stream, version.MediaType, name, DocumentSearchIndex.MaxIndexedChars, ct);
        }
        catch (Exception e) when (e is CryptographicException or InvalidDataException or IOException)
        {
            // A damaged blob: its name and tags stay findable; downloads and scrub raise the integrity alarm.
            log.LogWarning("Document {DocumentId} version {Version}: content unreadable for the search index ({Error})", version.DocumentId,
                version.Number, e.GetType().Name);
            return null;
        }
    }

    public void Dispose()
    {
        running.Dispose();
        poked.Dispose();
    }
}
