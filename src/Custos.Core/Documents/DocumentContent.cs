using System.Security.Cryptography;
using Custos.Core.Common;
using Custos.Core.Documents.Blobs;
using Custos.Core.Keys;
using Custos.Core.Vault;

namespace Custos.Core.Documents;

/// <summary>
/// Encrypts document content on its way into the blob store and back (DESIGN.md invariant 3): each version has a random
/// content key, sealed with the tenant's data key and bound to the version's row; the stream is encrypted in segments
/// whose associated data names tenant and version, so a blob moved to another version does not decrypt.
/// </summary>
public sealed class DocumentContent(IBlobStore blobs, SecretSealer sealer)
{
    public const string KeyField = "content-key";

    public sealed record Stored(string Address, long Size, byte[] Sha256, byte[] WrappedKey);

    /// <summary>
    /// Streams <paramref name="plaintext"/> into a new blob; nothing is kept if reading or writing fails. The blob gets a
    /// random address: its key is random, so its ciphertext never repeats and a content address would buy nothing but a
    /// third pass over every byte. Reading, hashing and sealing+writing overlap (<see cref="SegmentedPipelinedEncryptor"/>).
    /// </summary>
    public async Task<Stored> StoreAsync(TenantId tenant, Guid versionId, Stream plaintext, CancellationToken ct = default)
    {
        var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        try
        {
            var wrapped = await sealer.SealBytesAsync(tenant, versionId, KeyField, 1, key, ct);
            await using var writer = await blobs.CreateUniqueAsync(ct);
            var (sha256, length) = await SegmentedPipelinedEncryptor.EncryptAsync(plaintext, writer.Stream, key, AssociatedData(tenant, versionId), ct: ct);
            var blob = await writer.CommitAsync(ct);
            return new Stored(blob.Address, length, sha256, wrapped);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// The plaintext of a version, decrypted as it is read; null when its blob is missing. Reading fails
    /// (<see cref="CryptographicException"/>) where the ciphertext was altered or cut short; the caller compares
    /// <see cref="SegmentedDecryptingStream.PlaintextSha256"/> with the version's checksum at the end.
    /// </summary>
    public Task<SegmentedDecryptingStream?> OpenAsync(DocumentVersion version, CancellationToken ct = default) =>
        OpenAsync(version.TenantId, version.Id, version.BlobAddress, version.WrappedKey, ct);

    /// <summary>The plaintext of a blob stored for <paramref name="rowId"/> (a version, or a file in the sluice's quarantine).</summary>
    public async Task<SegmentedDecryptingStream?> OpenAsync(TenantId tenant, Guid rowId, string address, byte[] wrappedKey, CancellationToken ct = default)
    {
        var blob = await blobs.OpenReadAsync(address, ct);
        if (blob is null) return null;
        try
        {
            var key = await sealer.OpenBytesAsync(tenant, rowId, KeyField, 1, wrappedKey, ct);
            try
            {
                return new SegmentedDecryptingStream(blob, key, AssociatedData(tenant, rowId));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        catch
        {
            await blob.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The plaintext from <paramref name="offset"/> on (a range request): decryption starts at the segment holding it,
    /// so resuming a large download near its end costs one segment, not the whole file. Null when the blob is missing.
    /// </summary>
    public async Task<Stream?> OpenAtAsync(TenantId tenant, Guid rowId, string address, byte[] wrappedKey, long offset, CancellationToken ct = default)
    {
        var stream = await OpenAsync(tenant, rowId, address, wrappedKey, ct);
        if (stream is null || offset == 0) return stream;
        try
        {
            var skip = await stream.PositionAtAsync(offset, ct);
            var drop = new byte[Math.Min(skip, 64 * 1024)];
            while (skip > 0)
            {
                var read = await stream.ReadAsync(drop.AsMemory(0, Math.Min(skip, drop.Length)), ct);
                if (read == 0) break;
                skip -= read;
            }
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Deletes a blob that no committed version refers to (an upload whose transaction failed).</summary>
    public Task DiscardAsync(string address, CancellationToken ct = default) => blobs.DeleteAsync(address, ct);

    /// <summary>Binds a stream to its tenant and row (a version, or a session recording): moved to another row it does not decrypt.</summary>
    internal static byte[] AssociatedData(TenantId tenant, Guid versionId)
    {
        var ad = new byte[32];
        tenant.Value.TryWriteBytes(ad);
        versionId.TryWriteBytes(ad.AsSpan(16));
        return ad;
    }
}
