using System.Buffers.Binary;
using System.Text;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>One file record of a ZIP central directory, as the archive declares it (sizes are claims, not facts).</summary>
internal sealed record ZipEntryRecord(
    string Name,
    string? UnicodePathName,
    byte[] RawName,
    ushort Flags,
    ushort Method,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset,
    bool HasAesExtra,
    ushort VersionMadeBy = 0,
    uint ExternalAttributes = 0)
{
    public bool IsEncrypted => (Flags & 0x0001) != 0 || (Flags & 0x0040) != 0 || HasAesExtra || Method == 99;
    public bool IsDirectory => Name.EndsWith('/') || Name.EndsWith('\\');

    /// <summary>A Unix symbolic link (made on Unix, mode S_IFLNK): Info-ZIP's unzip creates it, its data being the target.</summary>
    public bool IsSymbolicLink => VersionMadeBy >> 8 == 3 && (ExternalAttributes >> 16 & 0xF000) == 0xA000;

    /// <summary>The name extractors use: Info-ZIP's Unicode path field wins over the header name when present.</summary>
    public string EffectiveName => UnicodePathName ?? Name;
}

/// <summary>
/// A bounds-checked reader of a ZIP archive's end records and central directory. It reads only the directory (never
/// the whole file), enumerates records lazily and refuses anything that points outside the file or overlaps.
/// </summary>
internal sealed class ZipDirectory
{
    private const uint EndSignature = 0x06054b50, End64Signature = 0x06064b50, End64LocatorSignature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
    private static readonly Encoding Cp437 = CodePagesEncodingProvider.Instance.GetEncoding(437) ?? Encoding.Latin1;

    private readonly Stream stream;

    private ZipDirectory(Stream stream, long entryCount, long directoryOffset, long directorySize)
    {
        this.stream = stream;
        EntryCount = entryCount;
        DirectoryOffset = directoryOffset;
        DirectorySize = directorySize;
    }

    /// <summary>The number of entries the end record declares (checked against the directory's size).</summary>
    public long EntryCount { get; }

    public long DirectoryOffset { get; }
    public long DirectorySize { get; }

    /// <summary>Finds the end records and checks that the directory lies where they say. Throws <see cref="InvalidDataException"/>.</summary>
    public static ZipDirectory Open(Stream stream)
    {
        var length = stream.Length;
        if (length < 22) throw new InvalidDataException("too short for a ZIP archive");
        var tailLength = (int)Math.Min(length, 22 + 0xFFFF);
        var tail = new byte[tailLength];
        StreamBytes.ReadExactlyAt(stream, length - tailLength, tail);

        var end = -1;
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EndSignature) continue;
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 20));
            if (i + 22 + commentLength <= tailLength) { end = i; break; }
        }
        if (end < 0) throw new InvalidDataException("no end of central directory record");

        var record = tail.AsSpan(end);
        var endOffset = length - tailLength + end;
        var disk = BinaryPrimitives.ReadUInt16LittleEndian(record[4..]);
        var directoryDisk = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
        var directoryEnd = endOffset;

        var hasLocator = endOffset >= 20 && ReadUInt32At(stream, endOffset - 20) == End64LocatorSignature;
        if (hasLocator)
        {
            Span<byte> locator = stackalloc byte[20];
            StreamBytes.ReadExactlyAt(stream, endOffset - 20, locator);
            var end64Offset = BinaryPrimitives.ReadInt64LittleEndian(locator[8..]);
            if (end64Offset < 0 || end64Offset > endOffset - 20 - 56) throw new InvalidDataException("ZIP64 end record outside the file");
            Span<byte> end64 = stackalloc byte[56];
            StreamBytes.ReadExactlyAt(stream, end64Offset, end64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(end64) != End64Signature) throw new InvalidDataException("bad ZIP64 end record");
            disk = (ushort)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(end64[16..]), ushort.MaxValue);
            directoryDisk = (ushort)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(end64[20..]), ushort.MaxValue);
            count = BinaryPrimitives.ReadInt64LittleEndian(end64[32..]);
            size = BinaryPrimitives.ReadInt64LittleEndian(end64[40..]);
            offset = BinaryPrimitives.ReadInt64LittleEndian(end64[48..]);
            directoryEnd = end64Offset;
        }
        else if (count == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF)
        {
            throw new InvalidDataException("ZIP64 values without a ZIP64 end record");
        }

        if (disk != 0 || directoryDisk != 0) throw new InvalidDataException("multi-volume ZIP archives are not supported");
        // The directory must end where the end records begin: data before the archive (a polyglot) or a directory
        // that is not where the records say is refused rather than guessed at.
        if (count < 0 || size < 0 || offset < 0 || offset + size != directoryEnd)
            throw new InvalidDataException("the central directory is not where the end record says");
        if (count > size / 46) throw new InvalidDataException("more entries declared than the central directory can hold");

        return new ZipDirectory(stream, count, offset, size);
    }

    /// <summary>
    /// Whether a ZIP archive sits at the end of other content (a polyglot: an image or PDF that unzip tools also open).
    /// It is recognised by an end record whose central directory starts right before it with a directory signature.
    /// </summary>
    public static bool HasTrailingArchive(Stream stream)
    {
        var length = stream.Length;
        if (length < 22 + 46) return false;
        var tailLength = (int)Math.Min(length, 22 + 0xFFFF);
        var tail = new byte[tailLength];
        StreamBytes.ReadExactlyAt(stream, length - tailLength, tail);
        for (var i = tailLength - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EndSignature) continue;
            var size = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i + 12));
            var directoryStart = length - tailLength + i - size;
            if (size >= 46 && directoryStart >= 0 && ReadUInt32At(stream, directoryStart) == CentralSignature) return true;
        }
        return false;
    }

    /// <summary>Reads the central directory records one by one (never more than <see cref="EntryCount"/>).</summary>
    public IEnumerable<ZipEntryRecord> ReadEntries(CancellationToken ct)
    {
        var reader = new BufferedRegion(stream, DirectoryOffset, DirectorySize);
        var fixedPart = new byte[46];
        for (long i = 0; i < EntryCount; i++)
        {
            ct.ThrowIfCancellationRequested();
            reader.ReadExactly(fixedPart);
            var header = fixedPart.AsSpan();
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != CentralSignature)
                throw new InvalidDataException("bad central directory record");
            var madeBy = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
            var method = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
            var startDisk = BinaryPrimitives.ReadUInt16LittleEndian(header[34..]);
            var externalAttributes = BinaryPrimitives.ReadUInt32LittleEndian(header[38..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[42..]);

            var rawName = new byte[nameLength];
            reader.ReadExactly(rawName);
            var extra = new byte[extraLength];
            reader.ReadExactly(extra);
            reader.Skip(commentLength);

            string? unicodeName = null;
            var aes = false;
            foreach (var (id, data) in ExtraFields(extra))
            {
                switch (id)
                {
                    case 0x0001:
                        var at = 0;
                        if (uncompressed == 0xFFFFFFFF) uncompressed = ReadZip64Value(data, ref at);
                        if (compressed == 0xFFFFFFFF) compressed = ReadZip64Value(data, ref at);
                        if (localOffset == 0xFFFFFFFF) localOffset = ReadZip64Value(data, ref at);
                        break;
                    case 0x9901:
                        aes = true;
                        break;
                    case 0x7075 when data.Length > 5 && data[0] == 1:
                        unicodeName = DecodeName(data[5..], utf8: true);
                        break;
                }
            }

            if (startDisk != 0 && startDisk != 0xFFFF) throw new InvalidDataException("entry on another volume");
            if (compressed < 0 || uncompressed < 0 || localOffset < 0 || localOffset > DirectoryOffset - 30)
                throw new InvalidDataException("an entry lies outside the archive");
            if (compressed > DirectoryOffset - localOffset - 30 - nameLength)
                throw new InvalidDataException("an entry's data runs into the central directory");

            yield return new ZipEntryRecord(DecodeName(rawName, (flags & 0x0800) != 0), unicodeName, rawName, flags, method,
                compressed, uncompressed, localOffset, aes, madeBy, externalAttributes);
        }
    }

    /// <summary>
    /// The compressed bytes of an entry: checks the local header against the central record (same name, data inside the
    /// archive) and returns a window of exactly the declared compressed size.
    /// </summary>
    public Stream OpenRawData(ZipEntryRecord entry)
    {
        Span<byte> local = stackalloc byte[30];
        StreamBytes.ReadExactlyAt(stream, entry.LocalHeaderOffset, local);
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalSignature) throw new InvalidDataException("bad local header");
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(local[26..]);
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(local[28..]);
        var localName = new byte[nameLength];
        StreamBytes.ReadExactlyAt(stream, entry.LocalHeaderOffset + 30, localName);
        // Streaming extractors use the local name, the rest use the central one: both must say the same.
        if (!localName.AsSpan().SequenceEqual(entry.RawName)) throw new InvalidDataException("local and central names differ");
        var dataStart = entry.LocalHeaderOffset + 30 + nameLength + extraLength;
        if (dataStart + entry.CompressedSize > DirectoryOffset) throw new InvalidDataException("entry data runs into the central directory");
        return new SubStream(stream, dataStart, entry.CompressedSize);
    }

    /// <summary>Refuses entries whose data overlap (the trick of non-recursive ZIP bombs) by their lowest possible extent.</summary>
    public static void CheckNoOverlap(List<ZipEntryRecord> entries)
    {
        var byOffset = entries.OrderBy(e => e.LocalHeaderOffset).ToList();
        for (var i = 1; i < byOffset.Count; i++)
        {
            var previous = byOffset[i - 1];
            var previousEnd = previous.LocalHeaderOffset + 30 + previous.RawName.Length + previous.CompressedSize;
            if (previousEnd > byOffset[i].LocalHeaderOffset) throw new InvalidDataException("entries overlap");
        }
    }

    private static string DecodeName(ReadOnlySpan<byte> raw, bool utf8)
    {
        // Many tools write UTF-8 without setting the flag; what is not valid UTF-8 is the old DOS code page.
        try { return StrictUtf8.GetString(raw); }
        catch (DecoderFallbackException) { return utf8 ? Encoding.UTF8.GetString(raw) : Cp437.GetString(raw); }
    }

    private static long ReadZip64Value(ReadOnlySpan<byte> data, ref int at)
    {
        if (at + 8 > data.Length) throw new InvalidDataException("short ZIP64 extra field");
        var value = BinaryPrimitives.ReadInt64LittleEndian(data[at..]);
        at += 8;
        return value;
    }

    private static List<(ushort Id, byte[] Data)> ExtraFields(byte[] extra)
    {
        var fields = new List<(ushort, byte[])>();
        var at = 0;
        while (at + 4 <= extra.Length)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra.AsSpan(at));
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra.AsSpan(at + 2));
            if (at + 4 + size > extra.Length) break;
            fields.Add((id, extra.AsSpan(at + 4, size).ToArray()));
            at += 4 + size;
        }
        return fields;
    }

    private static uint ReadUInt32At(Stream stream, long offset)
    {
        Span<byte> bytes = stackalloc byte[4];
        return StreamBytes.ReadAt(stream, offset, bytes) == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : 0;
    }

    /// <summary>Sequential buffered reads within one region of the file.</summary>
    private sealed class BufferedRegion(Stream stream, long offset, long length)
    {
        private readonly BufferedStream buffered = new(new SubStream(stream, offset, length), 64 * 1024);

        public void ReadExactly(Span<byte> into)
        {
            if (buffered.ReadAtLeast(into, into.Length, throwOnEndOfStream: false) != into.Length)
                throw new InvalidDataException("the central directory ends inside a record");
        }

        public void Skip(int count)
        {
            Span<byte> sink = stackalloc byte[256];
            while (count > 0)
            {
                var chunk = Math.Min(count, sink.Length);
                ReadExactly(sink[..chunk]);
                count -= chunk;
            }
        }
    }
}
