namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>
/// Counts the real bytes an entry's decoder produces (never the header's claim) and charges them against the budget
/// as they are read, so that reading stops within one buffer of crossing a limit.
/// </summary>
internal sealed class MeteredStream(Stream decoded, ArchiveBudget budget, RatioScope scope, string path, long compressedSize, bool isExpansion)
    : Stream
{
    private long produced;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = decoded.Read(buffer);
        if (read <= 0) return read;
        produced += read;
        budget.Extracted(read);
        if (isExpansion)
        {
            budget.Expanded(read, path);
            if (compressedSize >= 0) budget.CheckRatio(produced, compressedSize, path);
            scope.Add(read, budget);
        }
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => produced; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) decoded.Dispose();
        base.Dispose(disposing);
    }
}
