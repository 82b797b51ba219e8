using System.Buffers.Binary;

namespace Custos.Core.Sluice.Inspection.Detection;

/// <summary>Format signatures at the start of a file (the head is the first few KiB).</summary>
internal static class MagicNumbers
{
    public static ReadOnlySpan<byte> CompoundFile => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> SevenZip => [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C];
    private static ReadOnlySpan<byte> Lnk => [0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00];
    private static ReadOnlySpan<byte> Elf => [0x7F, 0x45, 0x4C, 0x46];
    private static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B, 0x08];
    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    /// <summary>
    /// MZ with a PE signature where e_lfanew points (which may be beyond the head, or inside the DOS header in tiny
    /// hand-made executables). The older NE, LE and LX executables count too.
    /// </summary>
    public static bool IsPe(ReadOnlySpan<byte> head, Stream content)
    {
        if (head.Length < 0x40 || head[0] != 'M' || head[1] != 'Z') return false;
        var peOffset = BinaryPrimitives.ReadInt32LittleEndian(head[0x3C..]);
        if (peOffset < 2 || peOffset > content.Length - 4) return false;
        Span<byte> signature = stackalloc byte[4];
        if (StreamBytes.ReadAt(content, peOffset, signature) != 4) return false;
        return signature.SequenceEqual("PE\0\0"u8) || signature[..2].SequenceEqual("NE"u8)
            || signature[..2].SequenceEqual("LE"u8) || signature[..2].SequenceEqual("LX"u8);
    }

    public static bool IsElf(ReadOnlySpan<byte> head) => head.StartsWith(Elf);

    public static bool IsMachO(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8) return false;
        var magic = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (magic is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE) return true;
        // Universal binaries share CAFEBABE with Java classes; a class file's next word is its version (45 and up),
        // a universal binary's is its small number of architectures.
        return magic is 0xCAFEBABE or 0xCAFEBABF && BinaryPrimitives.ReadUInt32BigEndian(head[4..]) is > 0 and < 30;
    }

    public static bool IsLnk(ReadOnlySpan<byte> head) => head.StartsWith(Lnk);
    public static bool IsOle(ReadOnlySpan<byte> head) => head.StartsWith(CompoundFile);

    public static bool IsPdf(ReadOnlySpan<byte> head) => head[..Math.Min(head.Length, 1024)].IndexOf("%PDF-"u8) >= 0;

    public static bool IsZip(ReadOnlySpan<byte> head) =>
        head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || head.StartsWith("PK\x07\x08PK\x03\x04"u8);

    public static bool IsSevenZip(ReadOnlySpan<byte> head) => head.StartsWith(SevenZip);
    public static bool IsGzip(ReadOnlySpan<byte> head) => head.StartsWith(Gzip);
    /// <summary>AppleDouble (and AppleSingle) headers: the resource forks and attributes of macOS files.</summary>
    public static bool IsAppleDouble(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && BinaryPrimitives.ReadUInt32BigEndian(head) is 0x00051607 or 0x00051600
        && BinaryPrimitives.ReadUInt32BigEndian(head[4..]) is 0x00010000 or 0x00020000;

    public static bool IsRtf(ReadOnlySpan<byte> head) => head.StartsWith("{\\rt"u8);

    public static FileKind? Image(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Png)) return FileKinds.Png;
        if (head.StartsWith(Jpeg)) return FileKinds.Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return FileKinds.Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return FileKinds.Webp;
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8) || head.StartsWith("II+\0"u8) || head.StartsWith("MM\0+"u8))
            return FileKinds.Tiff;
        if (head.Length >= 18 && head[0] == 'B' && head[1] == 'M' && BinaryPrimitives.ReadUInt32LittleEndian(head[6..]) == 0
            && BinaryPrimitives.ReadUInt32LittleEndian(head[14..]) is 12 or 40 or 52 or 56 or 64 or 108 or 124)
            return FileKinds.Bmp;
        return null;
    }

    /// <summary>A POSIX (ustar) header, or an old-style header whose checksum adds up.</summary>
    public static bool IsTar(ReadOnlySpan<byte> head)
    {
        if (head.Length < 512 || head[0] == 0) return false;
        if (head[257..262].SequenceEqual("ustar"u8)) return true;
        var field = head[148..156];
        long declared = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0) { if (digits > 0) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') return false;
            declared = declared * 8 + (b - '0');
            digits++;
        }
        if (digits == 0) return false;
        long sum = 0;
        for (var i = 0; i < 512; i++) sum += i is >= 148 and < 156 ? ' ' : head[i];
        return sum == declared;
    }
}
