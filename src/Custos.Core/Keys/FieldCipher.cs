using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Keys;

/// <summary>
/// AES-256-GCM encryption of small secret fields, bound to the <see cref="FieldContext"/> they are stored in.
/// </summary>
/// <remarks>
/// Layout: <c>[format 0x01][data key version, int32 BE][nonce, 12][tag, 16][ciphertext]</c>.
/// The context is not stored; it is authenticated as associated data, so decrypting with any other
/// tenant, row, field or row version fails instead of yielding a value that belongs elsewhere.
/// </remarks>
public static class FieldCipher
{
    public const byte FormatVersion = 0x01;
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    /// <summary>Bytes added to the plaintext length by <see cref="Encrypt"/>.</summary>
    public const int Overhead = VersionSize + 1 + NonceSize + TagSize;

    private const int VersionSize = sizeof(int);
    private const int VersionOffset = 1;
    private const int NonceOffset = VersionOffset + VersionSize;
    private const int TagOffset = NonceOffset + NonceSize;
    private const int StackAssociatedDataLimit = 512;

    private static ReadOnlySpan<byte> Label => "custos-field-v1"u8;

    // Strict so that two different malformed strings (lone surrogates) cannot collapse into the
    // same replacement-character bytes and thereby share one associated data.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encrypt(ReadOnlySpan<byte> dataKey, int dataKeyVersion, in FieldContext context, ReadOnlySpan<byte> plaintext)
    {
        RequireKey(dataKey);
        ArgumentOutOfRangeException.ThrowIfNegative(dataKeyVersion);
        if (plaintext.Length > Array.MaxLength - Overhead)
        {
            throw new ArgumentException("Plaintext is too large for a field.", nameof(plaintext));
        }

        var output = new byte[Overhead + plaintext.Length];
        output[0] = FormatVersion;
        BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(VersionOffset, VersionSize), dataKeyVersion);
        Span<byte> nonce = output.AsSpan(NonceOffset, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        int adLength = GetAssociatedDataLength(context);
        byte[]? rented = null;
        Span<byte> ad = adLength <= StackAssociatedDataLimit
            ? stackalloc byte[StackAssociatedDataLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(adLength));
        try
        {
            ad = ad[..adLength];
            WriteAssociatedData(ad, dataKeyVersion, context);
            using var aes = new AesGcm(dataKey, TagSize);
            aes.Encrypt(nonce, plaintext, output.AsSpan(Overhead), output.AsSpan(TagOffset, TagSize), ad);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return output;
    }

    /// <summary>
    /// Returns the data key version recorded in the header, so the caller can fetch the matching key.
    /// The value is authenticated only once <see cref="Decrypt"/> succeeds.
    /// </summary>
    public static int ReadDataKeyVersion(ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < Overhead)
        {
            throw new CryptographicException("Encrypted field is too short.");
        }

        if (ciphertext[0] != FormatVersion)
        {
            throw new CryptographicException($"Encrypted field has unknown format 0x{ciphertext[0]:x2}.");
        }

        int version = BinaryPrimitives.ReadInt32BigEndian(ciphertext.Slice(VersionOffset, VersionSize));
        if (version < 0)
        {
            throw new CryptographicException("Encrypted field has an invalid data key version.");
        }

        return version;
    }

    public static byte[] Decrypt(ReadOnlySpan<byte> dataKey, in FieldContext context, ReadOnlySpan<byte> ciphertext)
    {
        RequireKey(dataKey);
        int dataKeyVersion = ReadDataKeyVersion(ciphertext);

        var plaintext = new byte[ciphertext.Length - Overhead];
        int adLength = GetAssociatedDataLength(context);
        byte[]? rented = null;
        Span<byte> ad = adLength <= StackAssociatedDataLimit
            ? stackalloc byte[StackAssociatedDataLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(adLength));
        try
        {
            ad = ad[..adLength];
            WriteAssociatedData(ad, dataKeyVersion, context);
            using var aes = new AesGcm(dataKey, TagSize);
            aes.Decrypt(
                ciphertext.Slice(NonceOffset, NonceSize),
                ciphertext[Overhead..],
                ciphertext.Slice(TagOffset, TagSize),
                plaintext,
                ad);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptographicException(
                "Encrypted field failed authentication: wrong key, wrong context or tampered data.", ex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return plaintext;
    }

    private static void RequireKey(ReadOnlySpan<byte> dataKey)
    {
        if (dataKey.Length != KeySize)
        {
            throw new ArgumentException($"Data key must be {KeySize} bytes.", nameof(dataKey));
        }
    }

    private static int GetAssociatedDataLength(in FieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context.RowId, "context.RowId");
        ArgumentNullException.ThrowIfNull(context.Field, "context.Field");
        return sizeof(int) + Label.Length
            + 1
            + VersionSize
            + 16
            + sizeof(int) + StrictUtf8.GetByteCount(context.RowId)
            + sizeof(int) + StrictUtf8.GetByteCount(context.Field)
            + sizeof(int);
    }

    // Fixed-width integers and length-prefixed strings make the encoding injective, so no two
    // distinct contexts (e.g. row "ab" + field "c" versus row "a" + field "bc") share associated data.
    private static void WriteAssociatedData(Span<byte> destination, int dataKeyVersion, in FieldContext context)
    {
        int offset = WritePrefixed(destination, Label);
        destination[offset++] = FormatVersion;
        BinaryPrimitives.WriteInt32BigEndian(destination[offset..], dataKeyVersion);
        offset += VersionSize;
        if (!context.TenantId.TryWriteBytes(destination.Slice(offset, 16), bigEndian: true, out int written) || written != 16)
        {
            throw new InvalidOperationException("Tenant id did not encode to 16 bytes.");
        }

        offset += 16;
        offset += WritePrefixed(destination[offset..], context.RowId);
        offset += WritePrefixed(destination[offset..], context.Field);
        BinaryPrimitives.WriteInt32BigEndian(destination[offset..], context.RowVersion);
        offset += sizeof(int);
        if (offset != destination.Length)
        {
            throw new InvalidOperationException("Associated data length mismatch.");
        }
    }

    private static int WritePrefixed(Span<byte> destination, string value)
    {
        int length = StrictUtf8.GetBytes(value, destination[sizeof(int)..]);
        BinaryPrimitives.WriteInt32BigEndian(destination, length);
        return sizeof(int) + length;
    }

    private static int WritePrefixed(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, value.Length);
        value.CopyTo(destination[sizeof(int)..]);
        return sizeof(int) + value.Length;
    }
}
