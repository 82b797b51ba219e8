namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Bounds that keep a hostile file from exhausting the server. A file beyond them is refused with
/// <see cref="KdbxErrorCodes.TooLarge"/> (content) or <see cref="KdbxErrorCodes.Unsupported"/> (KDF cost).</summary>
public sealed record KdbxReadLimits
{
    public static KdbxReadLimits Default { get; } = new();

    /// <summary>Bytes of decompressed payload (inner header, XML and KDBX 3 binaries together); also stops a gzip
    /// bomb.</summary>
    public long MaxDecompressedBytes { get; init; } = 512L << 20;

    /// <summary>Levels of groups below the root group.</summary>
    public int MaxGroupDepth { get; init; } = 64;

    /// <summary>XML element depth anywhere in the document.</summary>
    public int MaxXmlDepth { get; init; } = 256;

    /// <summary>Argon2 memory; KeePassXC's default is 64 MiB.</summary>
    public ulong MaxArgon2MemoryBytes { get; init; } = 1UL << 30;

    /// <summary>Argon2 memory times iterations, which is what its time grows with: 16 GiB is about 30 s on two
    /// cores (64 MiB × 256 iterations, where KeePassXC's 1 s default is about 10 iterations).</summary>
    public ulong MaxArgon2Work { get; init; } = 16UL << 30;

    /// <summary>Argon2 lanes; each may become a thread.</summary>
    public uint MaxArgon2Parallelism { get; init; } = 64;

    /// <summary>AES-KDF rounds: 2^30 is about 30 s on two cores, some 30 times KeePassXC's 1 s default.</summary>
    public ulong MaxAesKdfRounds { get; init; } = 1UL << 30;
}
