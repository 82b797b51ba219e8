namespace Custos.Core.Sluice.Inspection;

/// <summary>
/// A read-only, seekable window [offset, offset + length) of a seekable stream. It seeks the underlying stream before
/// every read, so several windows over one stream do not disturb each other as long as they are read one at a time.
/// </summary>
internal sealed class SubStream : Stream
{
    private readonly Stream inner;
    private readonly long offset;
    private readonly long length;
    private long position;

    public SubStream(Stream inner, long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > inner.Length || length > inner.Length - offset)
            throw new InvalidDataException("A region lies outside the file.");
        (this.inner, this.offset, this.length) = (inner, offset, length);
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = length - position;
        if (left <= 0 || buffer.IsEmpty) return 0;
        if (buffer.Length > left) buffer = buffer[..(int)left];
        inner.Position = offset + position;
        var read = inner.Read(buffer);
        position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };
        return position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal static class StreamBytes
{
    /// <summary>Reads up to buffer.Length bytes at <paramref name="offset"/>; returns how many there were.</summary>
    public static int ReadAt(Stream stream, long offset, Span<byte> buffer)
    {
        if (offset >= stream.Length) return 0;
        stream.Position = offset;
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }

    /// <summary>Reads exactly buffer.Length bytes at <paramref name="offset"/> or throws <see cref="InvalidDataException"/>.</summary>
    public static void ReadExactlyAt(Stream stream, long offset, Span<byte> buffer)
    {
        if (offset < 0 || ReadAt(stream, offset, buffer) != buffer.Length)
            throw new InvalidDataException("A structure runs past the end of the file.");
    }
}
