using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// New documents and new versions. Rights and the lock are checked before the body is read (a refused upload costs
/// nothing), the content is streamed into an encrypted blob, and the version becomes visible only with the transaction
/// that also records it; if that fails, the blob goes again. An interrupted upload leaves no version and no blob.
/// </summary>
/// <remarks>
/// New documents are committed in groups: uploads that finish while a transaction is being written go together into the
/// next one (their rows and chained events; one commit, one fsync), each caller answered only once its own transaction
/// committed. Check-ins keep a transaction each (they update the document under its lock).
/// </remarks>
public sealed class DocumentUploads : IAsyncDisposable
{
    private readonly IDbContextFactory<CustosDbContext> dbFactory;
    private readonly DocumentContent content;
    private readonly AuditLog audit;
    private readonly TimeProvider time;
    private readonly GroupCommit<NewDocument, bool> newDocuments;
    private readonly DocumentIndexer indexer;
    private readonly DocumentAccessCache accessCache;

    public DocumentUploads(IDbContextFactory<CustosDbContext> dbFactory, DocumentContent content, AuditLog audit, TimeProvider time, DocumentIndexer indexer,
        DocumentAccessCache accessCache)
    {
        this.accessCache = accessCache;
        this.indexer = indexer;
        this.dbFactory = dbFactory;
        this.content = content;
        this.audit = audit;
        this.time = time;
        newDocuments = new GroupCommit<NewDocument, bool>(CommitNewDocumentsAsync, dbFactory);
    }

    public ValueTask DisposeAsync() => newDocuments.DisposeAsync();

    /// <summary>
    /// Work done in the transaction that adds a document or version, and the event that records it: the sluice marks its
    /// quarantine item released in the same commit, so a release is never half done.
    /// </summary>
    public sealed record CommitHook(Func<CustosDbContext, Document, DocumentVersion, Task<AuditEntry>> ApplyAsync);

    /// <summary>Stores a new document (version 1) in a folder (Write).</summary>
    public Task<Result<DocumentView>> CreateAsync(TenantId tenant, Guid folderId, string? name, string? mediaType, string? comment, Stream body,
        DocumentCaller caller, CancellationToken ct = default) => CreateAsync(tenant, folderId, name, mediaType, comment, body, caller, null, ct);

    /// <summary>
    /// The checks an upload of a new document passes before its body is read (the sluice runs them before it stores a
    /// file in quarantine): a valid name, Write on the folder, the name free. Refusals are recorded.
    /// </summary>
    public async Task<Result<DocumentFolder>> AdmitCreateAsync(TenantId tenant, Guid folderId, string? name, DocumentCaller caller, CancellationToken ct = default)
    {
        var checkedName = DocumentNames.Validate(name);
        if (!checkedName.Succeeded) return checkedName.Error!;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var folder = await db.DocumentFolders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == folderId && f.TenantId == tenant, ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        var rights = folder is null ? DocumentRights.None : access.On(folder.ProjectId);
        var target = DocumentAudit.FolderTarget(folderId);
        if (rights == DocumentRights.None) return await DocumentAudit.DenyAsync(audit, db, caller, "document.upload", tenant, target, DocumentErrors.NotFound, ct);
        if (!rights.Allows(DocumentRights.Write))
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.upload", tenant, target, DocumentErrors.Forbidden, ct);
        if (await NameTakenAsync(db, folderId, checkedName.Value!, ct)) return DocumentErrors.NameTaken;
        return folder!;
    }

    /// <summary>The checks a check-in passes before its body is read: Write on the document, and the caller holds its lock.</summary>
    public async Task<Result<Document>> AdmitCheckInAsync(TenantId tenant, Guid documentId, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Write, "document.checkin", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var document = admitted.Value!.Document;
        if (document.LockedBy == caller.User) return document;
        var refusal = document.LockedBy is null ? DocumentErrors.NotCheckedOut : DocumentErrors.Locked;
        return await DocumentAudit.DenyAsync(audit, db, caller, "document.checkin", tenant, DocumentAudit.DocumentTarget(documentId), refusal, ct);
    }

    /// <summary>Stores a new document (version 1) in a folder (Write), running <paramref name="hook"/> in its transaction.</summary>
    public async Task<Result<DocumentView>> CreateAsync(TenantId tenant, Guid folderId, string? name, string? mediaType, string? comment, Stream body,
        DocumentCaller caller, CommitHook? hook, CancellationToken ct = default)
    {
        var checkedName = DocumentNames.Validate(name);
        if (!checkedName.Succeeded) return checkedName.Error!;
        if (comment is { Length: > 1000 }) return DocumentErrors.Invalid("A comment has at most 1,000 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for the whole upload, not one per query (on SQLite each open also re-applies its pragmas).
        await using var held = await HeldConnection.OpenAsync(db, ct);
        var folder = await db.DocumentFolders.AsNoTracking().SingleOrDefaultAsync(f => f.Id == folderId && f.TenantId == tenant, ct);
        var access = await accessCache.GetAsync(db, caller, tenant, ct);
        var rights = folder is null ? DocumentRights.None : access.On(folder.ProjectId);
        var target = DocumentAudit.FolderTarget(folderId);
        if (rights == DocumentRights.None) return await DocumentAudit.DenyAsync(audit, db, caller, "document.upload", tenant, target, DocumentErrors.NotFound, ct);
        if (!rights.Allows(DocumentRights.Write))
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.upload", tenant, target, DocumentErrors.Forbidden, ct);
        if (await NameTakenAsync(db, folderId, checkedName.Value!, ct)) return DocumentErrors.NameTaken;

        var document = new Document
        {
            Id = Guid.CreateVersion7(), TenantId = tenant, ProjectId = folder!.ProjectId, FolderId = folderId, Name = checkedName.Value!, CurrentVersion = 1,
            CreatedBy = caller.UserName,
        };
        var version = NewVersion(document, 1, mediaType, comment, caller);
        // No connection is held while the body streams in.
        await db.Database.CloseConnectionAsync();
        var stored = await content.StoreAsync(tenant, version.Id, body, ct);
        Fill(version, stored);
        document.CreatedAt = document.ModifiedAt = version.CreatedAt;
        document.DocumentDate = DateOnly.FromDateTime(version.CreatedAt.UtcDateTime);
        bool created;
        try
        {
            created = await newDocuments.CommitAsync(new NewDocument(document, version, VersionEvent(caller, "document.upload", document, version), hook), ct);
        }
        catch (Exception e)
        {
            await content.DiscardAsync(stored.Address, CancellationToken.None);
            // A concurrent upload of the same name committed first (the unique index decided): the name is taken.
            if (e is DbUpdateException && await NameTakenAsync(folderId, document.Name)) return DocumentErrors.NameTaken;
            throw;
        }
        if (!created)
        {
            await content.DiscardAsync(stored.Address, CancellationToken.None);
            return DocumentErrors.NameTaken;
        }
        indexer.Poke();
        return DocumentViewing.View(document, version, rights, caller.User);
    }

    /// <summary>A new document on its way into the database: its first version and the event that records both.</summary>
    private sealed record NewDocument(Document Document, DocumentVersion Version, AuditEntry Event, CommitHook? Hook);

    /// <summary>
    /// Commits new documents in groups (<see cref="GroupCommit{TItem,TResult}"/>): one transaction checks every name again
    /// (another upload of the same name may have won while the bodies streamed in; two of one batch cannot both have it),
    /// applies the retention class (WORM from the first moment), adds documents and versions and chains their events.
    /// False for a document whose name was taken: it is not added.
    /// </summary>
    private async Task<IReadOnlyList<bool>> CommitNewDocumentsAsync(IReadOnlyList<NewDocument> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var held = await HeldConnection.OpenAsync(db);
        await using var tx = await db.Database.BeginTransactionAsync();
        var folders = batch.Select(n => n.Document.FolderId).Distinct().ToList();
        var names = batch.Select(n => n.Document.Name).Distinct().ToList();
        var taken = (await db.Documents.Where(d => folders.Contains(d.FolderId) && names.Contains(d.Name)).Select(d => new { d.FolderId, d.Name })
            .ToListAsync()).Select(d => (d.FolderId, d.Name)).ToHashSet();
        var classes = new Dictionary<(Guid, Guid?), RetentionClass?>();
        var results = new bool[batch.Count];
        var events = new List<AuditEntry>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var (document, version, entry, hook) = batch[i];
            if (!taken.Add((document.FolderId, document.Name))) continue;
            var key = (document.FolderId, document.RetentionClassId);
            if (!classes.TryGetValue(key, out var retention))
                classes[key] = retention = await RetentionRules.EffectiveClassAsync(db, document.FolderId, document.RetentionClassId, CancellationToken.None);
            document.RetainUntil = retention?.RetainUntil(document.DocumentDate);
            db.Documents.Add(document);
            db.DocumentVersions.Add(version);
            events.Add(entry);
            if (hook is not null) events.Add(await hook.ApplyAsync(db, document, version));
            results[i] = true;
        }
        if (events.Count > 0) await audit.CommitAsync(db, tx, events);
        else await tx.RollbackAsync();
        return results;
    }

    /// <summary>Check-in: the holder of the lock adds the next version and releases the lock.</summary>
    public Task<Result<DocumentView>> CheckInAsync(TenantId tenant, Guid documentId, string? mediaType, string? comment, Stream body,
        DocumentCaller caller, CancellationToken ct = default) => CheckInAsync(tenant, documentId, mediaType, comment, body, caller, null, ct);

    /// <summary>Check-in, running <paramref name="hook"/> in the transaction that adds the version.</summary>
    public async Task<Result<DocumentView>> CheckInAsync(TenantId tenant, Guid documentId, string? mediaType, string? comment, Stream body,
        DocumentCaller caller, CommitHook? hook, CancellationToken ct = default)
    {
        if (comment is { Length: > 1000 }) return DocumentErrors.Invalid("A comment has at most 1,000 characters.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for the whole upload, not one per query (on SQLite each open also re-applies its pragmas).
        await using var held = await HeldConnection.OpenAsync(db, ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Write, "document.checkin", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var (document, rights) = admitted.Value!;
        if (document.LockedBy != caller.User)
        {
            var refusal = document.LockedBy is null ? DocumentErrors.NotCheckedOut : DocumentErrors.Locked;
            return await DocumentAudit.DenyAsync(audit, db, caller, "document.checkin", tenant, DocumentAudit.DocumentTarget(documentId), refusal, ct);
        }

        var number = document.CurrentVersion + 1;
        var version = NewVersion(document, number, mediaType, comment, caller);
        var stored = await content.StoreAsync(tenant, version.Id, body, ct);
        Fill(version, stored);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The lock may have been broken (or the version moved on) while the body streamed in: then nothing is added.
            var moved = await db.Documents
                .Where(d => d.Id == documentId && d.TenantId == tenant && d.LockedBy == caller.User && d.CurrentVersion == number - 1)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.CurrentVersion, number).SetProperty(d => d.ModifiedAt, version.CreatedAt)
                    .SetProperty(d => d.LockedBy, (UserId?)null).SetProperty(d => d.LockedByName, (string?)null)
                    .SetProperty(d => d.LockedAt, (DateTimeOffset?)null).SetProperty(d => d.RowVersion, d => d.RowVersion + 1), ct);
            if (moved != 1)
            {
                await tx.RollbackAsync(ct);
                await content.DiscardAsync(stored.Address, CancellationToken.None);
                return await DocumentAudit.DenyAsync(audit, db, caller, "document.checkin", tenant, DocumentAudit.DocumentTarget(documentId),
                    DocumentErrors.NotCheckedOut, ct);
            }
            db.DocumentVersions.Add(version);
            var entries = new List<AuditEntry> { VersionEvent(caller, "document.checkin", document, version) };
            if (hook is not null) entries.Add(await hook.ApplyAsync(db, document, version));
            await audit.CommitAsync(db, tx, entries, ct);
        }
        catch
        {
            await content.DiscardAsync(stored.Address, CancellationToken.None);
            throw;
        }
        document.CurrentVersion = number;
        document.ModifiedAt = version.CreatedAt;
        document.LockedBy = null;
        document.LockedByName = null;
        document.LockedAt = null;
        indexer.Poke();
        return DocumentViewing.View(document, version, rights, caller.User);
    }

    private async Task<bool> NameTakenAsync(Guid folderId, string name)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await NameTakenAsync(db, folderId, name, CancellationToken.None);
    }

    private static Task<bool> NameTakenAsync(CustosDbContext db, Guid folderId, string name, CancellationToken ct) =>
        db.Documents.AnyAsync(d => d.FolderId == folderId && d.Name == name, ct);

    private DocumentVersion NewVersion(Document document, int number, string? mediaType, string? comment, DocumentCaller caller) => new()
    {
        Id = Guid.CreateVersion7(), DocumentId = document.Id, TenantId = document.TenantId, Number = number, Sha256 = [],
        MediaType = DocumentNames.MediaType(mediaType), Author = caller.UserName, CreatedAt = time.StoredNow(),
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), BlobAddress = "", WrappedKey = [],
    };

    private void Fill(DocumentVersion version, DocumentContent.Stored stored)
    {
        // The version dates from its commit, not from the start of a long upload.
        version.CreatedAt = time.StoredNow();
        version.Size = stored.Size;
        version.Sha256 = stored.Sha256;
        version.BlobAddress = stored.Address;
        version.WrappedKey = stored.WrappedKey;
    }

    private static AuditEntry VersionEvent(DocumentCaller caller, string action, Document document, DocumentVersion version) =>
        DocumentAudit.Entry(caller, action, document.TenantId, DocumentAudit.DocumentTarget(document.Id), AuditOutcome.Success,
            ("name", document.Name), ("version", version.Number.ToString()), ("size", version.Size.ToString()),
            ("sha256", DocumentViewing.Hex(version.Sha256)), ("client", caller.Client));
}
