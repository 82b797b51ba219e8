using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Sluice;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sharing;

/// <summary>
/// Files dropped through an upload request. Each goes into the sluice (<see cref="SluiceIntake"/>) as a new document of
/// the link's folder on behalf of the sender, whose Write right is checked again; nobody sees it before the sluice
/// releases it. The file count is taken before the body is read and given back if the file is not kept; the body is cut
/// off (and nothing kept) at the bytes the link still accepts. The uploader is shown only what they sent.
/// </summary>
public sealed class ShareUploads(IDbContextFactory<CustosDbContext> dbFactory, SluiceIntake sluice, ShareLog log, TimeProvider time)
{
    public sealed record Received(string Name, long Size, string State);

    public async Task<Result<Received>> ReceiveAsync(ShareLink link, string? fileName, string? mediaType, Stream body, ShareClient client,
        CancellationToken ct = default)
    {
        var named = DocumentNames.Validate(BaseName(fileName));
        if (!named.Succeeded) return named.Error!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var open = db.ShareLinks.Where(s => s.Id == link.Id && s.RevokedAt == null && s.LockedAt == null && s.EndedAt == null && s.ExpiresAt > now);
        if (await open.Where(s => s.UploadedFiles < s.MaxFiles).ExecuteUpdateAsync(s => s.SetProperty(l => l.UploadedFiles, l => l.UploadedFiles + 1), ct) == 0)
            return await open.AnyAsync(ct) ? ShareErrors.UploadTooMany : ShareErrors.Unavailable;
        var kept = false;
        try
        {
            var remaining = await db.ShareLinks.Where(s => s.Id == link.Id).Select(s => s.MaxBytes!.Value - s.UploadedBytes).SingleAsync(ct);
            var limited = new LimitedReadStream(body, remaining);
            var name = await FreeNameAsync(db, link, named.Value!, ct);
            var sender = new DocumentCaller(link.CreatedBy, link.CreatedByName, new Actor($"share:{link.Id}", client.Address), "share");
            Result<SluiceIntake.Submitted> submitted;
            try
            {
                submitted = await sluice.SubmitDocumentAsync(link.TenantId, link.FolderId!.Value, name, mediaType,
                    $"Uploaded through a share link{ShareGate.For(link)}.", limited, sender, ct, wait: false);
            }
            catch (Exception e) when (LimitedReadStream.IsTooLong(e))
            {
                await log.AddAsync(link, "upload.refused", client, name, ct: ct);
                return ShareErrors.UploadTooLarge;
            }
            if (!submitted.Succeeded) return submitted.Error!.Code is "document.not_found" or "document.forbidden" ? ShareErrors.Unavailable : submitted.Error!;
            kept = true;
            var item = submitted.Value!.Item;
            await db.ShareLinks.Where(s => s.Id == link.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.UploadedBytes, l => l.UploadedBytes + item.Size), ct);
            var row = log.Add(db, link, "upload", client, time.StoredNow(), name);
            (row.ItemId, row.Bytes, row.Completed, row.FinishedAt) = (item.Id, item.Size, true, row.At);
            await db.SaveChangesAsync(ct);
            return new Received(name, item.Size, item.State);
        }
        finally
        {
            if (!kept)
                await db.ShareLinks.Where(s => s.Id == link.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.UploadedFiles, l => l.UploadedFiles - 1), CancellationToken.None);
        }
    }

    /// <summary>What this recipient sent through the link, newest first (nobody else's uploads, no verdicts).</summary>
    public async Task<IReadOnlyList<ShareEventView>> SentAsync(ShareLink link, string visitor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.ShareEvents.AsNoTracking().Where(e => e.ShareId == link.Id && e.Visitor == visitor && e.Kind == "upload")
            .OrderByDescending(e => e.At).Take(1000).ToListAsync(ct)).Select(ShareEventView.Of).ToList();
    }

    /// <summary>Only the last path segment counts: "../../etc/passwd" and "C:\x\y.pdf" arrive as "passwd" and "y.pdf".</summary>
    public static string BaseName(string? name)
    {
        var n = (name ?? "").Replace('\\', '/');
        return n[(n.LastIndexOf('/') + 1)..].Trim();
    }

    /// <summary>A name not yet used in the folder (nor waiting in the sluice for it): "Angebot (2).pdf".</summary>
    private static async Task<string> FreeNameAsync(CustosDbContext db, ShareLink link, string name, CancellationToken ct)
    {
        var folder = link.FolderId!.Value;
        var stem = Path.GetFileNameWithoutExtension(name);
        var taken = (await db.Documents.AsNoTracking().Where(d => d.TenantId == link.TenantId && d.FolderId == folder && d.Name.StartsWith(stem))
                .Select(d => d.Name).ToListAsync(ct))
            .Concat(await db.QuarantineItems.AsNoTracking().Where(q => q.TenantId == link.TenantId && q.TargetId == folder && q.Target == SluiceTarget.NewDocument
                && (q.State == QuarantineState.Pending || q.State == QuarantineState.Review)).Select(q => q.FileName).ToListAsync(ct))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var candidate = name;
        for (var n = 2; taken.Contains(candidate); n++) candidate = $"{stem} ({n}){Path.GetExtension(name)}";
        return candidate;
    }
}
