using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>
/// Downloads through a link. What the recipient may fetch: the document versions of the link, or only its package in
/// sensitive mode; the sender must still be able to read each document. A download counts against the limit when it
/// starts at byte 0, or when this recipient has no counted download of the file yet (a resumed download continues its
/// first one); the count is taken with a conditional update before the first byte leaves, so parallel requests never
/// get past the limit. Each download is a log line and an audit event, written in that same transaction.
/// </summary>
public sealed class ShareDownloads(
    IDbContextFactory<CustosDbContext> dbFactory,
    DocumentContent content,
    DocumentAccessCache accessCache,
    ShareLog log,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>An open download: the content from the asked offset, and its log line to close with <see cref="ShareLog.FinishAsync"/>.</summary>
    public sealed class File(ShareItem item, Stream content, Guid eventId) : IAsyncDisposable
    {
        public ShareItem Item { get; } = item;
        public Stream Content { get; } = content;
        public Guid EventId { get; } = eventId;
        public ValueTask DisposeAsync() => Content.DisposeAsync();
    }

    /// <summary>What the recipient sees: the package alone in sensitive mode, the documents and transfers otherwise.</summary>
    public async Task<IReadOnlyList<ShareItem>> ItemsAsync(ShareLink link, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, link).OrderBy(i => i.Name).ToListAsync(ct);
    }

    public async Task<ShareItem?> ItemAsync(ShareLink link, Guid itemId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, link).SingleOrDefaultAsync(i => i.Id == itemId, ct);
    }

    private static IQueryable<ShareItem> Visible(CustosDbContext db, ShareLink link) =>
        db.ShareItems.AsNoTracking().Where(i => i.ShareId == link.Id
            && (link.Sensitive ? i.Kind == ShareItemKind.Package : i.Kind == ShareItemKind.Document || i.Kind == ShareItemKind.Transfer));

    public async Task<Result<File>> OpenAsync(ShareLink link, ShareItem item, long offset, ShareClient client, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var source = await SourceAsync(db, link, item, ct);
        if (source is null) return ShareErrors.Unavailable;

        var now = time.StoredNow();
        var counted = offset == 0 || !await db.ShareEvents.AnyAsync(e =>
            e.ShareId == link.Id && e.Visitor == client.Visitor && e.ItemId == item.Id && e.Kind == "download" && e.Counted, ct);
        Guid eventId;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var open = db.ShareLinks.Where(s => s.Id == link.Id && s.RevokedAt == null && s.LockedAt == null && s.EndedAt == null && s.ExpiresAt > now);
            var taken = counted
                ? await open.Where(s => s.DownloadLimit == null || s.Downloads < s.DownloadLimit)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.Downloads, l => l.Downloads + 1), ct)
                : await open.CountAsync(ct);
            if (taken == 0) return ShareErrors.LimitReached;
            var first = await db.ShareLinks.Where(s => s.Id == link.Id && s.FirstDownloadAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.FirstDownloadAt, now), ct) == 1;
            var row = log.Add(db, link, "download", client, now, item.Name);
            (row.ItemId, row.RangeStart, row.Counted) = (item.Id, offset, counted);
            eventId = row.Id;
            if (first && link.NotifyOnFirstDownload)
                await DocumentNotices.AddAsync(db, link.CreatedBy, link.TenantId, "share-first-download",
                    $"Your share link{ShareGate.For(link)} was downloaded for the first time ({item.Name}).", now, ct);
            await db.SaveChangesAsync(ct);
            await audit.CommitAsync(db, tx, new AuditEntry("public", "share.download", AuditOutcome.Success, link.TenantId, $"share:{link.Id}", client.Address,
                new Dictionary<string, string?>
                {
                    ["item"] = item.Name, ["document"] = item.DocumentId?.ToString(), ["version"] = item.VersionNumber?.ToString(),
                    ["kind"] = item.Kind.ToString(), ["from"] = offset.ToString(), ["counted"] = counted.ToString(),
                    ["visitor"] = client.Visitor,
                }), ct);
        }

        var stream = await content.OpenAtAsync(link.TenantId, source.RowId, source.Address, source.Key, offset, ct);
        if (stream is null)
        {
            await log.FinishAsync(eventId, 0, false);
            return DocumentErrors.Integrity;
        }
        return new File(item, stream, eventId);
    }

    /// <summary>
    /// After a whole-file download read every byte: whether they are exactly what was stored (length and SHA-256). Reads
    /// once more to reach the end, which completes the hash.
    /// </summary>
    public async Task<bool> IsIntactAsync(File download, CancellationToken ct)
    {
        if (download.Content is not Keys.SegmentedDecryptingStream stream) return false;
        if (await stream.ReadAsync(new byte[1], ct) != 0) return false;
        return stream.PlaintextLength == download.Item.Size && stream.PlaintextSha256.AsSpan().SequenceEqual(download.Item.Sha256);
    }

    /// <summary>Records that a shared file's stored content is not what was stored (TOM 8.1: integrity).</summary>
    public async Task AlarmAsync(ShareLink link, ShareItem item, string problem, ShareClient client)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await audit.RecordAsync(db, new AuditEntry("public", "share.integrity", AuditOutcome.Failure, link.TenantId, $"share:{link.Id}", client.Address,
            new Dictionary<string, string?>
            {
                ["item"] = item.Name, ["document"] = item.DocumentId?.ToString(), ["version"] = item.VersionNumber?.ToString(), ["problem"] = problem,
                ["sha256"] = Convert.ToHexStringLower(item.Sha256),
            }));
    }

    private sealed record Source(Guid RowId, string Address, byte[] Key);

    /// <summary>The stored content behind an item; null when the document went away or the sender can no longer read it.</summary>
    private async Task<Source?> SourceAsync(CustosDbContext db, ShareLink link, ShareItem item, CancellationToken ct)
    {
        if (item.Kind != ShareItemKind.Document) return item.BlobAddress is null ? null : new Source(item.Id, item.BlobAddress, item.WrappedKey!);
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == item.DocumentId && d.TenantId == link.TenantId, ct);
        if (document is null) return null;
        var sender = new DocumentCaller(link.CreatedBy, link.CreatedByName, new Actor($"share:{link.Id}", null), "share");
        var access = await accessCache.GetAsync(db, sender, link.TenantId, ct);
        if (!access.OnDocument(document).Allows(DocumentRights.Read)) return null;
        var version = await db.DocumentVersions.AsNoTracking()
            .SingleOrDefaultAsync(v => v.DocumentId == document.Id && v.TenantId == link.TenantId && v.Number == item.VersionNumber, ct);
        return version is null ? null : new Source(version.Id, version.BlobAddress, version.WrappedKey);
    }
}
