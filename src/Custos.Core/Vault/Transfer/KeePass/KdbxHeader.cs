using System.Buffers.Binary;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>The outer (unencrypted) header: signatures, version, then type-length-value fields. KDBX 3 uses 16-bit
/// field lengths, KDBX 4 32-bit ones.</summary>
internal sealed class KdbxHeader
{
    /// <summary>A real header is a few hundred bytes; anything near this is a damaged length.</summary>
    private const int MaxHeaderSize = 1 << 20;

    public ushort Major { get; private set; }
    public KdbxCipher Cipher { get; private set; }
    public bool Compressed { get; private set; }
    public byte[] MasterSeed { get; private set; } = [];
    public byte[] EncryptionIv { get; private set; } = [];
    public KdfParameters Kdf { get; private set; } = null!;
    /// <summary>KDBX 3: the first 32 plaintext bytes, which prove the key.</summary>
    public byte[] StreamStartBytes { get; private set; } = [];
    /// <summary>KDBX 3: the inner random stream's cipher and key (KDBX 4 has them in the inner header).</summary>
    public InnerStreamAlgorithm InnerStream { get; private set; }
    public byte[] ProtectedStreamKey { get; private set; } = [];
    /// <summary>The header exactly as read, which KDBX 4 hashes and MACs and KDBX 3 hashes into the XML.</summary>
    public byte[] Raw { get; private set; } = [];

    public static KdbxHeader Read(Stream input)
    {
        var raw = new MemoryStream();
        var start = new byte[12];
        int got = input.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (got < 8 || BinaryPrimitives.ReadUInt32LittleEndian(start) != KdbxFormat.Signature1)
        {
            throw KdbxError.NotKdbx();
        }

        uint signature2 = BinaryPrimitives.ReadUInt32LittleEndian(start.AsSpan(4));
        if (signature2 == KdbxFormat.Signature2Kdb)
        {
            throw KdbxError.Unsupported("This is a KeePass 1 (.kdb) database; open it in KeePass 2 or KeePassXC and save it as KDBX.");
        }

        if (signature2 != KdbxFormat.Signature2)
        {
            throw KdbxError.NotKdbx();
        }

        if (got < start.Length)
        {
            throw KdbxError.Truncated();
        }

        var header = new KdbxHeader { Major = BinaryPrimitives.ReadUInt16LittleEndian(start.AsSpan(10)) };
        if (header.Major is not (KdbxFormat.Major3 or KdbxFormat.Major4))
        {
            throw KdbxError.Unsupported($"KDBX version {header.Major} is not supported; only versions 3.1 and 4.x are.");
        }

        raw.Write(start);
        var fields = ReadFields(input, raw, header.Major == KdbxFormat.Major4);
        header.Raw = raw.ToArray();
        header.Apply(fields);
        return header;
    }

    private static Dictionary<HeaderField, byte[]> ReadFields(Stream input, MemoryStream raw, bool kdbx4)
    {
        var fields = new Dictionary<HeaderField, byte[]>();
        Span<byte> prefix = stackalloc byte[5];
        int prefixLength = kdbx4 ? 5 : 3;
        while (true)
        {
            input.ReadExactly(prefix[..prefixLength]);
            raw.Write(prefix[..prefixLength]);
            int size = kdbx4 ? BinaryPrimitives.ReadInt32LittleEndian(prefix[1..]) : BinaryPrimitives.ReadUInt16LittleEndian(prefix[1..]);
            if (size < 0 || raw.Length + size > MaxHeaderSize)
            {
                throw KdbxError.Corrupt("A header field of the database has an impossible length.");
            }

            var data = new byte[size];
            input.ReadExactly(data);
            raw.Write(data);
            var id = (HeaderField)prefix[0];
            if (id == HeaderField.EndOfHeader)
            {
                return fields;
            }

            fields[id] = data;
        }
    }

    private void Apply(Dictionary<HeaderField, byte[]> fields)
    {
        byte[] Required(HeaderField field) =>
            fields.TryGetValue(field, out var value) ? value : throw KdbxError.Corrupt($"The database header lacks its {field} field.");

        Cipher = OuterCipher.Identify(Required(HeaderField.CipherId));
        MasterSeed = Required(HeaderField.MasterSeed);
        if (MasterSeed.Length != 32)
        {
            throw KdbxError.Corrupt("The master seed is not 32 bytes long.");
        }

        EncryptionIv = Required(HeaderField.EncryptionIv);
        var compression = Required(HeaderField.CompressionFlags);
        if (compression.Length != 4 || BinaryPrimitives.ReadUInt32LittleEndian(compression) > 1)
        {
            throw KdbxError.Unsupported("The database uses a compression this reader does not know.");
        }

        Compressed = compression[0] == 1;
        if (Major == KdbxFormat.Major4)
        {
            Kdf = KdfParameters.Parse(VariantDictionary.Parse(Required(HeaderField.KdfParameters)));
            return;
        }

        var rounds = Required(HeaderField.TransformRounds);
        var streamId = Required(HeaderField.InnerRandomStreamId);
        if (rounds.Length != 8 || streamId.Length != 4)
        {
            throw KdbxError.Corrupt("A header field of the database has the wrong length.");
        }

        Kdf = KdfParameters.AesKdf(Required(HeaderField.TransformSeed), BinaryPrimitives.ReadUInt64LittleEndian(rounds));
        StreamStartBytes = Required(HeaderField.StreamStartBytes);
        ProtectedStreamKey = Required(HeaderField.ProtectedStreamKey);
        InnerStream = (InnerStreamAlgorithm)BinaryPrimitives.ReadUInt32LittleEndian(streamId);
    }

    /// <summary>A KDBX 4.0 header for writing.</summary>
    public static byte[] Write4(KdbxCipher cipher, bool compressed, byte[] masterSeed, byte[] iv, KdfParameters kdf)
    {
        using var raw = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, KdbxFormat.Signature1);
        raw.Write(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, KdbxFormat.Signature2);
        raw.Write(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, KdbxFormat.Version40);
        raw.Write(word);
        WriteField(raw, HeaderField.CipherId, OuterCipher.Id(cipher));
        WriteField(raw, HeaderField.CompressionFlags, [compressed ? (byte)1 : (byte)0, 0, 0, 0]);
        WriteField(raw, HeaderField.MasterSeed, masterSeed);
        WriteField(raw, HeaderField.EncryptionIv, iv);
        WriteField(raw, HeaderField.KdfParameters, kdf.ToDictionary().Serialize());
        WriteField(raw, HeaderField.EndOfHeader, KdbxFormat.EndOfHeaderData);
        return raw.ToArray();
    }

    private static void WriteField(Stream output, HeaderField id, byte[] data)
    {
        Span<byte> prefix = stackalloc byte[5];
        prefix[0] = (byte)id;
        BinaryPrimitives.WriteInt32LittleEndian(prefix[1..], data.Length);
        output.Write(prefix);
        output.Write(data);
    }
}
