namespace Custos.Core.Sluice.Inspection.Active.Pdf;

/// <summary>
/// A forward-only window of 64 KiB over the PDF file, at a known offset. It seeks before every read, so that decoding
/// a stream from its own view of the file in between does not disturb it.
/// </summary>
internal sealed class PdfSource(Stream stream)
{
    private readonly byte[] buffer = new byte[64 * 1024];
    private int start, end;
    private long next;

    public bool EndOfFile { get; private set; }

    public ReadOnlySpan<byte> Available => buffer.AsSpan(start, end - start);

    /// <summary>The file offset of the first available byte.</summary>
    public long Offset => next - (end - start);

    public void Advance(int count) => start += count;

    /// <summary>Moves what is left to the front and reads more; false when the file has no more bytes.</summary>
    public bool Fill()
    {
        if (EndOfFile) return false;
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            (end, start) = (end - start, 0);
        }
        stream.Position = next;
        var read = stream.Read(buffer, end, buffer.Length - end);
        if (read <= 0) { EndOfFile = true; return false; }
        end += read;
        next += read;
        return true;
    }
}

/// <summary>
/// Passes over the raw bytes of one PDF stream, from after its "stream" line to the "endstream" keyword (found by
/// search: a /Length may lie or be an indirect object), scanning them for names. It also notes every further
/// "stream" line inside: a string in a dictionary can fake a stream start and swallow the real one that follows,
/// so each such place gets a decode attempt of its own.
/// </summary>
internal static class PdfStreamSkipper
{
    private static ReadOnlySpan<byte> EndMarker => "endstream"u8;
    private static ReadOnlySpan<byte> StartMarker => "stream"u8;
    private const int MaxInnerStarts = 1000;

    /// <summary>Returns the file offset where the stream's data ends.</summary>
    public static long Skip(PdfSource source, PdfNameScanner raw, List<long> innerStarts, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var available = source.Available;
            var end = available.IndexOf(EndMarker);
            // Keep a tail back when no end is in sight, so that markers across windows are found in the next one.
            var limit = end >= 0 ? end : source.EndOfFile ? available.Length : Math.Max(0, available.Length - 16);
            var region = available[..limit];
            FindInnerStarts(region, available, source.Offset, innerStarts);
            raw.Feed(region);
            if (end >= 0)
            {
                var endOffset = source.Offset + end;
                source.Advance(end + EndMarker.Length);
                raw.Finish();
                return endOffset;
            }
            source.Advance(limit);
            if (!source.Fill() && source.Available.IsEmpty)
            {
                raw.Finish();
                return source.Offset;
            }
        }
    }

    private static void FindInnerStarts(ReadOnlySpan<byte> region, ReadOnlySpan<byte> available, long offset, List<long> starts)
    {
        var from = 0;
        int hit;
        while (starts.Count < MaxInnerStarts && (hit = region[from..].IndexOf(StartMarker)) >= 0)
        {
            var after = from + hit + StartMarker.Length;
            from = after;
            if (after >= available.Length || available[after] is not ((byte)'\r' or (byte)'\n')) continue;
            var crlf = available[after] == '\r' && after + 1 < available.Length && available[after + 1] == '\n';
            starts.Add(offset + after + (crlf ? 2 : 1));
        }
    }
}
