namespace Custos.Core.Documents.Blobs;

/// <summary>
/// Storage for encrypted document content. A blob is ciphertext under an address of 64 lowercase hex characters: either
/// the SHA-256 of its bytes (<see cref="CreateAsync"/>: equal content is stored once and a blob can be checked against its
/// name), or a fresh random one (<see cref="CreateUniqueAsync"/>: for content that can never repeat, such as document
/// versions, each encrypted under a random key of its own, where hashing the ciphertext would cost a pass over every
/// byte for nothing; their integrity is checked by the authenticated encryption and the plaintext checksum instead).
/// </summary>
/// <remarks>
/// The store knows nothing about references: which blobs are still used, and when an unused one may be
/// deleted, is decided by the documents that point at them.
/// </remarks>
public interface IBlobStore
{
    /// <summary>Starts a new blob in a temporary file; nothing is visible under an address until <see cref="IBlobWriter.CommitAsync"/>.</summary>
    Task<IBlobWriter> CreateAsync(CancellationToken ct = default);

    /// <summary>
    /// Starts a new blob that is committed under a fresh random address (never an existing one), without hashing what is
    /// written; otherwise as <see cref="CreateAsync"/>.
    /// </summary>
    Task<IBlobWriter> CreateUniqueAsync(CancellationToken ct = default);

    /// <summary>The blob's bytes, or null when no blob has that address.</summary>
    /// <exception cref="ArgumentException">The address is not 64 lowercase hex characters.</exception>
    Task<Stream?> OpenReadAsync(string address, CancellationToken ct = default);

    /// <exception cref="ArgumentException">The address is not 64 lowercase hex characters.</exception>
    Task<bool> ExistsAsync(string address, CancellationToken ct = default);

    /// <summary>Removes the blob; false when it was not there.</summary>
    /// <exception cref="ArgumentException">The address is not 64 lowercase hex characters.</exception>
    Task<bool> DeleteAsync(string address, CancellationToken ct = default);

    /// <summary>Every committed blob's address and length (for scrub and orphan clean-up), streamed.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken ct = default);

    /// <summary>
    /// Deletes temporary files older than <paramref name="olderThan"/> left by writers that never committed
    /// (a killed process); returns how many.
    /// </summary>
    /// <remarks>
    /// Age is the time since the file was last written, so <paramref name="olderThan"/> must be longer than
    /// any upload may sit idle: a live writer whose temporary file is removed fails on commit.
    /// </remarks>
    Task<int> RemoveAbandonedAsync(TimeSpan olderThan, CancellationToken ct = default);
}

/// <summary>One blob being written. Disposing it without <see cref="CommitAsync"/> deletes the temporary file.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    /// <summary>
    /// Write the ciphertext here (sequentially); the writer hashes what passes through. Disposing this stream
    /// (as a wrapping stream does) only ends writing: the blob is kept for <see cref="CommitAsync"/>.
    /// </summary>
    Stream Stream { get; }

    /// <summary>
    /// Flushes, fsyncs, and moves the file to its address (fsyncing the directory where the platform allows it); for a
    /// content-addressed blob idempotent if the same content already exists. Returns address and length.
    /// </summary>
    /// <exception cref="InvalidOperationException">A write to <see cref="Stream"/> failed, so the content is unknown.</exception>
    Task<BlobInfo> CommitAsync(CancellationToken ct = default);
}

/// <param name="Address">64 lowercase hex characters: the SHA-256 of the blob's bytes, or random (<see cref="IBlobStore.CreateUniqueAsync"/>).</param>
/// <param name="Length">The blob's length in bytes.</param>
public sealed record BlobInfo(string Address, long Length);
