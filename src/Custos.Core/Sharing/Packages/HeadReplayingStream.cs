namespace Custos.Core.Sharing.Packages;

/// <summary>
/// A file whose first bytes were already read (to look for the PDF magic), read again from its start: those bytes,
/// then the rest of the file's own stream. Files are opened once, so they cannot be rewound by opening them again.
/// </summary>
internal sealed class HeadReplayingStream(ReadOnlyMemory<byte> head, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> pending = head;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (pending.IsEmpty) return rest.Read(buffer);
        return TakeHead(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (pending.IsEmpty) return rest.ReadAsync(buffer, cancellationToken);
        return ValueTask.FromResult(TakeHead(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int TakeHead(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, pending.Length);
        pending.Span[..n].CopyTo(buffer);
        pending = pending[n..];
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) rest.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await rest.DisposeAsync();
        await base.DisposeAsync();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
