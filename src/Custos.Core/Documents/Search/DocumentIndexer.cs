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
                List<Pending> batch;
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                    batch = await (from d in db.Documents.AsNoTracking()
                            where d.IndexedVersion != d.CurrentVersion
                            join v in db.DocumentVersions.AsNoTracking() on new { Id = d.Id, Number = d.CurrentVersion } equals new { Id = v.DocumentId, v.Number }
                            orderby d.ModifiedAt
                            select new Pending(d, v))
                        .Take(BatchSize).ToListAsync(ct);
                var done = await IndexBatchAsync(batch, ct);
                total += done;
                // Nothing moved (every one changed meanwhile or failed): leave the rest to the next pass.
                if (batch.Count < BatchSize || done == 0) return total;
            }
        }
        finally
        {
            running.Release();
        }
    }

    private const int BatchSize = 50;

    /// <summary>A document waiting for the index, with its current version.</summary>
    private sealed record Pending(Document Document, DocumentVersion Version);

    /// <summary>
    /// Extracts the batch's texts one by one (no transaction open meanwhile), then writes them in one transaction: one
    /// commit (one fsync) for up to 50 documents, so indexing does not compete with uploads for every document. Reads and
    /// index rows go by batch, not by document.
    /// </summary>
    private async Task<int> IndexBatchAsync(IReadOnlyList<Pending> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var held = await HeldConnection.OpenAsync(db, ct);
        var ids = batch.Select(p => p.Document.Id).ToList();
        var tags = (await db.DocumentTags.AsNoTracking().Where(t => ids.Contains(t.DocumentId)).Select(t => new { t.DocumentId, t.Tag }).ToListAsync(ct))
            .ToLookup(t => t.DocumentId, t => t.Tag);
        var extracted = new List<(Pending Pending, DocumentSearchIndex.Entry Entry)>(batch.Count);
        foreach (var pending in batch)
        {
            var (document, version) = pending;
            var text = await ExtractAsync(version, document.Name, ct);
            extracted.Add((pending, new DocumentSearchIndex.Entry(document.Id, document.TenantId, document.Name, tags[document.Id].Order(StringComparer.Ordinal).ToList(), text)));
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var written = new List<DocumentSearchIndex.Entry>(extracted.Count);
        foreach (var ((document, version), entry) in extracted)
        {
            // Only if nothing changed since it was read: a new version or new tags bumped the row version.
            var marked = await db.Documents.Where(d => d.Id == document.Id && d.RowVersion == document.RowVersion && d.CurrentVersion == version.Number)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.IndexedVersion, version.Number), ct);
            if (marked == 1) written.Add(entry);
        }
        await DocumentSearchIndex.WriteAsync(db, written, ct);
        await tx.CommitAsync(ct);
        return written.Count;
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
