using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Keys;

/// <summary>
/// Shared layout and helpers of the segmented streaming AEAD used for large content
/// (the construction of AES-GCM-HKDF streaming AEAD, adapted).
/// </summary>
/// <remarks>
/// <para>Header (47 bytes): <c>"CSG1" | segment size (uint32 BE) | salt (32) | nonce prefix (7)</c>.</para>
/// <para>The stream key is HKDF-SHA256(data key, salt, "custos-stream-v1" || associated data), so the
/// associated data binds every segment without being stored. Segment <c>i</c> uses nonce
/// <c>prefix || i (uint32 BE) || last flag</c> and is stored as <c>ciphertext || tag</c>; the flag makes
/// truncation at a segment boundary detectable. Each segment also authenticates the header bytes as
/// GCM associated data: the salt and nonce prefix are already bound through key and nonce, but the
/// segment size would otherwise be malleable for streams shorter than one segment.</para>
/// </remarks>
public static class SegmentedStreamFormat
{
    public const int MagicSize = 4;
    public const int SaltSize = 32;
    public const int NoncePrefixSize = 7;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int KeySize = 32;
    public const int HeaderLength = MagicSize + sizeof(uint) + SaltSize + NoncePrefixSize;

    public const int DefaultSegmentSize = 64 * 1024;
    public const int MinSegmentSize = 4 * 1024;
    public const int MaxSegmentSize = 16 * 1024 * 1024;

    /// <summary>Segment indices are 32-bit; a stream holds at most this many segments.</summary>
    public const long MaxSegmentCount = (long)uint.MaxValue + 1;

    public static ReadOnlySpan<byte> Magic => "CSG1"u8;

    private const int SegmentSizeOffset = MagicSize;
    private const int SaltOffset = SegmentSizeOffset + sizeof(uint);
    private const int NoncePrefixOffset = SaltOffset + SaltSize;
    private const int CopyBufferSegments = 4;
    private const int MaxCopyBufferSize = 1024 * 1024;

    private static ReadOnlySpan<byte> KeyInfoLabel => "custos-stream-v1"u8;

    /// <summary>Size of an encrypted stream holding <paramref name="plaintextLength"/> bytes.</summary>
    public static long GetCiphertextLength(long plaintextLength, int segmentSize = DefaultSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ValidateSegmentSize(segmentSize);
        long segments = plaintextLength / segmentSize + 1;
        if (plaintextLength > 0 && plaintextLength % segmentSize == 0)
        {
            segments--;
        }

        return HeaderLength + plaintextLength + segments * TagSize;
    }

    /// <summary>
    /// Encrypts all of <paramref name="input"/> into <paramref name="output"/> and returns the SHA-256 and
    /// length of the plaintext. Neither stream is disposed.
    /// </summary>
    public static async Task<(byte[] Sha256, long Length)> EncryptAsync(
        Stream input,
        Stream output,
        byte[] dataKey,
        byte[] associatedData,
        int segmentSize = DefaultSegmentSize,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var encryptor = new SegmentedEncryptingStream(output, dataKey, associatedData, segmentSize, leaveOpen: true);
        // Reading several whole segments per call lets the encryptor seal most segments straight from
        // this buffer instead of copying them into its own segment buffer first; capped because huge
        // segments gain little from it next to the two segment buffers they already need.
        await input.CopyToAsync(encryptor, Math.Min(segmentSize * CopyBufferSegments, MaxCopyBufferSize), ct).ConfigureAwait(false);
        await encryptor.FinishAsync(ct).ConfigureAwait(false);
        return (encryptor.PlaintextSha256, encryptor.PlaintextLength);
    }

    /// <summary>
    /// Decrypts and authenticates all of <paramref name="input"/> into <paramref name="output"/> and returns
    /// the SHA-256 and length of the plaintext. Neither stream is disposed. Plaintext is written as segments
    /// verify, so on failure <paramref name="output"/> may already hold a verified prefix that must be discarded.
    /// </summary>
    public static async Task<(byte[] Sha256, long Length)> DecryptAsync(
        Stream input,
        Stream output,
        byte[] dataKey,
        byte[] associatedData,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var decryptor = new SegmentedDecryptingStream(input, dataKey, associatedData, leaveOpen: true);
        // The segment size is unknown until the header is read; a default-sized buffer takes default segments whole.
        await decryptor.CopyToAsync(output, DefaultSegmentSize * CopyBufferSegments, ct).ConfigureAwait(false);
        return (decryptor.PlaintextSha256, decryptor.PlaintextLength);
    }

    internal static void ValidateSegmentSize(int segmentSize)
    {
        if (segmentSize is < MinSegmentSize or > MaxSegmentSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(segmentSize), segmentSize, $"Segment size must be between {MinSegmentSize} and {MaxSegmentSize} bytes.");
        }
    }

    internal static void ValidateKey(ReadOnlySpan<byte> dataKey)
    {
        if (dataKey.Length != KeySize)
        {
            throw new ArgumentException($"Data key must be {KeySize} bytes.", nameof(dataKey));
        }
    }

    /// <summary>Fills <paramref name="header"/> with a fresh header (random salt and nonce prefix).</summary>
    internal static void CreateHeader(Span<byte> header, int segmentSize)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32BigEndian(header[SegmentSizeOffset..], (uint)segmentSize);
        RandomNumberGenerator.Fill(header.Slice(SaltOffset, SaltSize + NoncePrefixSize));
    }

    /// <summary>Validates a header read from untrusted input and returns its segment size.</summary>
    internal static int ParseHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderLength)
        {
            throw new CryptographicException("Encrypted stream is truncated inside its header.");
        }

        if (!header[..MagicSize].SequenceEqual(Magic))
        {
            throw new CryptographicException("Encrypted stream has an unknown format (bad magic).");
        }

        uint segmentSize = BinaryPrimitives.ReadUInt32BigEndian(header[SegmentSizeOffset..]);
        // Checked before anything is allocated, so a forged header cannot request huge buffers.
        if (segmentSize is < MinSegmentSize or > MaxSegmentSize)
        {
            throw new CryptographicException(
                $"Encrypted stream header declares an invalid segment size ({segmentSize} bytes; allowed {MinSegmentSize}..{MaxSegmentSize}).");
        }

        return (int)segmentSize;
    }

    /// <summary>Derives the per-stream key and creates the cipher for it.</summary>
    internal static AesGcm CreateCipher(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> header, ReadOnlySpan<byte> associatedData)
    {
        Span<byte> streamKey = stackalloc byte[KeySize];
        try
        {
            DeriveStreamKey(dataKey, header.Slice(SaltOffset, SaltSize), associatedData, streamKey);
            return new AesGcm(streamKey, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(streamKey);
        }
    }

    internal static void DeriveStreamKey(
        ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> associatedData, Span<byte> streamKey)
    {
        // The label has a fixed length, so appending the associated data unprefixed stays unambiguous.
        byte[] info = new byte[KeyInfoLabel.Length + associatedData.Length];
        KeyInfoLabel.CopyTo(info);
        associatedData.CopyTo(info.AsSpan(KeyInfoLabel.Length));
        HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, streamKey, salt, info);
    }

    /// <summary>Copies the nonce prefix of <paramref name="header"/> into the first bytes of <paramref name="nonce"/>.</summary>
    internal static void InitializeNonce(ReadOnlySpan<byte> header, Span<byte> nonce) =>
        header.Slice(NoncePrefixOffset, NoncePrefixSize).CopyTo(nonce);

    internal static void SetSegmentNonce(Span<byte> nonce, uint segmentIndex, bool isLast)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NoncePrefixSize, sizeof(uint)), segmentIndex);
        nonce[NonceSize - 1] = isLast ? (byte)1 : (byte)0;
    }
}
