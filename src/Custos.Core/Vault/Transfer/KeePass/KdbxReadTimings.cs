namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Where a read spent its time, for logs and benchmarks: the key derivation is the file's chosen cost,
/// the rest is decryption and parsing.</summary>
public sealed class KdbxReadTimings
{
    public TimeSpan KeyDerivation { get; internal set; }
    public TimeSpan Total { get; internal set; }
}
