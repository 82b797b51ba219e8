namespace Custos.Core.Sluice.Inspection.Active.Pdf;

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
