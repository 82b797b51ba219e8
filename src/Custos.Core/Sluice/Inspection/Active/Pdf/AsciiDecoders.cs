namespace Custos.Core.Sluice.Inspection.Active.Pdf;

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
