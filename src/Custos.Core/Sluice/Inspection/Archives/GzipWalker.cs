using System.IO.Compression;
using System.Text;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>
/// Walks a gzip file as an archive of one entry (tar.gz is gzip holding a tar). The entry's name is the one stored
/// in the header, else the file's own name without .gz (.tgz becomes .tar).
/// </summary>
internal static class GzipWalker
{
    public static void Walk(Stream gzip, string fileName, ContainerWalk walk)
    {
        var name = StoredName(gzip) ?? InnerName(FileNames.LastSegment(fileName));
        if (!walk.Admit(name, isDirectory: false)) return;
        gzip.Position = 0;
        using var decoded = new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true);
        walk.Inspect(name, decoded, gzip.Length, isExpansion: true);
    }

    private static string InnerName(string outer)
    {
        var extension = FileNames.Extension(outer);
        var stem = extension.Length > 0 ? outer[..outer.LastIndexOf('.')] : outer;
        if (stem.Trim().Length == 0) stem = "content";
        return extension switch
        {
            "tgz" => stem + ".tar",
            "gz" or "gzip" => stem,
            _ => stem + ".out",
        };
    }

    /// <summary>The FNAME field of the first member's header (RFC 1952), if there is one.</summary>
    private static string? StoredName(Stream gzip)
    {
        Span<byte> header = stackalloc byte[10];
        if (StreamBytes.ReadAt(gzip, 0, header) < 10) return null;
        var flags = header[3];
        if ((flags & 0x08) == 0) return null;
        long at = 10;
        if ((flags & 0x04) != 0)
        {
            Span<byte> extraLength = stackalloc byte[2];
            if (StreamBytes.ReadAt(gzip, at, extraLength) < 2) return null;
            at += 2 + (extraLength[0] | (extraLength[1] << 8));
        }
        var name = new byte[1024];
        var read = StreamBytes.ReadAt(gzip, at, name);
        var end = name.AsSpan(0, read).IndexOf((byte)0);
        return end > 0 ? Encoding.Latin1.GetString(name, 0, end) : null;
    }
}
