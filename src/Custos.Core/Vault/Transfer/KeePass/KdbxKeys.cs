using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The keys KDBX derives from the master seed and the transformed (KDF output) key.</summary>
internal static class KdbxKeys
{
    /// <summary>The outer cipher's key: SHA-256(master seed ‖ transformed key).</summary>
    public static byte[] EncryptionKey(byte[] masterSeed, byte[] transformedKey)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(masterSeed);
        hash.AppendData(transformedKey);
        return hash.GetHashAndReset();
    }

    /// <summary>KDBX 4's HMAC base key: SHA-512(master seed ‖ transformed key ‖ 0x01).</summary>
    public static byte[] HmacKey(byte[] masterSeed, byte[] transformedKey)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData(masterSeed);
        hash.AppendData(transformedKey);
        hash.AppendData([1]);
        return hash.GetHashAndReset();
    }

    /// <summary>The HMAC key of one block: SHA-512(index as 64-bit little-endian ‖ HMAC base key); the header uses
    /// index 2^64 − 1.</summary>
    public static byte[] BlockHmacKey(byte[] hmacKey, ulong index)
    {
        Span<byte> indexBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(indexBytes, index);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData(indexBytes);
        hash.AppendData(hmacKey);
        return hash.GetHashAndReset();
    }

    public static byte[] HeaderHmac(byte[] hmacKey, byte[] header)
    {
        var key = BlockHmacKey(hmacKey, ulong.MaxValue);
        try
        {
            return HMACSHA256.HashData(key, header);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
