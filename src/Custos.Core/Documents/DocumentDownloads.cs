using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Keys;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>
/// Downloads of any version (Read). The download is recorded before the first byte leaves. The content is checked as it
/// streams: every segment is authenticated, and at the end the plaintext's SHA-256 and length must equal the version's;
/// a missing blob, an altered segment or a wrong checksum fails the download and raises an integrity alarm.
/// </summary>
/// <remarks>
/// Download records are committed in groups (<see cref="GroupCommit{TItem,TResult}"/>): records of downloads that arrive
/// while a transaction is being written go together into the next one; each download starts only once the transaction
/// holding its record has committed, so no content leaves unrecorded (fail closed).
/// </remarks>
public sealed class DocumentDownloads : IAsyncDisposable
{
    private readonly IDbContextFactory<CustosDbContext> dbFactory;
    private readonly DocumentContent content;
    private readonly AuditLog audit;
    private readonly DocumentAccessCache accessCache;
    private readonly GroupCommit<AuditEntry, bool> records;

    public DocumentDownloads(IDbContextFactory<CustosDbContext> dbFactory, DocumentContent content, AuditLog audit, DocumentAccessCache accessCache)
    {
        this.accessCache = accessCache;
        this.dbFactory = dbFactory;
        this.content = content;
        this.audit = audit;
        records = new GroupCommit<AuditEntry, bool>(CommitRecordsAsync, dbFactory);
    }

    public ValueTask DisposeAsync() => records.DisposeAsync();

    private async Task<IReadOnlyList<bool>> CommitRecordsAsync(IReadOnlyList<AuditEntry> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var held = await HeldConnection.OpenAsync(db);
        await using var tx = await db.Database.BeginTransactionAsync();
        await audit.CommitAsync(db, tx, batch);
        return Enumerable.Repeat(true, batch.Count).ToList();
    }

    public sealed class Download(Guid documentId, string name, DocumentVersion version, SegmentedDecryptingStream stream) : IAsyncDisposable
    {
        public Guid DocumentId { get; } = documentId;
        public string Name { get; } = name;
        public DocumentVersion Version { get; } = version;
        public Stream Content => stream;

        /// <summary>After the content was read to its end: whether it is exactly what was stored.</summary>
        public bool IsIntact => stream.PlaintextLength == Version.Size && stream.PlaintextSha256.AsSpan().SequenceEqual(Version.Sha256);

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }

    public async Task<Result<Download>> OpenAsync(TenantId tenant, Guid documentId, int? versionNumber, DocumentCaller caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for the whole request, not one per query.
        await using var held = await HeldConnection.OpenAsync(db, ct);
        var admitted = await DocumentGate.AdmitAsync(db, audit, accessCache, tenant, documentId, caller, DocumentRights.Read, "document.download", ct);
        if (!admitted.Succeeded) return admitted.Error!;
        var document = admitted.Value!.Document;
        var number = versionNumber ?? document.CurrentVersion;
        var version = await db.DocumentVersions.AsNoTracking().SingleOrDefaultAsync(v => v.DocumentId == documentId && v.TenantId == tenant && v.Number == number, ct);
        if (version is null) return DocumentErrors.NotFound;

        var stream = await content.OpenAsync(version, ct);
        if (stream is null)
        {
            await AlarmAsync(version, "the blob is missing", caller, ct);
            return DocumentErrors.Integrity;
        }
        try
        {
            await db.Database.CloseConnectionAsync();
            await records.CommitAsync(DocumentAudit.Entry(caller, "document.download", tenant, DocumentAudit.DocumentTarget(documentId),
                AuditOutcome.Success, ("name", document.Name), ("version", number.ToString()), ("client", caller.Client)), ct);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
        return new Download(documentId, document.Name, version, stream);
    }

    /// <summary>Records that a version's stored content is not what was stored (TOM 8.1: integrity).</summary>
    public async Task AlarmAsync(DocumentVersion version, string problem, DocumentCaller? caller, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await audit.RecordAsync(db, new AuditEntry(caller?.Actor.Name ?? "system", "document.integrity", AuditOutcome.Failure, version.TenantId,
            DocumentAudit.DocumentTarget(version.DocumentId), caller?.Actor.ClientAddress, new Dictionary<string, string?>
            {
                ["version"] = version.Number.ToString(), ["blob"] = version.BlobAddress, ["problem"] = problem,
                ["sha256"] = DocumentViewing.Hex(version.Sha256),
            }), ct);
    }
}
