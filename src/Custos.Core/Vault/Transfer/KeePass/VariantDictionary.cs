using System.Buffers.Binary;
using System.Text;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>KDBX 4's typed key/value map (KDF parameters, public custom data): a version word, then items of
/// type byte, key and value, each length-prefixed and little-endian.</summary>
internal sealed class VariantDictionary
{
    private const ushort Version = 0x0100;
    private const ushort CriticalVersionMask = 0xFF00;

    private enum ItemType : byte
    {
        End = 0x00,
        UInt32 = 0x04,
        UInt64 = 0x05,
        Bool = 0x08,
        Int32 = 0x0C,
        Int64 = 0x0D,
        String = 0x18,
        Bytes = 0x42,
    }

    private readonly Dictionary<string, (ItemType Type, byte[] Value)> _items = new(StringComparer.Ordinal);

    public static VariantDictionary Parse(ReadOnlySpan<byte> data)
    {
        var result = new VariantDictionary();
        if (data.Length < 2)
        {
            throw KdbxError.Corrupt("The KDF parameters are cut short.");
        }

        if ((BinaryPrimitives.ReadUInt16LittleEndian(data) & CriticalVersionMask) > (Version & CriticalVersionMask))
        {
            throw KdbxError.Unsupported("The KDF parameters use a newer format than this reader knows.");
        }

        int pos = 2;
        while (true)
        {
            if (pos >= data.Length)
            {
                throw KdbxError.Corrupt("The KDF parameters have no end marker.");
            }

            var type = (ItemType)data[pos++];
            if (type == ItemType.End)
            {
                return result;
            }

            var key = Encoding.UTF8.GetString(ReadSized(data, ref pos));
            var value = ReadSized(data, ref pos).ToArray();
            result._items[key] = (type, value);
        }
    }

    private static ReadOnlySpan<byte> ReadSized(ReadOnlySpan<byte> data, ref int pos)
    {
        if (data.Length - pos < 4)
        {
            throw KdbxError.Corrupt("The KDF parameters are cut short.");
        }

        int size = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        pos += 4;
        if (size < 0 || size > data.Length - pos)
        {
            throw KdbxError.Corrupt("A KDF parameter has an impossible length.");
        }

        var slice = data.Slice(pos, size);
        pos += size;
        return slice;
    }

    public byte[]? GetBytes(string key) => Get(key, ItemType.Bytes, -1);

    public uint? GetUInt32(string key) =>
        Get(key, ItemType.UInt32, 4) is { } v ? BinaryPrimitives.ReadUInt32LittleEndian(v) : null;

    public ulong? GetUInt64(string key) =>
        Get(key, ItemType.UInt64, 8) is { } v ? BinaryPrimitives.ReadUInt64LittleEndian(v) : null;

    private byte[]? Get(string key, ItemType type, int size)
    {
        if (!_items.TryGetValue(key, out var item))
        {
            return null;
        }

        if (item.Type != type || (size >= 0 && item.Value.Length != size))
        {
            throw KdbxError.Corrupt($"The KDF parameter '{key}' has the wrong type.");
        }

        return item.Value;
    }

    public void SetBytes(string key, byte[] value) => _items[key] = (ItemType.Bytes, value);

    public void SetUInt32(string key, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _items[key] = (ItemType.UInt32, bytes);
    }

    public void SetUInt64(string key, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _items[key] = (ItemType.UInt64, bytes);
    }

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(word, Version);
        buffer.Write(word[..2]);
        foreach (var (key, (type, value)) in _items)
        {
            buffer.WriteByte((byte)type);
            var keyBytes = Encoding.UTF8.GetBytes(key);
            BinaryPrimitives.WriteInt32LittleEndian(word, keyBytes.Length);
            buffer.Write(word);
            buffer.Write(keyBytes);
            BinaryPrimitives.WriteInt32LittleEndian(word, value.Length);
            buffer.Write(word);
            buffer.Write(value);
        }

        buffer.WriteByte((byte)ItemType.End);
        return buffer.ToArray();
    }
}
