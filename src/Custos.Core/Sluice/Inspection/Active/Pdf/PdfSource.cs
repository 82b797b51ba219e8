namespace Custos.Core.Sluice.Inspection.Active.Pdf;

/// <summary>A forward-only window of 64 KiB over the PDF file: what the structure tokenizer and stream readers consume.</summary>
internal sealed class PdfSource(Stream stream)
{
    private readonly byte[] buffer = new byte[64 * 1024];
    private int start, end;

    public bool EndOfFile { get; private set; }

    public ReadOnlySpan<byte> Available => buffer.AsSpan(start, end - start);

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
        var read = stream.Read(buffer, end, buffer.Length - end);
        if (read <= 0) { EndOfFile = true; return false; }
        end += read;
        return true;
    }
}

/// <summary>
/// The raw bytes of one PDF stream: from after the "stream" line to the "endstream" keyword (found by search, since a
/// /Length may lie or be an indirect object). Every byte read also goes to <paramref name="tee"/>, the raw name scan.
/// </summary>
internal sealed class PdfStreamData(PdfSource source, PdfNameScanner tee) : Stream
{
    private static ReadOnlySpan<byte> EndMarker => "endstream"u8;
    private bool done;

    public override int Read(Span<byte> buffer)
    {
        while (!done && !buffer.IsEmpty)
        {
            var available = source.Available;
            var marker = available.IndexOf(EndMarker);
            int take;
            if (marker == 0)
            {
                source.Advance(EndMarker.Length);
                done = true;
                break;
            }
            if (marker > 0) take = Math.Min(marker, buffer.Length);
            else if (source.EndOfFile)
            {
                if (available.IsEmpty) { done = true; break; }
                take = Math.Min(available.Length, buffer.Length);
            }
            else
            {
                // Keep a possible beginning of the marker for the next read.
                take = Math.Min(available.Length - (EndMarker.Length - 1), buffer.Length);
                if (take <= 0) { source.Fill(); continue; }
            }
            available[..take].CopyTo(buffer);
            tee.Feed(available[..take]);
            source.Advance(take);
            return take;
        }
        return 0;
    }

    /// <summary>Reads (and so scans) whatever the decoder left, up to the end marker.</summary>
    public void Drain(CancellationToken ct)
    {
        Span<byte> sink = stackalloc byte[8192];
        while (Read(sink) > 0) ct.ThrowIfCancellationRequested();
        tee.Finish();
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
