namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The decompressed bytes a read may still take, shared by the payload stream and KDBX 3's compressed
/// binaries so a gzip bomb in either stops at the same bound.</summary>
internal sealed class SizeBudget(long limit)
{
    private long _taken;

    public void Take(long bytes)
    {
        _taken += bytes;
        if (_taken > limit)
        {
            throw KdbxError.TooLarge($"The database's content exceeds the import limit of {limit:N0} bytes.");
        }
    }
}
