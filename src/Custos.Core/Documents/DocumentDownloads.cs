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
public sealed class DocumentDownloads(IDbContextFactory<CustosDbContext> dbFactory, DocumentContent content, AuditLog audit)
{
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
        var admitted = await DocumentGate.AdmitAsync(db, audit, tenant, documentId, caller, DocumentRights.Read, "document.download", ct);
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
            await audit.RecordAsync(db, DocumentAudit.Entry(caller, "document.download", tenant, DocumentAudit.DocumentTarget(documentId),
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
