using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The distinct attachment contents of a tree (history included), in inner-header order; identical
/// contents are stored once, as KeePass does.</summary>
internal sealed class BinaryPool
{
    private readonly Dictionary<TransferAttachment, int> _index = new(ReferenceEqualityComparer.Instance);

    public List<byte[]> Contents { get; } = [];

    public static BinaryPool Collect(TransferFolder root)
    {
        var pool = new BinaryPool();
        var byHash = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in root.AllEntries().SelectMany(e => e.History.Prepend(e)))
        {
            foreach (var attachment in entry.Attachments)
            {
                var hash = Convert.ToHexString(SHA256.HashData(attachment.Content));
                if (!byHash.TryGetValue(hash, out int index))
                {
                    index = pool.Contents.Count;
                    byHash[hash] = index;
                    pool.Contents.Add(attachment.Content);
                }

                pool._index[attachment] = index;
            }
        }

        return pool;
    }

    public int IndexOf(TransferAttachment attachment) => _index[attachment];
}
