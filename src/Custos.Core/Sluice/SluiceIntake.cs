using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Sluice;

/// <summary>
/// The way in for every uploaded file: the target's rights are checked before the body is read, the body is stored
/// encrypted in quarantine, and the checks run at once; the caller waits for the verdict up to
/// <see cref="SluiceOptions.InlineWait"/> and otherwise learns that the file is in quarantine (the checks go on).
/// </summary>
public sealed class SluiceIntake(
    IDbContextFactory<CustosDbContext> dbFactory,
    DocumentContent content,
    DocumentUploads uploads,
    SluiceProcessor processor,
    SluiceWorker worker,
    AuditLog audit,
    TimeProvider time,
    SluiceOptions options)
{
    /// <summary>The file's quarantine entry and, when it was released in time, the documents it became.</summary>
    public sealed record Submitted(QuarantineView Item, IReadOnlyList<DocumentView> Documents);

    /// <summary>A new document for a folder, through the sluice (Write on the folder; the name must be free).</summary>
    /// <param name="wait">False: answer as soon as the file is in quarantine (share-link uploads, whose senders see nothing anyway).</param>
    public async Task<Result<Submitted>> SubmitDocumentAsync(TenantId tenant, Guid folderId, string? name, string? mediaType, string? comment, Stream body,
        DocumentCaller caller, CancellationToken ct = default, bool wait = true)
    {
        if (comment is { Length: > 1000 }) return DocumentErrors.Invalid("A comment has at most 1,000 characters.");
        var admitted = await uploads.AdmitCreateAsync(tenant, folderId, name, caller, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        return await SubmitAsync(tenant, SluiceTarget.NewDocument, folderId, DocumentNames.Validate(name).Value!, mediaType, comment, body, caller, ct, wait);
    }

    /// <summary>The next version of a document the caller has checked out, through the sluice.</summary>
    public async Task<Result<Submitted>> SubmitVersionAsync(TenantId tenant, Guid documentId, string? mediaType, string? comment, Stream body,
        DocumentCaller caller, CancellationToken ct = default)
    {
        if (comment is { Length: > 1000 }) return DocumentErrors.Invalid("A comment has at most 1,000 characters.");
        var admitted = await uploads.AdmitCheckInAsync(tenant, documentId, caller, ct);
        if (!admitted.Succeeded) return admitted.Error!;
        return await SubmitAsync(tenant, SluiceTarget.DocumentVersion, documentId, admitted.Value!.Name, mediaType, comment, body, caller, ct);
    }

    private async Task<Result<Submitted>> SubmitAsync(TenantId tenant, SluiceTarget target, Guid targetId, string fileName, string? mediaType, string? comment,
        Stream body, DocumentCaller caller, CancellationToken ct, bool wait = true)
    {
        var id = Guid.CreateVersion7();
        var stored = await content.StoreAsync(tenant, id, body, ct);
        var item = new QuarantineItem
        {
            Id = id, TenantId = tenant, Target = target, TargetId = targetId, FileName = fileName, DeclaredMediaType = Trim(mediaType, 200),
            Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), Size = stored.Size, Sha256 = stored.Sha256, BlobAddress = stored.Address,
            WrappedKey = stored.WrappedKey, UploadedBy = caller.User, UploadedByName = caller.UserName, UploaderActor = caller.Actor.Name, Source = caller.Client,
            UploadedAt = time.StoredNow(), State = QuarantineState.Pending,
        };
        // The background worker leaves the file to this request's own run unless that does not finish.
        item.NextAttemptAt = item.UploadedAt + options.InlineWait + TimeSpan.FromSeconds(5);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.QuarantineItems.Add(item);
            await db.SaveChangesAsync(ct);
            await audit.CommitAsync(db, tx, SluiceProcessor.Event("sluice.quarantine", item, caller.Actor.Name, AuditOutcome.Success,
                ("target", $"{target}:{targetId}"), ("client", caller.Client)) with { ClientAddress = caller.Actor.ClientAddress }, ct);
        }
        catch
        {
            await content.DiscardAsync(stored.Address, CancellationToken.None);
            throw;
        }

        // The checks run on the server's behalf: a client that goes away does not stop them.
        var run = worker.Track(processor.ProcessAsync(id, worker.Stopping));
        var finished = await Task.WhenAny(run, Task.Delay(wait ? options.InlineWait : TimeSpan.Zero, ct));
        SluiceProcessor.Outcome? outcome = finished == run ? await run : null;
        await using var read = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = await read.QuarantineItems.AsNoTracking().SingleAsync(q => q.Id == id, CancellationToken.None);
        return new Submitted(QuarantineView.Of(now), outcome?.Documents ?? []);
    }

    private static string? Trim(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];
}
