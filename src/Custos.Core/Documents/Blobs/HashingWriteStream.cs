using System.Security.Cryptography;

namespace Custos.Core.Documents.Blobs;

/// <summary>
/// Write-only pass-through that feeds every byte written to <paramref name="inner"/> into <paramref name="hash"/> (when
/// there is one: a content-addressed blob), so a blob's address is known when its last byte is written, without reading
/// the file back; after each write, <paramref name="written"/> hears the total so far (the blob store starts write-back).
/// </summary>
/// <remarks>
/// Neither <paramref name="inner"/> nor <paramref name="hash"/> is owned: disposing this stream only ends writing.
/// Callers wrap it in streams that dispose what they wrap (the segmented encryptor does by default), and the
/// blob must still be committable after that. Any failed write marks the stream faulted, because the file may
/// then hold bytes the hash has not seen (or the reverse) and must never be committed.
/// </remarks>
internal sealed class HashingWriteStream(Stream inner, IncrementalHash? hash, Action<long>? written = null) : Stream
{
    private bool closed;

    public long BytesWritten { get; private set; }

    public bool Faulted { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !closed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
        try
        {
            inner.Write(buffer);
        }
        catch
        {
            Faulted = true;
            throw;
        }
        hash?.AppendData(buffer);
        BytesWritten += buffer.Length;
        written?.Invoke(BytesWritten);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Also on cancellation: a write may have been partly done, so the file no longer matches the hash.
            Faulted = true;
            throw;
        }
        hash?.AppendData(buffer.Span);
        BytesWritten += buffer.Length;
        written?.Invoke(BytesWritten);
    }

    public override void Flush()
    {
        if (!closed) inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        closed ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        closed = true;
        base.Dispose(disposing);
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(closed, this);
        if (Faulted) throw new InvalidOperationException("An earlier write to this blob failed; start a new blob.");
    }
}
