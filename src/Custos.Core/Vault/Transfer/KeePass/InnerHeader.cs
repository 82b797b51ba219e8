using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>KDBX 4's inner header at the start of the decrypted payload: the inner random stream and the
/// attachments' contents ("binaries"), which entries reference by index.</summary>
internal sealed class InnerHeader
{
    public InnerStreamAlgorithm Algorithm { get; private set; }
    public byte[] StreamKey { get; private set; } = [];
    public List<byte[]> Binaries { get; } = [];

    public static InnerHeader Read(Stream payload)
    {
        var header = new InnerHeader();
        Span<byte> prefix = stackalloc byte[5];
        while (true)
        {
            payload.ReadExactly(prefix);
            int size = BinaryPrimitives.ReadInt32LittleEndian(prefix[1..]);
            if (size < 0)
            {
                throw KdbxError.Corrupt("An inner header field of the database has an impossible length.");
            }

            var data = ReadBytes(payload, size);
            switch ((InnerHeaderField)prefix[0])
            {
                case InnerHeaderField.EndOfHeader:
                    return header;
                case InnerHeaderField.InnerRandomStreamId when data.Length == 4:
                    header.Algorithm = (InnerStreamAlgorithm)BinaryPrimitives.ReadUInt32LittleEndian(data);
                    break;
                case InnerHeaderField.InnerRandomStreamKey:
                    header.StreamKey = data;
                    break;
                case InnerHeaderField.Binary when data.Length >= 1:
                    // The first byte is a flag (protect in memory); the rest is the content.
                    header.Binaries.Add(data[1..]);
                    break;
                default:
                    throw KdbxError.Corrupt("The database's inner header has a malformed field.");
            }
        }
    }

    // Grows with the data actually read, so a forged length cannot make the reader allocate it up front.
    private static byte[] ReadBytes(Stream payload, int size)
    {
        const int Chunk = 1 << 20;
        if (size <= Chunk)
        {
            var small = new byte[size];
            payload.ReadExactly(small);
            return small;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[Chunk];
        for (int left = size; left > 0;)
        {
            int count = Math.Min(left, Chunk);
            payload.ReadExactly(chunk, 0, count);
            buffer.Write(chunk, 0, count);
            left -= count;
        }

        return buffer.ToArray();
    }

    public static void Write(Stream payload, byte[] streamKey, IReadOnlyList<byte[]> binaries)
    {
        Span<byte> id = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(id, (uint)InnerStreamAlgorithm.ChaCha20);
        WriteField(payload, InnerHeaderField.InnerRandomStreamId, id, []);
        WriteField(payload, InnerHeaderField.InnerRandomStreamKey, streamKey, []);
        foreach (var binary in binaries)
        {
            WriteField(payload, InnerHeaderField.Binary, [0], binary);
        }

        WriteField(payload, InnerHeaderField.EndOfHeader, [], []);
    }

    private static void WriteField(Stream payload, InnerHeaderField field, ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        Span<byte> prefix = stackalloc byte[5];
        prefix[0] = (byte)field;
        BinaryPrimitives.WriteInt32LittleEndian(prefix[1..], head.Length + body.Length);
        payload.Write(prefix);
        payload.Write(head);
        payload.Write(body);
    }

    public void ZeroKey() => CryptographicOperations.ZeroMemory(StreamKey);
}
