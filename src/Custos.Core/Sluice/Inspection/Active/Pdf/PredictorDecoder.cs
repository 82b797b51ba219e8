namespace Custos.Core.Sluice.Inspection.Active.Pdf;

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
