using System.Buffers.Binary;
using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Deflate64;
using SharpCompress.Compressors.LZMA;
using SharpCompress.Compressors.ZStandard;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>The ZIP compression methods the inspector decodes; anything else is "cannot inspect".</summary>
internal static class ZipMethods
{
    public const ushort Stored = 0;

    /// <summary>LZMA reserves its whole dictionary up front; a larger claim than this is refused, not allocated.</summary>
    private const uint MaxLzmaDictionary = 64u << 20;

    public static bool IsSupported(ushort method) => method is 0 or 8 or 9 or 12 or 14 or 93;

    /// <summary>A stream of the entry's decompressed bytes over its raw data (which it owns).</summary>
    public static Stream Decode(ushort method, Stream raw, ZipEntryRecord entry) => method switch
    {
        0 => raw,
        8 => new DeflateStream(raw, CompressionMode.Decompress),
        9 => new Deflate64Stream(raw, SharpCompressionMode.Decompress),
        12 => BZip2Stream.Create(raw, SharpCompressionMode.Decompress, decompressConcatenated: false),
        14 => OpenLzma(raw, entry),
        93 => new DecompressionStream(raw, leaveOpen: false),
        _ => throw new NotSupportedException($"compression method {method}"),
    };

    private static Stream OpenLzma(Stream raw, ZipEntryRecord entry)
    {
        // PKWARE's LZMA: 2 bytes version, 2 bytes properties size, then the properties (5 bytes).
        Span<byte> header = stackalloc byte[4];
        raw.ReadExactly(header);
        var propertiesSize = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        if (propertiesSize != 5) throw new InvalidDataException("unexpected LZMA properties");
        var properties = new byte[5];
        raw.ReadExactly(properties);
        if (BinaryPrimitives.ReadUInt32LittleEndian(properties.AsSpan(1)) > MaxLzmaDictionary)
            throw new InvalidDataException("LZMA dictionary larger than the inspector allows");
        var endMarker = (entry.Flags & 0x0002) != 0;
        return LzmaStream.Create(properties, raw, raw.Length - 9, endMarker ? -1 : entry.UncompressedSize, leaveOpen: false);
    }
}
