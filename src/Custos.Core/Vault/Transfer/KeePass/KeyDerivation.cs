using System.Security.Cryptography;
using Konscious.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The two KDF computations of KDBX files.</summary>
internal static class KeyDerivation
{
    private const int ChunkBlocks = 4096;

    /// <summary>AES-KDF: each 16-byte half of the key is AES-256-encrypted <paramref name="rounds"/> times with the
    /// seed as key, then the result is hashed with SHA-256.</summary>
    public static byte[] AesKdf(byte[] compositeKey, byte[] seed, ulong rounds)
    {
        var halves = compositeKey.ToArray();
        try
        {
            // The halves are independent chains, so two cores can run them at once.
            Parallel.Invoke(
                () => EncryptRepeatedly(seed, halves, 0, rounds),
                () => EncryptRepeatedly(seed, halves, 16, rounds));
            return SHA256.HashData(halves);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(halves);
        }
    }

    // Encrypting one block ECB per call costs a native call per round. CBC with a zero IV over the block followed
    // by zero blocks computes the same chain (C1 = E(x), Cn = E(C(n-1) xor 0)) thousands of rounds per call.
    private static void EncryptRepeatedly(byte[] key, byte[] data, int offset, ulong rounds)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var input = new byte[ChunkBlocks * 16];
        var output = new byte[ChunkBlocks * 16];
        var iv = new byte[16];
        try
        {
            data.AsSpan(offset, 16).CopyTo(input);
            while (rounds > 0)
            {
                int blocks = (int)Math.Min(rounds, ChunkBlocks);
                aes.EncryptCbc(input.AsSpan(0, blocks * 16), iv, output.AsSpan(0, blocks * 16), PaddingMode.None);
                output.AsSpan((blocks - 1) * 16, 16).CopyTo(input);
                rounds -= (ulong)blocks;
            }

            input.AsSpan(0, 16).CopyTo(data.AsSpan(offset, 16));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(output);
        }
    }

    public static byte[] Argon2(KdbxKdf kind, byte[] compositeKey, KdfParameters parameters)
    {
        using Argon2 argon = kind == KdbxKdf.Argon2d ? new Argon2d(compositeKey) : new Argon2id(compositeKey);
        argon.Salt = parameters.Seed;
        argon.Iterations = checked((int)parameters.Rounds);
        argon.MemorySize = checked((int)(parameters.MemoryBytes / 1024));
        argon.DegreeOfParallelism = checked((int)parameters.Parallelism);
        if (parameters.Secret is { Length: > 0 } secret)
        {
            argon.KnownSecret = secret;
        }

        if (parameters.AssociatedData is { Length: > 0 } associatedData)
        {
            argon.AssociatedData = associatedData;
        }

        return argon.GetBytes(32);
    }
}
