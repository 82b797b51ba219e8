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

/// <summary>ASCIIHexDecode: pairs of hex digits, white space ignored, '>' ends.</summary>
internal sealed class AsciiHexDecoder(Stream input) : ByteDecoder(input)
{
    private bool done;

    protected override int Decode(Span<byte> output)
    {
        var written = 0;
        var high = -1;
        while (written < output.Length && !done)
        {
            var b = NextByte();
            if (b < 0 || b == '>')
            {
                done = true;
                if (high >= 0) output[written++] = (byte)(high << 4);
                break;
            }
            var value = PdfKeywords.HexValue((byte)b);
            if (value < 0)
            {
                if (b is 0 or 9 or 10 or 12 or 13 or 32) continue;
                throw new InvalidDataException("bad ASCIIHex data");
            }
            if (high < 0) { high = value; continue; }
            output[written++] = (byte)((high << 4) | value);
            high = -1;
        }
        return written;
    }
}

/// <summary>ASCII85Decode: groups of five characters '!'..'u' for four bytes, 'z' for four zeros, "~>" ends.</summary>
internal sealed class Ascii85Decoder(Stream input) : ByteDecoder(input)
{
    private readonly byte[] pending = new byte[4];
    private int pendingAt, pendingCount;
    private bool done;

    protected override int Decode(Span<byte> output)
    {
        var written = 0;
        while (written < output.Length)
        {
            if (pendingAt < pendingCount) { output[written++] = pending[pendingAt++]; continue; }
            if (done || !NextGroup()) break;
        }
        return written;
    }

    private bool NextGroup()
    {
        long value = 0;
        var count = 0;
        while (count < 5)
        {
            var b = NextByte();
            if (b < 0 || b == '~') { done = true; break; }
            if (b is 0 or 9 or 10 or 12 or 13 or 32) continue;
            if (b == 'z' && count == 0) { Set(0, 4); return true; }
            if (b is < '!' or > 'u') throw new InvalidDataException("bad ASCII85 data");
            value = value * 85 + (b - '!');
            count++;
        }
        if (count == 0) return false;
        if (count == 1) throw new InvalidDataException("bad ASCII85 final group");
        for (var i = count; i < 5; i++) value = value * 85 + 84;
        if (value > uint.MaxValue) throw new InvalidDataException("bad ASCII85 group");
        Set((uint)value, count - 1);
        return true;
    }

    private void Set(uint value, int count)
    {
        for (var i = 0; i < 4; i++) pending[i] = (byte)(value >> (24 - 8 * i));
        (pendingAt, pendingCount) = (0, count);
    }
}

/// <summary>RunLengthDecode: a length byte, then a literal run (0-127) or one byte repeated (129-255); 128 ends.</summary>
internal sealed class RunLengthDecoder(Stream input) : ByteDecoder(input)
{
    private int literal, repeat, repeated;
    private bool done;

    protected override int Decode(Span<byte> output)
    {
        var written = 0;
        while (written < output.Length)
        {
            if (literal > 0)
            {
                var b = NextByte();
                if (b < 0) { done = true; literal = 0; break; }
                output[written++] = (byte)b;
                literal--;
                continue;
            }
            if (repeat > 0) { output[written++] = (byte)repeated; repeat--; continue; }
            if (done) break;
            var length = NextByte();
            if (length is < 0 or 128) { done = true; break; }
            if (length < 128) { literal = length + 1; continue; }
            var value = NextByte();
            if (value < 0) { done = true; break; }
            (repeat, repeated) = (257 - length, value);
        }
        return written;
    }
}

/// <summary>LZWDecode as PDF uses it: 9 to 12-bit codes, 256 clears, 257 ends, code width grows one code early by default.</summary>
internal sealed class LzwDecoder(Stream input, bool earlyChange) : ByteDecoder(input)
{
    private readonly int[] prefix = new int[4096];
    private readonly byte[] suffix = new byte[4096];
    private readonly byte[] firstByte = new byte[4096];
    private readonly byte[] stack = new byte[4096];
    private int stackCount, nextCode = 258, width = 9, previous = -1;
    private int bitBuffer, bitCount;
    private bool done;

    protected override int Decode(Span<byte> output)
    {
        var written = 0;
        while (written < output.Length)
        {
            if (stackCount > 0) { output[written++] = stack[--stackCount]; continue; }
            if (done) break;
            var code = NextCode();
            if (code is < 0 or 257) { done = true; break; }
            if (code == 256) { (nextCode, width, previous) = (258, 9, -1); continue; }
            Expand(code);
        }
        return written;
    }

    private void Expand(int code)
    {
        int first;
        if (code < nextCode && (code < 256 || code >= 258))
        {
            Push(code);
            first = code < 256 ? code : firstByte[code];
        }
        else if (code == nextCode && previous >= 0)
        {
            // The KwKwK case: the code being defined is the previous string plus its own first byte.
            first = previous < 256 ? previous : firstByte[previous];
            stack[stackCount++] = (byte)first;
            Push(previous);
        }
        else
        {
            throw new InvalidDataException("bad LZW code");
        }
        if (previous >= 0 && nextCode < 4096)
        {
            prefix[nextCode] = previous;
            suffix[nextCode] = (byte)first;
            firstByte[nextCode] = previous < 256 ? (byte)previous : firstByte[previous];
            nextCode++;
        }
        if (nextCode + (earlyChange ? 1 : 0) >= 1 << width && width < 12) width++;
        previous = code;
    }

    private void Push(int code)
    {
        for (var guard = 0; code >= 258; guard++)
        {
            if (guard >= 4096 || stackCount >= stack.Length) throw new InvalidDataException("bad LZW chain");
            stack[stackCount++] = suffix[code];
            code = prefix[code];
        }
        if (stackCount >= stack.Length) throw new InvalidDataException("bad LZW chain");
        stack[stackCount++] = (byte)code;
    }

    private int NextCode()
    {
        while (bitCount < width)
        {
            var b = NextByte();
            if (b < 0) return -1;
            bitBuffer = (bitBuffer << 8) | b;
            bitCount += 8;
        }
        var code = (bitBuffer >> (bitCount - width)) & ((1 << width) - 1);
        bitCount -= width;
        bitBuffer &= (1 << bitCount) - 1;
        return code;
    }
}

/// <summary>
/// Undoes the PNG (10-15) and TIFF (2, 8-bit samples) predictors that FlateDecode and LZWDecode parameters name, row by
/// row; without it an object stream could hide its names behind differences of bytes.
/// </summary>
internal sealed class PredictorDecoder : ByteDecoder
{
    private readonly bool png;
    private readonly int rowBytes, pixelBytes, colors;
    private readonly byte[] row, previousRow;
    private int rowAt, rowEnd;

    private PredictorDecoder(Stream input, bool png, int rowBytes, int pixelBytes, int colors) : base(input)
    {
        (this.png, this.rowBytes, this.pixelBytes, this.colors) = (png, rowBytes, pixelBytes, colors);
        row = new byte[rowBytes];
        previousRow = new byte[rowBytes];
    }

    /// <summary>The decoder for the parameters, or the input itself when there is no (supported) predictor.</summary>
    public static Stream Wrap(Stream input, IReadOnlyDictionary<string, int> parameters)
    {
        var predictor = parameters.GetValueOrDefault("Predictor", 1);
        var columns = parameters.GetValueOrDefault("Columns", 1);
        var colors = parameters.GetValueOrDefault("Colors", 1);
        var bits = parameters.GetValueOrDefault("BitsPerComponent", 8);
        if (predictor < 2 || columns is < 1 or > 1 << 20 || colors is < 1 or > 32 || bits is not (1 or 2 or 4 or 8 or 16)) return input;
        var rowBytes = (int)(((long)columns * colors * bits + 7) / 8);
        if (predictor >= 10) return new PredictorDecoder(input, true, rowBytes, Math.Max(1, colors * bits / 8), colors);
        return predictor == 2 && bits == 8 ? new PredictorDecoder(input, false, rowBytes, colors, colors) : input;
    }

    protected override int Decode(Span<byte> output)
    {
        var written = 0;
        while (written < output.Length)
        {
            if (rowAt == rowEnd && !NextRow()) break;
            var take = Math.Min(rowEnd - rowAt, output.Length - written);
            row.AsSpan(rowAt, take).CopyTo(output[written..]);
            (rowAt, written) = (rowAt + take, written + take);
        }
        return written;
    }

    private bool NextRow()
    {
        var type = 0;
        if (png)
        {
            type = NextByte();
            if (type < 0) return false;
        }
        row.AsSpan().CopyTo(previousRow);
        var length = 0;
        for (; length < rowBytes; length++)
        {
            var b = NextByte();
            if (b < 0) break;
            row[length] = (byte)b;
        }
        if (length == 0) return false;
        for (var i = 0; i < length; i++)
        {
            int left = i >= pixelBytes ? row[i - pixelBytes] : 0, up = previousRow[i], upLeft = i >= pixelBytes ? previousRow[i - pixelBytes] : 0;
            row[i] = png
                ? (byte)(row[i] + type switch
                {
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => 0,
                })
                : (byte)(row[i] + (i >= colors ? row[i - colors] : 0));
        }
        (rowAt, rowEnd) = (0, length);
        return true;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        int toLeft = Math.Abs(estimate - left), toUp = Math.Abs(estimate - up), toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
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
