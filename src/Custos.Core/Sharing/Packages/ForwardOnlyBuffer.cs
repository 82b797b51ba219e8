namespace Custos.Core.Sharing.Packages;

/// <summary>
/// What SharpZipLib writes into: it writes synchronously, but the package's output may be an HTTP response that allows
/// only asynchronous writes, so its bytes collect here and are drained to the output asynchronously after every step.
/// </summary>
/// <remarks>
/// It cannot seek, so SharpZipLib never patches a header it has already written (the output may have sent it) and
/// puts sizes into data descriptors instead. It holds only what one step wrote (one chunk of one file, compressed).
/// </remarks>
internal sealed class ForwardOnlyBuffer : Stream
{
    private readonly MemoryStream pending = new();
    private long written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes written so far: where the next byte lands in the output.</summary>
    public override long Position
    {
        get => written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        pending.Write(buffer);
        written += buffer.Length;
    }

    public override void WriteByte(byte value)
    {
        pending.WriteByte(value);
        written++;
    }

    /// <summary>Writes what has collected to <paramref name="output"/> and forgets it (keeping the buffer's capacity).</summary>
    public async Task DrainToAsync(Stream output, CancellationToken ct)
    {
        if (pending.Length == 0) return;
        await output.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), ct);
        pending.SetLength(0);
    }

    public override void Flush()
    {
        // Nothing to do: the bytes leave through DrainToAsync.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
