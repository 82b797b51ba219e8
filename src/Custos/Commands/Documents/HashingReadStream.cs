using System.Security.Cryptography;

namespace Custos.Commands.Documents;

/// <summary>
/// Read-only pass-through that hashes (SHA-256) and counts what is read from <paramref name="inner"/> and tells
/// <paramref name="progress"/>: an upload learns its own checksum on the way out, without reading the file twice.
/// </summary>
internal sealed class HashingReadStream(Stream inner, IProgress<long>? progress) : Stream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[]? sha256;

    public long BytesRead { get; private set; }

    /// <summary>
    /// The SHA-256 of everything read: what was sent, together with <see cref="BytesRead"/>. Available once the end was
    /// reached or the stream disposed (an HTTP body of known length, an empty one above all, need not be read to its end).
    /// </summary>
    public byte[] Sha256 => sha256 ?? throw new InvalidOperationException("The stream is still being read.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer) => Account(buffer, inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span, read);
    }

    private int Account(ReadOnlySpan<byte> buffer, int read)
    {
        if (read == 0 && buffer.Length > 0)
        {
            sha256 ??= hash.GetHashAndReset();
            return 0;
        }
        hash.AppendData(buffer[..read]);
        BytesRead += read;
        progress?.Report(BytesRead);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sha256 ??= hash.GetHashAndReset();
            hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
