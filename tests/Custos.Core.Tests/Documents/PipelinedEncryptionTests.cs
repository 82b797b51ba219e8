using System.Security.Cryptography;
using Custos.Core.Keys;

namespace Custos.Core.Tests.Documents;

/// <summary>
/// The pipelined encryptor that stores document content writes the segmented format exactly as the streaming encryptor
/// does (so every reader, and every blob written before, stays compatible), at every boundary of segments and chunks, and
/// fails cleanly, leaving no stream that could pass for complete.
/// </summary>
public sealed class PipelinedEncryptionTests
{
    private const int Segment = SegmentedStreamFormat.DefaultSegmentSize;
    private const int Chunk = SegmentedPipelinedEncryptor.ChunkBytes;

    public static TheoryData<int> Lengths => new()
    {
        0, 1, Segment - 1, Segment, Segment + 1, Chunk - 1, Chunk, Chunk + 1, 2 * Chunk, 3 * Chunk + Segment + 17,
        (SegmentedPipelinedEncryptor.Depth + 3) * Chunk + 5,
    };

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task EncryptAsync_AnyLength_DecryptsWithTheStreamReaderToTheSameBytesAndChecksum(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        var ad = RandomNumberGenerator.GetBytes(32);
        var output = new MemoryStream();

        // Odd read sizes, as a request body delivers them.
        var (sha, written) = await SegmentedPipelinedEncryptor.EncryptAsync(new TrickleStream(plaintext, 7919), output, key, ad);

        Assert.Equal(length, written);
        Assert.Equal(SHA256.HashData(plaintext), sha);
        Assert.Equal(SegmentedStreamFormat.GetCiphertextLength(length), output.Length);
        output.Position = 0;
        await using var reader = new SegmentedDecryptingStream(output, key, ad);
        var back = new MemoryStream();
        await reader.CopyToAsync(back);
        Assert.Equal(plaintext, back.ToArray());
        Assert.Equal(sha, reader.PlaintextSha256);
    }

    [Fact]
    public async Task EncryptAsync_SameKeyAndInput_SameLayoutAsTheStreamingEncryptor()
    {
        var plaintext = RandomNumberGenerator.GetBytes(2 * Chunk + 3);
        var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        var ad = RandomNumberGenerator.GetBytes(32);
        var pipelined = new MemoryStream();
        var streamed = new MemoryStream();

        await SegmentedPipelinedEncryptor.EncryptAsync(new MemoryStream(plaintext), pipelined, key, ad);
        await SegmentedStreamFormat.EncryptAsync(new MemoryStream(plaintext), streamed, key, ad);

        // Headers differ only in their random salt and nonce prefix; the lengths (segmentation) are the same.
        Assert.Equal(streamed.Length, pipelined.Length);
        Assert.Equal(streamed.ToArray()[..8], pipelined.ToArray()[..8]);
        // And what the streaming decryptor reads back from the streaming encryptor it reads back from this one.
        pipelined.Position = 0;
        var (sha, length) = await SegmentedStreamFormat.DecryptAsync(pipelined, Stream.Null, key, ad);
        Assert.Equal(plaintext.Length, length);
        Assert.Equal(SHA256.HashData(plaintext), sha);
    }

    [Fact]
    public async Task EncryptAsync_InputFailsHalfWay_ThrowsTheInputsErrorAndTheOutputIsNoCompleteStream()
    {
        var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        var ad = new byte[32];
        var output = new MemoryStream();
        var input = new TrickleStream(RandomNumberGenerator.GetBytes(8 * Chunk), 65_536) { FailAfter = 5 * Chunk + 100 };

        var e = await Assert.ThrowsAsync<IOException>(() => SegmentedPipelinedEncryptor.EncryptAsync(input, output, key, ad));
        Assert.Equal("client went away", e.Message);

        output.Position = 0;
        await using var reader = new SegmentedDecryptingStream(output, key, ad);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => reader.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task EncryptAsync_OutputFails_ThrowsTheOutputsErrorNotACancellation()
    {
        var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        var output = new FailingOutput(failAfter: 2 * Chunk);

        var e = await Assert.ThrowsAsync<IOException>(() =>
            SegmentedPipelinedEncryptor.EncryptAsync(new MemoryStream(RandomNumberGenerator.GetBytes(10 * Chunk)), output, key, new byte[32]));
        Assert.Equal("disk full", e.Message);
    }

    [Fact]
    public async Task EncryptAsync_Cancelled_ThrowsOperationCanceled()
    {
        var key = RandomNumberGenerator.GetBytes(SegmentedStreamFormat.KeySize);
        using var cancel = new CancellationTokenSource();
        var input = new TrickleStream(RandomNumberGenerator.GetBytes(8 * Chunk), 65_536) { OnRead = sent => { if (sent > 3 * Chunk) cancel.Cancel(); } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SegmentedPipelinedEncryptor.EncryptAsync(input, new MemoryStream(), key, new byte[32], ct: cancel.Token));
    }

    /// <summary>Hands out at most <paramref name="step"/> bytes per read; optionally fails after some bytes.</summary>
    private sealed class TrickleStream(byte[] data, int step) : Stream
    {
        private int position;

        public int FailAfter { get; init; } = int.MaxValue;
        public Action<int>? OnRead { get; init; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (position >= FailAfter) throw new IOException("client went away");
            var n = Math.Min(Math.Min(step, buffer.Length), Math.Min(data.Length, FailAfter) - position);
            data.AsSpan(position, n).CopyTo(buffer);
            position += n;
            OnRead?.Invoke(position);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

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

    private sealed class FailingOutput(long failAfter) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length + buffer.Length > failAfter) throw new IOException("disk full");
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
