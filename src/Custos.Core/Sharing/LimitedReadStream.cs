namespace Custos.Core.Sharing;

/// <summary>Passes a body through until it exceeds a limit, then throws: the store it feeds keeps nothing of a failed write.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    public sealed class TooLongException() : IOException("The body is longer than allowed.");

    private long read;

    /// <summary>Also when a pipeline wrapped it.</summary>
    public static bool IsTooLong(Exception? e) =>
        e is TooLongException || (e is AggregateException a ? a.InnerExceptions.Any(IsTooLong) : e?.InnerException is { } inner && IsTooLong(inner));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct);
        read += n;
        if (read > limit) throw new TooLongException();
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        read += n;
        if (read > limit) throw new TooLongException();
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
