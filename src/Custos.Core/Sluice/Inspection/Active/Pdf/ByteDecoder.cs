using System.IO.Compression;

namespace Custos.Core.Sluice.Inspection.Active.Pdf;

/// <summary>A read-only stream that decodes its input byte by byte (the PDF filters that .NET does not have).</summary>
internal abstract class ByteDecoder(Stream input) : Stream
{
    private readonly byte[] inputBuffer = new byte[8192];
    private int inputAt, inputEnd;
    private bool inputDone;

    /// <summary>The next input byte, or -1 at the end.</summary>
    protected int NextByte()
    {
        if (inputAt == inputEnd)
        {
            if (inputDone) return -1;
            inputEnd = input.Read(inputBuffer, 0, inputBuffer.Length);
            inputAt = 0;
            if (inputEnd <= 0) { (inputEnd, inputDone) = (0, true); return -1; }
        }
        return inputBuffer[inputAt++];
    }

    /// <summary>Decodes into <paramref name="output"/>; returns 0 only at the end.</summary>
    protected abstract int Decode(Span<byte> output);

    public override int Read(Span<byte> buffer) => buffer.IsEmpty ? 0 : Decode(buffer);
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A few bytes already read, then the rest of a stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> pending = prefix;

    public override int Read(Span<byte> buffer)
    {
        if (pending.IsEmpty) return rest.Read(buffer);
        var take = Math.Min(pending.Length, buffer.Length);
        pending.Span[..take].CopyTo(buffer);
        pending = pending[take..];
        return take;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>FlateDecode: zlib data, or raw deflate data when the zlib header is missing (readers accept both).</summary>
internal static class FlateDecoder
{
    public static Stream Open(Stream input)
    {
        var header = new byte[2];
        var read = input.ReadAtLeast(header, 2, throwOnEndOfStream: false);
        var rest = new PrefixedStream(header.AsMemory(0, read), input);
        return read == 2 && IsZlibHeader(header[0], header[1])
            ? new ZLibStream(rest, CompressionMode.Decompress)
            : new DeflateStream(rest, CompressionMode.Decompress);
    }

    public static bool IsZlibHeader(byte cmf, byte flg) => (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
}
