namespace Custos.Core.Vault.Transfer.KeePass;

public enum KdbxCipher
{
    Aes256,
    ChaCha20,
}

public enum KdbxKdf
{
    Argon2id,
    Argon2d,
    AesKdf,
}

/// <summary>How a KDBX 4 file is written. The defaults follow KeePassXC's: AES-256, Argon2 with 64 MiB and two
/// lanes (KeePassXC uses one per core), gzip on; the iteration count is sized to
/// about 0.75 s for our reader on two cores (KeePassXC starts from 10 and benchmarks to 1 s).</summary>
public sealed record KdbxWriteOptions
{
    public static KdbxWriteOptions Default { get; } = new();

    public KdbxCipher Cipher { get; init; } = KdbxCipher.Aes256;
    public KdbxKdf Kdf { get; init; } = KdbxKdf.Argon2id;
    public ulong Argon2MemoryBytes { get; init; } = 64UL << 20;
    public ulong Argon2Iterations { get; init; } = 4;
    public uint Argon2Parallelism { get; init; } = 2;
    /// <summary>Used when <see cref="Kdf"/> is <see cref="KdbxKdf.AesKdf"/>.</summary>
    public ulong AesKdfRounds { get; init; } = 30_000_000;
    public bool Compress { get; init; } = true;
    /// <summary>The generator name written into the file's metadata.</summary>
    public string Generator { get; init; } = "Custos";
}
