using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The key derivation a file names, read from KDBX 4's KDF dictionary or KDBX 3's transform fields.</summary>
internal sealed class KdfParameters
{
    private const string UuidKey = "$UUID";
    private const string AesRoundsKey = "R";
    private const string AesSeedKey = "S";
    private const string Argon2SaltKey = "S";
    private const string Argon2ParallelismKey = "P";
    private const string Argon2MemoryKey = "M";
    private const string Argon2IterationsKey = "I";
    private const string Argon2VersionKey = "V";
    private const string Argon2SecretKey = "K";
    private const string Argon2AssociatedDataKey = "A";
    /// <summary>Argon2 1.3, the only version KeePass writes and Konscious implements.</summary>
    private const uint Argon2Version13 = 0x13;

    private KdfParameters(KdbxKdf kind, byte[] seed, ulong rounds)
    {
        Kind = kind;
        Seed = seed;
        Rounds = rounds;
    }

    public KdbxKdf Kind { get; }
    /// <summary>The AES-KDF key or the Argon2 salt.</summary>
    public byte[] Seed { get; }
    /// <summary>AES-KDF rounds or Argon2 iterations.</summary>
    public ulong Rounds { get; }
    public ulong MemoryBytes { get; private init; }
    public uint Parallelism { get; private init; }
    public byte[]? Secret { get; private init; }
    public byte[]? AssociatedData { get; private init; }

    public static KdfParameters AesKdf(byte[] seed, ulong rounds) => new(KdbxKdf.AesKdf, seed, rounds);

    public static KdfParameters ForWriting(KdbxWriteOptions options)
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        if (options.Kdf == KdbxKdf.AesKdf)
        {
            return AesKdf(seed, options.AesKdfRounds);
        }

        if (options.Argon2Iterations is 0 or > int.MaxValue || options.Argon2Parallelism is 0 or > (1 << 24)
            || options.Argon2MemoryBytes % 1024 != 0 || options.Argon2MemoryBytes / 1024 > int.MaxValue
            || options.Argon2MemoryBytes / 1024 < 8UL * options.Argon2Parallelism)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                "Argon2 needs at least one iteration and lane, and whole KiB of memory, at least 8 KiB per lane.");
        }

        return new KdfParameters(options.Kdf, seed, options.Argon2Iterations)
        {
            MemoryBytes = options.Argon2MemoryBytes,
            Parallelism = options.Argon2Parallelism,
        };
    }

    public static KdfParameters Parse(VariantDictionary dictionary)
    {
        var uuid = dictionary.GetBytes(UuidKey) ?? throw KdbxError.Corrupt("The KDF parameters name no KDF.");
        if (uuid.AsSpan().SequenceEqual(KdbxFormat.KdfAes) || uuid.AsSpan().SequenceEqual(KdbxFormat.KdfAesKdbx4))
        {
            return AesKdf(
                dictionary.GetBytes(AesSeedKey) ?? throw KdbxError.Corrupt("The AES-KDF seed is missing."),
                dictionary.GetUInt64(AesRoundsKey) ?? throw KdbxError.Corrupt("The AES-KDF rounds are missing."));
        }

        KdbxKdf kind = uuid.AsSpan().SequenceEqual(KdbxFormat.KdfArgon2d) ? KdbxKdf.Argon2d
            : uuid.AsSpan().SequenceEqual(KdbxFormat.KdfArgon2id) ? KdbxKdf.Argon2id
            : throw KdbxError.Unsupported("The file uses a key derivation function this reader does not know.");
        if ((dictionary.GetUInt32(Argon2VersionKey) ?? Argon2Version13) != Argon2Version13)
        {
            throw KdbxError.Unsupported("The file uses Argon2 version 1.0; only version 1.3 is supported.");
        }

        return new KdfParameters(
            kind,
            dictionary.GetBytes(Argon2SaltKey) ?? throw KdbxError.Corrupt("The Argon2 salt is missing."),
            dictionary.GetUInt64(Argon2IterationsKey) ?? throw KdbxError.Corrupt("The Argon2 iterations are missing."))
        {
            MemoryBytes = dictionary.GetUInt64(Argon2MemoryKey) ?? throw KdbxError.Corrupt("The Argon2 memory is missing."),
            Parallelism = dictionary.GetUInt32(Argon2ParallelismKey)
                ?? throw KdbxError.Corrupt("The Argon2 parallelism is missing."),
            Secret = dictionary.GetBytes(Argon2SecretKey),
            AssociatedData = dictionary.GetBytes(Argon2AssociatedDataKey),
        };
    }

    public VariantDictionary ToDictionary()
    {
        var dictionary = new VariantDictionary();
        if (Kind == KdbxKdf.AesKdf)
        {
            dictionary.SetBytes(UuidKey, KdbxFormat.KdfAes);
            dictionary.SetUInt64(AesRoundsKey, Rounds);
            dictionary.SetBytes(AesSeedKey, Seed);
            return dictionary;
        }

        dictionary.SetBytes(UuidKey, Kind == KdbxKdf.Argon2d ? KdbxFormat.KdfArgon2d : KdbxFormat.KdfArgon2id);
        dictionary.SetBytes(Argon2SaltKey, Seed);
        dictionary.SetUInt32(Argon2ParallelismKey, Parallelism);
        dictionary.SetUInt64(Argon2MemoryKey, MemoryBytes);
        dictionary.SetUInt64(Argon2IterationsKey, Rounds);
        dictionary.SetUInt32(Argon2VersionKey, Argon2Version13);
        return dictionary;
    }

    /// <summary>Refuses parameters that are malformed, or so costly that deriving the key would tie up the
    /// server, before any work is done.</summary>
    public void Check(KdbxReadLimits limits)
    {
        if (Kind == KdbxKdf.AesKdf)
        {
            if (Seed.Length != 32)
            {
                throw KdbxError.Corrupt("The AES-KDF seed is not 32 bytes long.");
            }

            if (Rounds > limits.MaxAesKdfRounds)
            {
                throw KdbxError.Unsupported(
                    $"The file asks for {Rounds:N0} AES-KDF rounds; at most {limits.MaxAesKdfRounds:N0} are allowed.");
            }

            return;
        }

        if (Seed.Length < 8 || Rounds == 0 || Parallelism == 0 || MemoryBytes / 1024 < 8UL * Parallelism)
        {
            throw KdbxError.Corrupt("The Argon2 parameters are out of Argon2's range.");
        }

        if (MemoryBytes > limits.MaxArgon2MemoryBytes)
        {
            throw KdbxError.Unsupported(
                $"The file asks for {MemoryBytes >> 20:N0} MiB of Argon2 memory; at most {limits.MaxArgon2MemoryBytes >> 20:N0} MiB are allowed.");
        }

        if (Parallelism > limits.MaxArgon2Parallelism)
        {
            throw KdbxError.Unsupported(
                $"The file asks for {Parallelism:N0} Argon2 lanes; at most {limits.MaxArgon2Parallelism:N0} are allowed.");
        }

        if (Rounds > limits.MaxArgon2Work / MemoryBytes)
        {
            throw KdbxError.Unsupported(
                $"The file asks for {Rounds:N0} Argon2 iterations over {MemoryBytes >> 20:N0} MiB, more work than the import allows.");
        }
    }

    /// <summary>The transformed key (32 bytes) from the composite key.</summary>
    public byte[] Derive(byte[] compositeKey) => Kind == KdbxKdf.AesKdf
        ? KeyDerivation.AesKdf(compositeKey, Seed, Rounds)
        : KeyDerivation.Argon2(Kind, compositeKey, this);
}
