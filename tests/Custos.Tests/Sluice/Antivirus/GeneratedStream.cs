namespace Custos.Tests.Sluice.Antivirus;

/// <summary>
/// A read-only, non-seekable stream of pseudo-random bytes made as it is read, so tests can send files of any size
/// without holding them. Optionally slow (a pause before each read) and observed (a callback with the bytes read so far),
/// which lets a test act at a chosen point of a transfer.
/// </summary>
internal sealed class GeneratedStream(long length, TimeSpan pause = default, Action<long>? afterRead = null) : Stream
{
    // Reads never return more than this, like a network or decrypting stream.
    private const int MaxRead = 64 * 1024;

    private readonly Random random = new(7);
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (pause > TimeSpan.Zero) Thread.Sleep(pause);
        return Produce(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (pause > TimeSpan.Zero) await Task.Delay(pause, ct);
        ct.ThrowIfCancellationRequested();
        return Produce(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    private int Produce(Span<byte> buffer)
    {
        var count = (int)Math.Min(Math.Min(buffer.Length, MaxRead), length - position);
        random.NextBytes(buffer[..count]);
        position += count;
        afterRead?.Invoke(position);
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
