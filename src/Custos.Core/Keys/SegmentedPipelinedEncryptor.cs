using System.Buffers;
using System.Security.Cryptography;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using static Custos.Core.Keys.SegmentedStreamFormat;

namespace Custos.Core.Keys;

/// <summary>
/// Writes exactly what <see cref="SegmentedEncryptingStream"/> writes (same header, nonces, tags and final-segment flag,
/// so <see cref="SegmentedDecryptingStream"/> reads it unchanged), but for large input on two cores at once: the input
/// is read in chunks of whole segments; one task hashes the plaintext (SHA-256), another seals the segments with
/// AES-GCM and writes them, while the caller reads the next chunk. Input that fits into one chunk (small documents) is
/// done inline, in one write, without any task.
/// </summary>
/// <remarks>
/// Memory is bounded: at most <see cref="Depth"/> chunks wait per stage (about 6 MiB in all at the default segment
/// size), whatever the input's length. Plaintext buffers are zeroed before they go back to the pool. If reading,
/// sealing or writing fails, the others stop, the exception of the stage that failed is thrown, and the output holds
/// no final segment (a reader rejects it as truncated).
/// </remarks>
public static class SegmentedPipelinedEncryptor
{
    /// <summary>Plaintext per chunk (rounded down to whole segments, at least one).</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Chunks that may wait for each stage.</summary>
    public const int Depth = 4;

    /// <summary>
    /// Encrypts all of <paramref name="input"/> into <paramref name="output"/> and returns the SHA-256 and length of
    /// the plaintext. Neither stream is disposed. <paramref name="output"/> is written from another task than the caller's,
    /// one write at a time and in order.
    /// </summary>
    public static async Task<(byte[] Sha256, long Length)> EncryptAsync(Stream input, Stream output, byte[] dataKey, byte[] associatedData,
        int segmentSize = DefaultSegmentSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ValidateKey(dataKey);
        ValidateSegmentSize(segmentSize);
        var header = new byte[HeaderLength];
        CreateHeader(header, segmentSize);
        using var aes = CreateCipher(dataKey, header, associatedData);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunkSize = Math.Max(1, ChunkBytes / segmentSize) * segmentSize;

        var first = ArrayPool<byte>.Shared.Rent(chunkSize);
        int read;
        try
        {
            read = await input.ReadAtLeastAsync(first.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        }
        catch
        {
            ReturnPlaintext(first, chunkSize);
            throw;
        }
        if (read < chunkSize)
        {
            // All of it in one chunk: no stage would overlap with another, so no task is worth its cost.
            var sealer = new Sealer(aes, header, segmentSize, (int)GetCiphertextLength(read, segmentSize));
            try
            {
                hash.AppendData(first, 0, read);
                var length = sealer.Seal(first, read, isFinal: true);
                await output.WriteAsync(sealer.Output.AsMemory(0, length), ct).ConfigureAwait(false);
            }
            finally
            {
                ReturnPlaintext(first, read);
                sealer.Dispose();
            }
            return (hash.GetHashAndReset(), read);
        }
        return await PipelineAsync(input, output, aes, hash, header, segmentSize, chunkSize, new Chunk(first, read), ct).ConfigureAwait(false);
    }

    private static async Task<(byte[] Sha256, long Length)> PipelineAsync(Stream input, Stream output, AesGcm aes, IncrementalHash hash, byte[] header,
        int segmentSize, int chunkSize, Chunk first, CancellationToken ct)
    {
        var options = new BoundedChannelOptions(Depth) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait };
        var toHash = Channel.CreateBounded<Chunk>(options);
        var toSeal = Channel.CreateBounded<Chunk>(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = stop.Token;

        var hasher = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in toHash.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    hash.AppendData(chunk.Buffer, 0, chunk.Count);
                    chunk.Release(chunkSize);
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, CancellationToken.None);
        var sealing = Task.Run(async () =>
        {
            var sealer = new Sealer(aes, header, segmentSize, HeaderLength + chunkSize + (chunkSize / segmentSize + 1) * TagSize);
            try
            {
                await foreach (var chunk in toSeal.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    int length;
                    try
                    {
                        length = sealer.Seal(chunk.Buffer, chunk.Count, chunk.IsFinal);
                    }
                    finally
                    {
                        chunk.Release(chunkSize);
                    }
                    await output.WriteAsync(sealer.Output.AsMemory(0, length), token).ConfigureAwait(false);
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                sealer.Dispose();
            }
        }, CancellationToken.None);

        long total = 0;
        Exception? readFailure = null;
        var pending = first;
        try
        {
            while (true)
            {
                total += pending.Count;
                Chunk? next = null;
                if (pending.Count == chunkSize)
                {
                    // A full chunk is the last one only if nothing follows: read ahead before handing it on.
                    var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
                    int read;
                    try
                    {
                        read = await input.ReadAtLeastAsync(buffer.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, token).ConfigureAwait(false);
                    }
                    catch
                    {
                        // Partly filled, perhaps: all of it is zeroed.
                        ReturnPlaintext(buffer, chunkSize);
                        throw;
                    }
                    if (read > 0) next = new Chunk(buffer, read);
                    else ReturnPlaintext(buffer, 0);
                }
                pending.IsFinal = next is null;
                var handing = pending;
                pending = next!;
                if (!toHash.Writer.TryWrite(handing)) await PostAsync(toHash, handing, token, shares: 2).ConfigureAwait(false);
                if (!toSeal.Writer.TryWrite(handing)) await PostAsync(toSeal, handing, token, shares: 1).ConfigureAwait(false);
                if (next is null) break;
            }
        }
        catch (Exception e)
        {
            readFailure = e;
            await stop.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            // Whatever was not handed on (a chunk read but not posted) goes back now.
            pending?.ReleaseAll(chunkSize);
            toHash.Writer.TryComplete();
            toSeal.Writer.TryComplete();
        }

        Exception? stageFailure = null;
        foreach (var stage in new[] { hasher, sealing })
        {
            try
            {
                await stage.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A stage's own failure outranks the cancellation it caused in the other.
                if (stageFailure is null || (stageFailure is OperationCanceledException && e is not OperationCanceledException)) stageFailure = e;
            }
        }
        // Chunks still queued when a stage stopped: each queue releases its share.
        foreach (var queue in new[] { toHash, toSeal })
            while (queue.Reader.TryRead(out var left)) left.Release(chunkSize);

        if (stageFailure is not null and not OperationCanceledException) ExceptionDispatchInfo.Throw(stageFailure);
        if (readFailure is not null) ExceptionDispatchInfo.Throw(readFailure);
        if (stageFailure is not null) ExceptionDispatchInfo.Throw(stageFailure);
        return (hash.GetHashAndReset(), total);
    }

    /// <summary>Queues <paramref name="chunk"/>; if it cannot be, releases the <paramref name="shares"/> nobody will take any more.</summary>
    private static async ValueTask PostAsync(Channel<Chunk> queue, Chunk chunk, CancellationToken token, int shares)
    {
        try
        {
            await queue.Writer.WriteAsync(chunk, token).ConfigureAwait(false);
        }
        catch
        {
            for (var i = 0; i < shares; i++) chunk.Release(0);
            throw;
        }
    }

    private static void ReturnPlaintext(byte[] buffer, int used)
    {
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, Math.Min(used, buffer.Length)));
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>A chunk of plaintext shared by the two stages; its buffer goes back to the pool when both are done with it.</summary>
    private sealed class Chunk(byte[] buffer, int count)
    {
        private int references = 2;

        public byte[] Buffer { get; } = buffer;
        public int Count { get; } = count;
        public bool IsFinal { get; set; }

        public void Release(int chunkSize)
        {
            if (Interlocked.Decrement(ref references) == 0) ReturnPlaintext(Buffer, Count);
        }

        public void ReleaseAll(int chunkSize)
        {
            if (Interlocked.Exchange(ref references, 0) > 0) ReturnPlaintext(Buffer, Count);
        }
    }

    /// <summary>Seals chunks of whole segments, in order, into one output buffer; the header goes before the first.</summary>
    private sealed class Sealer(AesGcm aes, byte[] header, int segmentSize, int capacity) : IDisposable
    {
        private readonly byte[] nonce = InitialNonce(header);
        private long segmentIndex;
        private bool headerWritten;

        public byte[] Output { get; } = ArrayPool<byte>.Shared.Rent(capacity);

        private static byte[] InitialNonce(byte[] header)
        {
            var nonce = new byte[NonceSize];
            InitializeNonce(header, nonce);
            return nonce;
        }

        /// <summary>Seals <paramref name="count"/> bytes (whole segments, unless final) and returns how many bytes of <see cref="Output"/> to write.</summary>
        public int Seal(byte[] plaintext, int count, bool isFinal)
        {
            var position = 0;
            if (!headerWritten)
            {
                header.CopyTo(Output, 0);
                position = HeaderLength;
                headerWritten = true;
            }
            var offset = 0;
            // An empty stream still has one (empty) final segment; otherwise the last segment may be a full one.
            do
            {
                var length = Math.Min(segmentSize, count - offset);
                var last = isFinal && offset + length == count;
                if (last ? segmentIndex > uint.MaxValue : segmentIndex >= uint.MaxValue)
                    throw new IOException("The encrypted stream exceeds the maximum number of segments.");
                SetSegmentNonce(nonce, (uint)segmentIndex, last);
                var sealedSegment = Output.AsSpan(position, length + TagSize);
                aes.Encrypt(nonce, plaintext.AsSpan(offset, length), sealedSegment[..length], sealedSegment[length..], header);
                segmentIndex++;
                position += length + TagSize;
                offset += length;
            }
            while (offset < count);
            return position;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(Output);
    }
}
