using System.Buffers.Binary;
using System.Security.Cryptography;
using Custos.Core.Keys;

namespace Custos.Core.Tests.Keys;

public sealed class SegmentedStreamTests
{
    private const int SegmentSize = 4096;
    private const int EncryptedSegmentSize = SegmentSize + SegmentedStreamFormat.TagSize;
    private const int HeaderLength = SegmentedStreamFormat.HeaderLength;

    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] AssociatedData = "tenant-1/blob-42/v3"u8.ToArray();

    public static TheoryData<int> Sizes => [0, 1, SegmentSize - 1, SegmentSize, SegmentSize + 1, 3 * SegmentSize, 3 * SegmentSize + 17];

    [Fact]
    public void HeaderLength_Always_Is47()
    {
        Assert.Equal(47, SegmentedStreamFormat.HeaderLength);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void EncryptDecrypt_VariousSizes_RoundTrips(int size)
    {
        byte[] plaintext = Plaintext(size);

        byte[] ciphertext = Encrypt(plaintext);

        Assert.Equal(SegmentedStreamFormat.GetCiphertextLength(size, SegmentSize), ciphertext.Length);
        Assert.Equal(plaintext, Decrypt(ciphertext));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task EncryptAsyncDecryptAsync_VariousSizes_RoundTripsWithHashAndLength(int size)
    {
        byte[] plaintext = Plaintext(size);
        using var ciphertext = new MemoryStream();

        var (encryptHash, encryptLength) = await SegmentedStreamFormat.EncryptAsync(
            new MemoryStream(plaintext), ciphertext, Key, AssociatedData, SegmentSize);
        ciphertext.Position = 0;
        using var decrypted = new MemoryStream();
        var (decryptHash, decryptLength) = await SegmentedStreamFormat.DecryptAsync(ciphertext, decrypted, Key, AssociatedData);

        Assert.Equal(plaintext, decrypted.ToArray());
        Assert.Equal(SHA256.HashData(plaintext), encryptHash);
        Assert.Equal(SHA256.HashData(plaintext), decryptHash);
        Assert.Equal(size, encryptLength);
        Assert.Equal(size, decryptLength);
    }

    [Fact]
    public void EncryptDecrypt_DefaultSegmentSizeAboutOneMebibyte_RoundTrips()
    {
        byte[] plaintext = Plaintext(1024 * 1024 + 123);
        using var output = new MemoryStream();
        using (var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, leaveOpen: true))
        {
            encryptor.Write(plaintext);
            encryptor.Finish();
        }

        byte[] ciphertext = output.ToArray();

        Assert.Equal((uint)SegmentedStreamFormat.DefaultSegmentSize, BinaryPrimitives.ReadUInt32BigEndian(ciphertext.AsSpan(4)));
        Assert.Equal(SegmentedStreamFormat.GetCiphertextLength(plaintext.Length), ciphertext.Length);
        Assert.Equal(plaintext, Decrypt(ciphertext));
    }

    [Theory]
    [InlineData(SegmentedStreamFormat.MinSegmentSize)]
    [InlineData(SegmentedStreamFormat.MaxSegmentSize)]
    public async Task EncryptAsyncDecryptAsync_SegmentSizeLimits_RoundTrips(int segmentSize)
    {
        byte[] plaintext = Plaintext(segmentSize + 1);
        using var ciphertext = new MemoryStream();

        await SegmentedStreamFormat.EncryptAsync(new MemoryStream(plaintext), ciphertext, Key, AssociatedData, segmentSize);
        using var decrypted = new MemoryStream();
        await SegmentedStreamFormat.DecryptAsync(new MemoryStream(ciphertext.ToArray()), decrypted, Key, AssociatedData);

        Assert.Equal(SegmentedStreamFormat.GetCiphertextLength(plaintext.Length, segmentSize), ciphertext.Length);
        Assert.Equal(plaintext, decrypted.ToArray());
    }

    [Fact]
    public void PlaintextLength_DecryptorPartiallyRead_CountsBytesReturned()
    {
        byte[] ciphertext = Encrypt(Plaintext(2 * SegmentSize));
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(ciphertext), Key, AssociatedData);

        decryptor.ReadExactly(new byte[100]);

        Assert.Equal(100, decryptor.PlaintextLength);
    }

    [Fact]
    public void Encrypt_EmptyStream_IsHeaderPlusOneEmptySegment()
    {
        byte[] ciphertext = Encrypt([]);

        Assert.Equal(HeaderLength + SegmentedStreamFormat.TagSize, ciphertext.Length);
        Assert.Equal("CSG1"u8.ToArray(), ciphertext[..4]);
        Assert.Empty(Decrypt(ciphertext));
    }

    [Fact]
    public void Write_ManySmallOddSizedWrites_EqualsOneBigWrite()
    {
        byte[] plaintext = Plaintext(5 * SegmentSize + 333);
        byte[] oneWrite = Encrypt(plaintext);

        using var output = new MemoryStream();
        using (var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true))
        {
            foreach (var chunk in OddChunks(plaintext))
            {
                encryptor.Write(chunk.Span);
            }

            encryptor.Finish();
            Assert.Equal(SHA256.HashData(plaintext), encryptor.PlaintextSha256);
        }

        byte[] manyWrites = output.ToArray();

        Assert.Equal(oneWrite.Length, manyWrites.Length);
        Assert.Equal(plaintext, Decrypt(manyWrites));
        Assert.Equal(Decrypt(oneWrite), Decrypt(manyWrites));
    }

    [Fact]
    public async Task WriteAsync_ManySmallOddSizedWrites_EqualsOneBigWrite()
    {
        byte[] plaintext = Plaintext(5 * SegmentSize + 333);
        byte[] oneWrite = Encrypt(plaintext);

        using var output = new MemoryStream();
        await using (var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true))
        {
            foreach (var chunk in OddChunks(plaintext))
            {
                await encryptor.WriteAsync(chunk);
            }

            await encryptor.FinishAsync();
        }

        byte[] manyWrites = output.ToArray();

        Assert.Equal(oneWrite.Length, manyWrites.Length);
        Assert.Equal(plaintext, Decrypt(manyWrites));
    }

    [Fact]
    public void WriteByte_ByteByByte_RoundTrips()
    {
        byte[] plaintext = Plaintext(SegmentSize + 5);
        using var output = new MemoryStream();
        using (var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true))
        {
            foreach (byte b in plaintext)
            {
                encryptor.WriteByte(b);
            }

            encryptor.Finish();
        }

        Assert.Equal(plaintext, Decrypt(output.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void PlaintextSha256_BothSides_EqualsSha256OfPlaintext(int size)
    {
        byte[] plaintext = Plaintext(size);
        using var output = new MemoryStream();
        using var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true);
        encryptor.Write(plaintext);
        encryptor.Finish();

        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(output.ToArray()), Key, AssociatedData);
        decryptor.CopyTo(Stream.Null);

        Assert.Equal(SHA256.HashData(plaintext), encryptor.PlaintextSha256);
        Assert.Equal(SHA256.HashData(plaintext), decryptor.PlaintextSha256);
        Assert.Equal(size, encryptor.PlaintextLength);
        Assert.Equal(size, decryptor.PlaintextLength);
    }

    [Fact]
    public void PlaintextSha256_EncryptorNotFinished_Throws()
    {
        using var encryptor = new SegmentedEncryptingStream(new MemoryStream(), Key, AssociatedData, SegmentSize);
        encryptor.Write("abc"u8);

        Assert.Throws<InvalidOperationException>(() => encryptor.PlaintextSha256);
        Assert.Equal(3, encryptor.PlaintextLength);
    }

    [Fact]
    public void PlaintextSha256_DecryptorNotAtEnd_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(2 * SegmentSize));
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(ciphertext), Key, AssociatedData);
        decryptor.ReadExactly(new byte[SegmentSize]);

        Assert.Throws<InvalidOperationException>(() => decryptor.PlaintextSha256);
    }

    [Fact]
    public void Decrypt_TruncatedAtSegmentBoundary_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(3 * SegmentSize + 17));

        AssertDecryptFails(ciphertext[..(HeaderLength + EncryptedSegmentSize)]);
        AssertDecryptFails(ciphertext[..(HeaderLength + 2 * EncryptedSegmentSize)]);
    }

    [Theory]
    [InlineData(HeaderLength + 100)]
    [InlineData(HeaderLength + EncryptedSegmentSize + 1)]
    [InlineData(HeaderLength + EncryptedSegmentSize - 1)]
    [InlineData(HeaderLength + 3 * EncryptedSegmentSize + 5)]
    public void Decrypt_TruncatedMidSegment_Throws(int length)
    {
        byte[] ciphertext = Encrypt(Plaintext(3 * SegmentSize + 17));

        AssertDecryptFails(ciphertext[..length]);
        AssertDecryptFails(ciphertext[..^1]);
    }

    [Fact]
    public void Decrypt_FinalSegmentRemovedEntirely_Throws()
    {
        byte[] partialFinal = Encrypt(Plaintext(3 * SegmentSize + 17));
        byte[] fullFinal = Encrypt(Plaintext(3 * SegmentSize));

        AssertDecryptFails(partialFinal[..(HeaderLength + 3 * EncryptedSegmentSize)]);
        AssertDecryptFails(fullFinal[..(HeaderLength + 2 * EncryptedSegmentSize)]);
    }

    [Fact]
    public void Decrypt_AnyTruncation_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(SegmentSize + 10));

        for (int length = 0; length < ciphertext.Length; length++)
        {
            AssertDecryptFails(ciphertext[..length]);
        }
    }

    [Fact]
    public void Decrypt_TrailingBytes_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(SegmentSize + 10));

        AssertDecryptFails([.. ciphertext, 0]);
    }

    [Fact]
    public void Decrypt_EmptyInput_Throws()
    {
        var ex = AssertDecryptFails([]);
        Assert.Contains("empty", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decrypt_EndsMidHeader_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(10));

        var ex = AssertDecryptFails(ciphertext[..(HeaderLength - 1)]);
        Assert.Contains("header", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decrypt_EndsRightAfterHeader_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(10));

        var ex = AssertDecryptFails(ciphertext[..HeaderLength]);
        Assert.Contains("after its header", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decrypt_TwoSegmentsSwapped_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(3 * SegmentSize + 17));
        byte[] swapped = (byte[])ciphertext.Clone();
        ciphertext.AsSpan(HeaderLength, EncryptedSegmentSize).CopyTo(swapped.AsSpan(HeaderLength + EncryptedSegmentSize));
        ciphertext.AsSpan(HeaderLength + EncryptedSegmentSize, EncryptedSegmentSize).CopyTo(swapped.AsSpan(HeaderLength));

        var ex = AssertDecryptFails(swapped);
        Assert.Contains("segment 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_SegmentFromAnotherStream_Throws()
    {
        byte[] plaintext = Plaintext(3 * SegmentSize + 17);
        byte[] first = Encrypt(plaintext);
        byte[] second = Encrypt(plaintext);
        second.AsSpan(HeaderLength + EncryptedSegmentSize, EncryptedSegmentSize).CopyTo(first.AsSpan(HeaderLength + EncryptedSegmentSize));

        var ex = AssertDecryptFails(first);
        Assert.Contains("segment 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_AnyHeaderBitFlipped_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(100));

        for (int i = 0; i < HeaderLength; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] tampered = (byte[])ciphertext.Clone();
                tampered[i] ^= (byte)(1 << bit);
                AssertDecryptFails(tampered);
            }
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, SegmentSize - 1)]
    [InlineData(1, 1234)]
    [InlineData(3, 16)]
    public void Decrypt_SegmentBodyBitFlipped_Throws(int segment, int offsetInSegment)
    {
        byte[] ciphertext = Encrypt(Plaintext(3 * SegmentSize + 17));
        ciphertext[HeaderLength + segment * EncryptedSegmentSize + offsetInSegment] ^= 0x10;

        var ex = AssertDecryptFails(ciphertext);
        Assert.Contains($"segment {segment}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void Decrypt_TagBitFlipped_Throws(int segment)
    {
        byte[] ciphertext = Encrypt(Plaintext(3 * SegmentSize + 17));
        int segmentEnd = Math.Min(HeaderLength + (segment + 1) * EncryptedSegmentSize, ciphertext.Length);
        ciphertext[segmentEnd - 1] ^= 0x01;

        AssertDecryptFails(ciphertext);
    }

    [Fact]
    public void Decrypt_WrongKey_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(2 * SegmentSize));

        AssertDecryptFails(ciphertext, key: RandomNumberGenerator.GetBytes(32));
    }

    [Fact]
    public void Decrypt_OtherAssociatedData_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(2 * SegmentSize));

        AssertDecryptFails(ciphertext, associatedData: "tenant-1/blob-42/v4"u8.ToArray());
        AssertDecryptFails(ciphertext, associatedData: []);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(SegmentSize)]
    [InlineData(2 * SegmentSize)]
    [InlineData(3 * SegmentSize + 17)]
    public void Dispose_WithoutFinish_LeavesStreamThatFailsToDecrypt(int size)
    {
        byte[] plaintext = Plaintext(size);
        using var output = new MemoryStream();
        using (var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true))
        {
            encryptor.Write(plaintext);
        }

        AssertDecryptFails(output.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2 * SegmentSize)]
    [InlineData(3 * SegmentSize + 17)]
    public async Task DisposeAsync_WithoutFinish_LeavesStreamThatFailsToDecrypt(int size)
    {
        byte[] plaintext = Plaintext(size);
        using var output = new MemoryStream();
        await using (var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true))
        {
            await encryptor.WriteAsync(plaintext);
        }

        AssertDecryptFails(output.ToArray());
    }

    [Theory]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x80000000u)]
    [InlineData((uint)SegmentedStreamFormat.MaxSegmentSize + 1)]
    [InlineData((uint)SegmentedStreamFormat.MinSegmentSize - 1)]
    [InlineData(0u)]
    public void Decrypt_ForgedSegmentSize_ThrowsWithoutLargeAllocation(uint forgedSize)
    {
        byte[] ciphertext = Encrypt(Plaintext(100));
        BinaryPrimitives.WriteUInt32BigEndian(ciphertext.AsSpan(4), forgedSize);
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(ciphertext), Key, AssociatedData);
        byte[] destination = new byte[256];

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.ThrowsAny<CryptographicException>(() => decryptor.Read(destination));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("segment size", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1024 * 1024, $"Allocated {allocated} bytes while rejecting the header.");
    }

    [Fact]
    public void Decrypt_BadMagic_Throws()
    {
        byte[] ciphertext = Encrypt(Plaintext(100));
        ciphertext[3] = (byte)'2';

        var ex = AssertDecryptFails(ciphertext);
        Assert.Contains("magic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SevenBytesAtATime_RoundTrips()
    {
        byte[] plaintext = Plaintext(3 * SegmentSize + 17);
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(Encrypt(plaintext)), Key, AssociatedData);
        using var result = new MemoryStream();
        byte[] small = new byte[7];

        int read;
        while ((read = decryptor.Read(small, 0, small.Length)) > 0)
        {
            result.Write(small, 0, read);
        }

        Assert.Equal(plaintext, result.ToArray());
        Assert.Equal(SHA256.HashData(plaintext), decryptor.PlaintextSha256);
    }

    [Fact]
    public async Task ReadAsync_SevenBytesAtATime_RoundTrips()
    {
        byte[] plaintext = Plaintext(3 * SegmentSize + 17);
        await using var decryptor = new SegmentedDecryptingStream(new MemoryStream(Encrypt(plaintext)), Key, AssociatedData);
        using var result = new MemoryStream();
        byte[] small = new byte[7];

        int read;
        while ((read = await decryptor.ReadAsync(small.AsMemory())) > 0)
        {
            result.Write(small, 0, read);
        }

        Assert.Equal(plaintext, result.ToArray());
        Assert.Equal(SHA256.HashData(plaintext), decryptor.PlaintextSha256);
    }

    [Fact]
    public void ReadByte_ByteByByte_RoundTrips()
    {
        byte[] plaintext = Plaintext(SegmentSize + 3);
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(Encrypt(plaintext)), Key, AssociatedData);
        var result = new List<byte>();

        int value;
        while ((value = decryptor.ReadByte()) >= 0)
        {
            result.Add((byte)value);
        }

        Assert.Equal(plaintext, result.ToArray());
    }

    [Fact]
    public async Task Read_InputReturningFewBytesPerRead_RoundTrips()
    {
        byte[] plaintext = Plaintext(3 * SegmentSize + 17);
        byte[] ciphertext = Encrypt(plaintext);

        using var syncDecryptor = new SegmentedDecryptingStream(new TrickleReadStream(ciphertext, 5), Key, AssociatedData);
        using var syncResult = new MemoryStream();
        syncDecryptor.CopyTo(syncResult);

        using var asyncResult = new MemoryStream();
        await SegmentedStreamFormat.DecryptAsync(new TrickleReadStream(ciphertext, 1000), asyncResult, Key, AssociatedData);

        Assert.Equal(plaintext, syncResult.ToArray());
        Assert.Equal(plaintext, asyncResult.ToArray());
    }

    [Fact]
    public void Read_AfterFailure_KeepsFailing()
    {
        byte[] ciphertext = Encrypt(Plaintext(2 * SegmentSize + 1));
        ciphertext[HeaderLength + 5] ^= 1;
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(ciphertext), Key, AssociatedData);

        Assert.ThrowsAny<CryptographicException>(() => decryptor.Read(new byte[10]));
        Assert.Throws<InvalidOperationException>(() => decryptor.Read(new byte[10]));
    }

    [Fact]
    public void Finish_CalledTwice_WritesFinalSegmentOnce()
    {
        using var output = new MemoryStream();
        using var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true);
        encryptor.Write("abc"u8);
        encryptor.Finish();
        long length = output.Length;

        encryptor.Finish();

        Assert.Equal(length, output.Length);
        Assert.False(encryptor.CanWrite);
    }

    [Fact]
    public void Write_AfterFinish_Throws()
    {
        using var encryptor = new SegmentedEncryptingStream(new MemoryStream(), Key, AssociatedData, SegmentSize);
        encryptor.Finish();

        Assert.Throws<InvalidOperationException>(() => encryptor.Write("abc"u8));
    }

    [Fact]
    public void Write_AfterDispose_Throws()
    {
        var encryptor = new SegmentedEncryptingStream(new MemoryStream(), Key, AssociatedData, SegmentSize);
        encryptor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => encryptor.Write("abc"u8));
    }

    [Fact]
    public void Write_OutputFails_LeavesEncryptorUnusable()
    {
        using var encryptor = new SegmentedEncryptingStream(new FailingWriteStream(), Key, AssociatedData, SegmentSize);

        Assert.Throws<IOException>(() => encryptor.Write("abc"u8));
        Assert.Throws<InvalidOperationException>(() => encryptor.Finish());
    }

    [Theory]
    [InlineData(SegmentedStreamFormat.MinSegmentSize - 1)]
    [InlineData(SegmentedStreamFormat.MaxSegmentSize + 1)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_SegmentSizeOutOfRange_Throws(int segmentSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new SegmentedEncryptingStream(new MemoryStream(), Key, AssociatedData, segmentSize));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(64)]
    public void Constructor_KeyNot32Bytes_Throws(int keyLength)
    {
        byte[] key = new byte[keyLength];

        Assert.Throws<ArgumentException>(() => new SegmentedEncryptingStream(new MemoryStream(), key, AssociatedData));
        Assert.Throws<ArgumentException>(() => new SegmentedDecryptingStream(new MemoryStream(), key, AssociatedData));
    }

    [Fact]
    public void Dispose_LeaveOpen_ControlsInnerStreamLifetime()
    {
        var kept = new MemoryStream();
        var closed = new MemoryStream();
        using (var encryptor = new SegmentedEncryptingStream(kept, Key, AssociatedData, leaveOpen: true))
        {
            encryptor.Finish();
        }

        using (var encryptor = new SegmentedEncryptingStream(closed, Key, AssociatedData))
        {
            encryptor.Finish();
        }

        Assert.True(kept.CanWrite);
        Assert.False(closed.CanWrite);

        var keptInput = new MemoryStream(kept.ToArray());
        var closedInput = new MemoryStream(kept.ToArray());
        using (var decryptor = new SegmentedDecryptingStream(keptInput, Key, AssociatedData, leaveOpen: true))
        {
            decryptor.CopyTo(Stream.Null);
        }

        using (var decryptor = new SegmentedDecryptingStream(closedInput, Key, AssociatedData))
        {
            decryptor.CopyTo(Stream.Null);
        }

        Assert.True(keptInput.CanRead);
        Assert.False(closedInput.CanRead);
    }

    [Fact]
    public void Streams_Capabilities_AreOneDirectional()
    {
        using var encryptor = new SegmentedEncryptingStream(new MemoryStream(), Key, AssociatedData);
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(), Key, AssociatedData);

        Assert.True(encryptor.CanWrite);
        Assert.False(encryptor.CanRead);
        Assert.False(encryptor.CanSeek);
        Assert.True(decryptor.CanRead);
        Assert.False(decryptor.CanWrite);
        Assert.False(decryptor.CanSeek);
        Assert.Throws<NotSupportedException>(() => encryptor.Read(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => decryptor.Write(new byte[1], 0, 1));
    }

    private static byte[] Plaintext(int size)
    {
        byte[] data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    private static IEnumerable<ReadOnlyMemory<byte>> OddChunks(byte[] data)
    {
        int[] sizes = [1, 3, 7, 13, 4099, 2, 511, 8209, 29];
        int offset = 0;
        for (int i = 0; offset < data.Length; i++)
        {
            int count = Math.Min(sizes[i % sizes.Length], data.Length - offset);
            yield return data.AsMemory(offset, count);
            offset += count;
        }
    }

    private static byte[] Encrypt(byte[] plaintext)
    {
        using var output = new MemoryStream();
        using (var encryptor = new SegmentedEncryptingStream(output, Key, AssociatedData, SegmentSize, leaveOpen: true))
        {
            encryptor.Write(plaintext);
            encryptor.Finish();
        }

        return output.ToArray();
    }

    private static byte[] Decrypt(byte[] ciphertext, byte[]? key = null, byte[]? associatedData = null)
    {
        using var decryptor = new SegmentedDecryptingStream(new MemoryStream(ciphertext), key ?? Key, associatedData ?? AssociatedData);
        using var output = new MemoryStream();
        decryptor.CopyTo(output);
        return output.ToArray();
    }

    private static CryptographicException AssertDecryptFails(byte[] ciphertext, byte[]? key = null, byte[]? associatedData = null) =>
        Assert.ThrowsAny<CryptographicException>(() => Decrypt(ciphertext, key, associatedData));

    private sealed class FailingWriteStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("disk full");
    }
}
