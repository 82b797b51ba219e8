using System.Buffers;
using System.Security.Cryptography;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Custos.Core.Keys;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Documents;

/// <summary>What a scrub found wrong with one version or one blob.</summary>
public enum ScrubProblem
{
    /// <summary>The version's blob is not in the store.</summary>
    Missing,
    /// <summary>The blob is there, but its content is not what was stored: it fails authentication, or its checksum or length differs.</summary>
    Altered,
    /// <summary>The blob or its content key could not be read at all (permissions, a damaged key, an invalid address).</summary>
    Unreadable,
    /// <summary>A blob in the store that no version refers to.</summary>
    Orphan,
}

/// <summary>One damaged version (with its document) or one orphaned blob (without).</summary>
public sealed record ScrubFinding(ScrubProblem Problem, string BlobAddress, string Detail, TenantId? Tenant = null, Guid? DocumentId = null,
    string? DocumentName = null, int? Version = null, long? BlobLength = null);

/// <summary>How much a scrub read, and how much of it was wrong.</summary>
public sealed record ScrubSummary(long VersionsChecked, long BytesChecked, long BlobsListed, long DamagedVersions, long OrphanedBlobs)
{
    public bool IsIntact => DamagedVersions == 0 && OrphanedBlobs == 0;
}

/// <summary>
/// Re-reads every stored document version (TOM 8.1: integrity of what is kept): each blob is opened through
/// <see cref="DocumentContent"/>, decrypted and authenticated to its end, and its plaintext's SHA-256 and length compared
/// with the version's row; then every blob in the store is looked up, so that blobs no version refers to show too.
/// Content is streamed through one pooled buffer and rows and blobs are read as they come, so memory stays flat whatever
/// the size of the store. Findings go to the caller as they are found, not collected.
/// </summary>
/// <remarks>
/// Read-only: nothing is repaired, deleted or recorded. Run against a live server, a blob whose upload commits while the
/// scrub lists the store can show as orphaned; a second run tells a lasting orphan from such a moment.
/// </remarks>
public sealed class DocumentScrub(IDbContextFactory<CustosDbContext> dbFactory, DocumentContent content, IBlobStore blobs)
{
    // Large enough that a blob is read in few calls; rented once per scrub, not per version.
    private const int BufferSize = 256 * 1024;

    // Blob addresses are looked up this many at a time: one query per batch, and a batch is all that is held.
    private const int LookupBatch = 500;

    /// <summary>How many versions <see cref="RunAsync"/> will check (for a progress display).</summary>
    public async Task<long> CountVersionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.DocumentVersions.LongCountAsync(ct);
    }

    /// <summary>
    /// Checks every version, then every blob. <paramref name="progress"/> hears the number of versions checked so far,
    /// once per version; <paramref name="found"/> each problem as soon as it is known.
    /// </summary>
    public async Task<ScrubSummary> RunAsync(Func<ScrubFinding, Task> found, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(found);
        long versions = 0, bytes = 0, damaged = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var rows = from v in db.DocumentVersions.AsNoTracking()
                       join d in db.Documents.AsNoTracking() on v.DocumentId equals d.Id
                       orderby v.TenantId, v.DocumentId, v.Number
                       select new { Version = v, d.Name };
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            {
                var (problem, detail, read) = await CheckAsync(row.Version, buffer, ct);
                bytes += read;
                if (problem is { } p)
                {
                    damaged++;
                    var v = row.Version;
                    await found(new ScrubFinding(p, v.BlobAddress, detail!, v.TenantId, v.DocumentId, row.Name, v.Number));
                }
                versions++;
                progress?.Report(versions);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        long listed = 0, orphans = 0;
        var batch = new List<BlobInfo>(LookupBatch);
        await foreach (var blob in blobs.ListAsync(ct))
        {
            listed++;
            batch.Add(blob);
            if (batch.Count < LookupBatch) continue;
            orphans += await ReportOrphansAsync(batch, found, ct);
            batch.Clear();
        }
        if (batch.Count > 0) orphans += await ReportOrphansAsync(batch, found, ct);
        return new ScrubSummary(versions, bytes, listed, damaged, orphans);
    }

    /// <summary>Reads one version to its end: the problem (null when intact), what it is, and how many plaintext bytes were read.</summary>
    private async Task<(ScrubProblem? Problem, string? Detail, long Read)> CheckAsync(DocumentVersion version, byte[] buffer, CancellationToken ct)
    {
        SegmentedDecryptingStream? stream;
        try
        {
            stream = await content.OpenAsync(version, ct);
        }
        catch (ArgumentException)
        {
            return (ScrubProblem.Unreadable, "the version's blob address is not a valid address", 0);
        }
        catch (Exception e) when (e is CryptographicException or KeyringException)
        {
            // The blob may be fine, but without its key nothing can read it: for the owner of the document that is loss all the same.
            return (ScrubProblem.Unreadable, $"the content key cannot be opened ({e.Message})", 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (ScrubProblem.Unreadable, $"the blob cannot be opened ({e.Message})", 0);
        }
        if (stream is null) return (ScrubProblem.Missing, "the blob is missing", 0);

        await using (stream)
        {
            try
            {
                while (await stream.ReadAsync(buffer, ct) > 0)
                {
                }
            }
            catch (CryptographicException)
            {
                return (ScrubProblem.Altered, $"the encrypted content fails authentication after {stream.PlaintextLength:N0} bytes (altered or cut short)",
                    stream.PlaintextLength);
            }
            catch (InvalidDataException)
            {
                return (ScrubProblem.Altered, "the encrypted content is malformed", stream.PlaintextLength);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (ScrubProblem.Unreadable, $"the blob cannot be read ({e.Message})", stream.PlaintextLength);
            }
            var length = stream.PlaintextLength;
            if (length != version.Size)
                return (ScrubProblem.Altered, $"the content has {length:N0} bytes, the version {version.Size:N0}", length);
            if (!stream.PlaintextSha256.AsSpan().SequenceEqual(version.Sha256))
                return (ScrubProblem.Altered, $"the content's SHA-256 {Convert.ToHexStringLower(stream.PlaintextSha256)} is not the version's " +
                                              DocumentViewing.Hex(version.Sha256), length);
            return (null, null, length);
        }
    }

    /// <summary>Looks the batch's addresses up in one query; those no version names are orphans.</summary>
    private async Task<long> ReportOrphansAsync(List<BlobInfo> batch, Func<ScrubFinding, Task> found, CancellationToken ct)
    {
        var addresses = batch.Select(b => b.Address).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var referenced = await BlobReferences.ReferencedAsync(db, addresses, ct);
        long orphans = 0;
        foreach (var blob in batch.Where(b => !referenced.Contains(b.Address)))
        {
            orphans++;
            await found(new ScrubFinding(ScrubProblem.Orphan, blob.Address, "no document version or session recording refers to this blob", BlobLength: blob.Length));
        }
        return orphans;
    }
}
