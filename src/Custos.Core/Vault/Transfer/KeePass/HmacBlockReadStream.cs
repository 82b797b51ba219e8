using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Reads KDBX 4's HMAC block stream: blocks of (HMAC-SHA-256, length, data), each MAC keyed by the block's
/// index, ending with an empty block. Data is released only after its block's MAC checks, so a changed, dropped or
/// reordered block stops the read. Does not dispose the input.</summary>
internal sealed class HmacBlockReadStream(Stream input, byte[] hmacKey) : ForwardOnlyStream
{
    /// <summary>KeePass and KeePassXC write 1 MiB blocks; a larger claim is a damaged length, not a block to
    /// allocate.</summary>
    private const int MaxBlockSize = 64 << 20;

    private readonly byte[] _mac = new byte[32];
    private byte[] _block = [];
    private int _length;
    private int _position;
    private ulong _index;
    private bool _finished;

    public override bool CanRead => true;

    public override int Read(Span<byte> buffer)
    {
        while (_position == _length)
        {
            if (_finished)
            {
                return 0;
            }

            ReadBlock();
        }

        int count = Math.Min(buffer.Length, _length - _position);
        _block.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    private void ReadBlock()
    {
        Span<byte> prefix = stackalloc byte[12];
        input.ReadExactly(_mac);
        input.ReadExactly(prefix[8..]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(prefix[8..]);
        if (length is < 0 or > MaxBlockSize)
        {
            throw KdbxError.Corrupt("A data block of the database has an impossible length.");
        }

        if (_block.Length < length)
        {
            _block = new byte[length];
        }

        input.ReadExactly(_block.AsSpan(0, length));
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, _index);
        var blockKey = KdbxKeys.BlockHmacKey(hmacKey, _index);
        using (var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, blockKey))
        {
            hmac.AppendData(prefix);
            hmac.AppendData(_block, 0, length);
            if (!CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset(), _mac))
            {
                throw KdbxError.Corrupt($"Data block {_index} of the database fails its integrity check.");
            }
        }

        CryptographicOperations.ZeroMemory(blockKey);
        _index++;
        _length = length;
        _position = 0;
        _finished = length == 0;
    }
}
