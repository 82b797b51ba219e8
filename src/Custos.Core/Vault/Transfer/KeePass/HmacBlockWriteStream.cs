using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>Writes KDBX 4's HMAC block stream (see <see cref="HmacBlockReadStream"/>) in 1 MiB blocks; disposing
/// it writes the last block and the empty end block. Does not dispose the output.</summary>
internal sealed class HmacBlockWriteStream(Stream output, byte[] hmacKey) : ForwardOnlyStream
{
    private const int BlockSize = 1 << 20;

    private readonly byte[] _block = new byte[BlockSize];
    private int _length;
    private ulong _index;
    private bool _finished;

    public override bool CanWrite => true;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int count = Math.Min(buffer.Length, BlockSize - _length);
            buffer[..count].CopyTo(_block.AsSpan(_length));
            _length += count;
            buffer = buffer[count..];
            if (_length == BlockSize)
            {
                WriteBlock();
            }
        }
    }

    private void WriteBlock()
    {
        Span<byte> prefix = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, _index);
        BinaryPrimitives.WriteInt32LittleEndian(prefix[8..], _length);
        var blockKey = KdbxKeys.BlockHmacKey(hmacKey, _index);
        using (var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, blockKey))
        {
            hmac.AppendData(prefix);
            hmac.AppendData(_block, 0, _length);
            output.Write(hmac.GetHashAndReset());
        }

        CryptographicOperations.ZeroMemory(blockKey);
        output.Write(prefix[8..]);
        output.Write(_block, 0, _length);
        _index++;
        _length = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_finished)
        {
            _finished = true;
            if (_length > 0)
            {
                WriteBlock();
            }

            WriteBlock();
            CryptographicOperations.ZeroMemory(_block);
        }

        base.Dispose(disposing);
    }
}
