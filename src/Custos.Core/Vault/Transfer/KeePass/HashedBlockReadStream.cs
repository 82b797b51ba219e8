using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Reads KDBX 3's hashed block stream inside the decrypted payload: blocks of (index, SHA-256, length,
/// data), ending with an empty block whose hash is all zeros.</summary>
internal sealed class HashedBlockReadStream(Stream inner) : ForwardOnlyStream
{
    private const int MaxBlockSize = 64 << 20;

    private readonly byte[] _hash = new byte[32];
    private byte[] _block = [];
    private int _length;
    private int _position;
    private uint _index;
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
        Span<byte> word = stackalloc byte[4];
        inner.ReadExactly(word);
        if (BinaryPrimitives.ReadUInt32LittleEndian(word) != _index)
        {
            throw KdbxError.Corrupt("The database's data blocks are out of order.");
        }

        inner.ReadExactly(_hash);
        inner.ReadExactly(word);
        int length = BinaryPrimitives.ReadInt32LittleEndian(word);
        if (length is < 0 or > MaxBlockSize)
        {
            throw KdbxError.Corrupt("A data block of the database has an impossible length.");
        }

        if (length == 0)
        {
            if (_hash.AsSpan().ContainsAnyExcept((byte)0))
            {
                throw KdbxError.Corrupt("The database's last data block is malformed.");
            }

            _finished = true;
            _length = _position = 0;
            return;
        }

        if (_block.Length < length)
        {
            _block = new byte[length];
        }

        inner.ReadExactly(_block.AsSpan(0, length));
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(_block.AsSpan(0, length)), _hash))
        {
            throw KdbxError.Corrupt($"Data block {_index} of the database fails its checksum.");
        }

        _index++;
        _length = length;
        _position = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
