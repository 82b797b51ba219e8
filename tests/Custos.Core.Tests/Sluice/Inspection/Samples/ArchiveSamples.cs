using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using SharpCompress.Common;
using SharpCompress.Writers.SevenZip;
using SharpCompress.Writers.Zip;

namespace Custos.Core.Tests.Sluice.Inspection.Samples;

/// <summary>Archives built in memory: ZIP (System.IO.Compression), tar (System.Formats.Tar), gzip, 7z (SharpCompress).</summary>
internal static class ArchiveSamples
{
    public static byte[] Zip(params (string Name, byte[] Data)[] entries) => Zip(CompressionLevel.Optimal, entries);

    public static byte[] Zip(CompressionLevel level, params (string Name, byte[] Data)[] entries)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var entry = zip.CreateEntry(name, level).Open();
                entry.Write(data);
            }
        }
        return output.ToArray();
    }

    /// <summary>A ZIP whose one entry is a stream of zeros, compressed on the fly (nothing that size is ever in memory).</summary>
    public static byte[] ZerosZip(string name, long size)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (long written = 0; written < size; written += zeros.Length) entry.Write(zeros, 0, (int)Math.Min(zeros.Length, size - written));
        }
        return output.ToArray();
    }

    /// <summary>A ZIP made on Unix holding a symbolic link (mode 0120777), as Info-ZIP's zip --symlinks writes it.</summary>
    public static byte[] ZipWithSymlink(string name, string target)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
            entry.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
            using var data = entry.Open();
            data.Write(System.Text.Encoding.UTF8.GetBytes(target));
        }
        return PatchHeaders(output.ToArray(), (header, isCentral) =>
        {
            if (isCentral) header[5] = 3; // version made by: Unix
        });
    }

    /// <summary>
    /// A ZIP64 archive of stored entries, written by hand: every size and offset in the ZIP64 extra fields, the end
    /// record saturated and pointing (through the locator) to the ZIP64 end record, as writers do for huge archives.
    /// </summary>
    public static byte[] Zip64(params (string Name, byte[] Data)[] entries)
    {
        var output = new MemoryStream();
        var writer = new BinaryWriter(output);
        var central = new MemoryStream();
        var centralWriter = new BinaryWriter(central);
        foreach (var (name, data) in entries)
        {
            var offset = output.Position;
            var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
            var crc = Crc32(data);
            writer.Write(0x04034b50u);
            writer.Write((ushort)45);
            writer.Write((ushort)0x0800);
            writer.Write((ushort)0);
            writer.Write(0u);
            writer.Write(crc);
            writer.Write(0xFFFFFFFFu);
            writer.Write(0xFFFFFFFFu);
            writer.Write((ushort)nameBytes.Length);
            writer.Write((ushort)20);
            writer.Write(nameBytes);
            writer.Write((ushort)1);
            writer.Write((ushort)16);
            writer.Write((long)data.Length);
            writer.Write((long)data.Length);
            writer.Write(data);

            centralWriter.Write(0x02014b50u);
            centralWriter.Write((ushort)(3 << 8 | 45));
            centralWriter.Write((ushort)45);
            centralWriter.Write((ushort)0x0800);
            centralWriter.Write((ushort)0);
            centralWriter.Write(0u);
            centralWriter.Write(crc);
            centralWriter.Write(0xFFFFFFFFu);
            centralWriter.Write(0xFFFFFFFFu);
            centralWriter.Write((ushort)nameBytes.Length);
            centralWriter.Write((ushort)28);
            centralWriter.Write((ushort)0);
            centralWriter.Write((ushort)0);
            centralWriter.Write((ushort)0);
            centralWriter.Write(0u);
            centralWriter.Write(0xFFFFFFFFu);
            centralWriter.Write(nameBytes);
            centralWriter.Write((ushort)1);
            centralWriter.Write((ushort)24);
            centralWriter.Write((long)data.Length);
            centralWriter.Write((long)data.Length);
            centralWriter.Write(offset);
        }
        var directoryOffset = output.Position;
        writer.Write(central.ToArray());
        var end64Offset = output.Position;
        writer.Write(0x06064b50u);
        writer.Write(44L);
        writer.Write((ushort)45);
        writer.Write((ushort)45);
        writer.Write(0u);
        writer.Write(0u);
        writer.Write((long)entries.Length);
        writer.Write((long)entries.Length);
        writer.Write(central.Length);
        writer.Write(directoryOffset);
        writer.Write(0x07064b50u);
        writer.Write(0u);
        writer.Write(end64Offset);
        writer.Write(1u);
        writer.Write(0x06054b50u);
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write((ushort)0xFFFF);
        writer.Write((ushort)0xFFFF);
        writer.Write(0xFFFFFFFFu);
        writer.Write(0xFFFFFFFFu);
        writer.Write((ushort)0);
        writer.Flush();
        return output.ToArray();
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Sets the "encrypted" flag (bit 0) in every local and central header, as ZipCrypto archives have it.</summary>
    public static byte[] MarkEncrypted(byte[] zip) => PatchHeaders(zip, (header, isCentral) =>
    {
        var flags = header[(isCentral ? 8 : 6)..];
        BinaryPrimitives.WriteUInt16LittleEndian(flags, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(flags) | 1));
    });

    /// <summary>Sets compression method 99, which WinZip's AES encryption writes into every header.</summary>
    public static byte[] MarkAesMethod(byte[] zip) => PatchHeaders(zip, (header, isCentral) =>
        BinaryPrimitives.WriteUInt16LittleEndian(header[(isCentral ? 10 : 8)..], 99));

    private delegate void HeaderPatch(Span<byte> header, bool isCentral);

    private static byte[] PatchHeaders(byte[] zip, HeaderPatch patch)
    {
        var bytes = (byte[])zip.Clone();
        for (var i = 0; i + 4 <= bytes.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (signature == 0x04034b50) patch(bytes.AsSpan(i), isCentral: false);
            else if (signature == 0x02014b50) patch(bytes.AsSpan(i), isCentral: true);
        }
        return bytes;
    }

    public static byte[] Tar(params (string Name, byte[] Data)[] entries)
    {
        var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
        return output.ToArray();
    }

    public static byte[] TarWithSymlink(string name, string target)
    {
        var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>A ZIP written by SharpCompress with another compression method (BZip2, LZMA, PPMd ...).</summary>
    public static byte[] ZipWith(CompressionType method, params (string Name, byte[] Data)[] entries)
    {
        var output = new MemoryStream();
        using (var writer = new ZipWriter(output, new ZipWriterOptions(method) { LeaveStreamOpen = true }))
        {
            foreach (var (name, data) in entries) writer.Write(name, new MemoryStream(data), DateTime.UnixEpoch);
        }
        return output.ToArray();
    }

    public static byte[] SevenZip(params (string Name, byte[] Data)[] entries)
    {
        var output = new MemoryStream();
        using (var writer = new SevenZipWriter(output, new SevenZipWriterOptions(CompressionType.LZMA) { LeaveStreamOpen = true }))
        {
            foreach (var (name, data) in entries) writer.Write(name, new MemoryStream(data), DateTime.UnixEpoch);
        }
        return output.ToArray();
    }
}
