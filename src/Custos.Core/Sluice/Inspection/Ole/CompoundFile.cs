using System.Buffers.Binary;
using System.Text;

namespace Custos.Core.Sluice.Inspection.Ole;

internal enum CompoundEntryType : byte
{
    Empty = 0,
    Storage = 1,
    Stream = 2,
    Root = 5,
}

/// <summary>One directory entry of a compound file: a storage (folder) or a stream (file).</summary>
internal sealed record CompoundEntry(
    int Id, string Name, CompoundEntryType Type, int LeftSibling, int RightSibling, int Child, Guid ClassId, uint StartSector, long Size);

/// <summary>
/// A small, bounds-checked reader of OLE compound files (MS-CFB): header, DIFAT, FAT, mini FAT and directory. Every
/// sector id is range-checked and every chain is bounded by the number of sectors in the file, so loops and ids out of
/// range end in <see cref="InvalidDataException"/>, never in a hang. The FAT is read on demand, never whole.
/// </summary>
internal sealed class CompoundFile
{
    private const uint MaxRegularSector = 0xFFFFFFFA, EndOfChain = 0xFFFFFFFE, NoStream = 0xFFFFFFFF;
    private const int MaxDirectoryEntries = 100_000;

    private readonly Stream stream;
    private readonly int sectorSize;
    private readonly long sectorCount;
    private readonly List<uint> fatSectors;
    private readonly uint firstMiniFatSector;
    private readonly uint miniStreamCutoff;
    private long cachedFatSector = -1;
    private readonly byte[] fatCache;

    private CompoundFile(Stream stream, int sectorSize, long sectorCount, List<uint> fatSectors, uint firstMiniFatSector, uint miniStreamCutoff)
    {
        this.stream = stream;
        this.sectorSize = sectorSize;
        this.sectorCount = sectorCount;
        this.fatSectors = fatSectors;
        this.firstMiniFatSector = firstMiniFatSector;
        this.miniStreamCutoff = miniStreamCutoff;
        fatCache = new byte[sectorSize];
    }

    public IReadOnlyList<CompoundEntry> Entries { get; private set; } = [];

    public CompoundEntry Root => Entries[0];

    public static CompoundFile Open(Stream stream)
    {
        var header = new byte[512];
        StreamBytes.ReadExactlyAt(stream, 0, header);
        if (!header.AsSpan(0, 8).SequenceEqual(Detection.MagicNumbers.CompoundFile)) throw new InvalidDataException("not a compound file");
        var major = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26));
        var sectorShift = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30));
        if (!(major == 3 && sectorShift == 9) && !(major == 4 && sectorShift == 12))
            throw new InvalidDataException("unsupported compound file version");
        var sectorSize = 1 << sectorShift;
        var sectorCount = (stream.Length - sectorSize + sectorSize - 1) / sectorSize;
        if (sectorCount <= 0) throw new InvalidDataException("compound file without sectors");

        var fatCount = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(44));
        var firstDirectory = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(48));
        var miniCutoff = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(56));
        var firstMiniFat = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(60));
        var firstDifat = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(68));
        var difatCount = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(72));
        if (fatCount > sectorCount || difatCount > sectorCount) throw new InvalidDataException("more FAT sectors than the file holds");
        if (miniCutoff != 4096) throw new InvalidDataException("unexpected mini stream cutoff");

        var fatSectors = new List<uint>((int)Math.Min(fatCount, 4096));
        for (var i = 0; i < 109 && fatSectors.Count < fatCount; i++)
            fatSectors.Add(CheckSector(BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(76 + 4 * i)), sectorCount));

        // The DIFAT chain lists the FAT sectors beyond the header's 109; its last slot points to the next DIFAT sector.
        var difat = new byte[sectorSize];
        var next = firstDifat;
        for (uint visited = 0; fatSectors.Count < fatCount; visited++)
        {
            if (visited >= difatCount || next > MaxRegularSector) throw new InvalidDataException("DIFAT chain ends early");
            ReadSector(stream, sectorSize, CheckSector(next, sectorCount), difat);
            for (var i = 0; i < sectorSize / 4 - 1 && fatSectors.Count < fatCount; i++)
                fatSectors.Add(CheckSector(BinaryPrimitives.ReadUInt32LittleEndian(difat.AsSpan(4 * i)), sectorCount));
            next = BinaryPrimitives.ReadUInt32LittleEndian(difat.AsSpan(sectorSize - 4));
        }

        var file = new CompoundFile(stream, sectorSize, sectorCount, fatSectors, firstMiniFat, miniCutoff);
        file.Entries = file.ReadDirectory(firstDirectory);
        if (file.Entries.Count == 0 || file.Entries[0].Type != CompoundEntryType.Root) throw new InvalidDataException("no root entry");
        return file;
    }

    /// <summary>The entries directly inside a storage (walking its sibling tree, each entry at most once).</summary>
    public List<CompoundEntry> Children(CompoundEntry storage)
    {
        var children = new List<CompoundEntry>();
        var seen = new HashSet<int>();
        var pending = new Stack<int>();
        pending.Push(storage.Child);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (id < 0 || id >= Entries.Count || !seen.Add(id)) continue;
            var entry = Entries[id];
            if (entry.Type == CompoundEntryType.Empty) continue;
            children.Add(entry);
            pending.Push(entry.LeftSibling);
            pending.Push(entry.RightSibling);
        }
        return children;
    }

    /// <summary>The first bytes of a stream (at most <paramref name="maxBytes"/>), from the FAT or the mini stream.</summary>
    public byte[] ReadStreamStart(CompoundEntry entry, int maxBytes)
    {
        var length = (int)Math.Min(Math.Max(entry.Size, 0), maxBytes);
        var result = new byte[length];
        if (length == 0) return result;
        if (entry.Size < miniStreamCutoff && entry.Type == CompoundEntryType.Stream)
        {
            ReadMini(entry.StartSector, result);
            return result;
        }
        var buffer = new byte[sectorSize];
        var written = 0;
        foreach (var sector in Chain(entry.StartSector))
        {
            ReadSector(stream, sectorSize, sector, buffer);
            var take = Math.Min(sectorSize, length - written);
            buffer.AsSpan(0, take).CopyTo(result.AsSpan(written));
            written += take;
            if (written == length) return result;
        }
        throw new InvalidDataException("stream shorter than its declared size");
    }

    private void ReadMini(uint start, byte[] result)
    {
        // Mini sectors (64 bytes) live inside the root entry's stream; the mini FAT chains them.
        const int miniSize = 64;
        var rootSectors = ChainList(Root.StartSector);
        var miniFatSectors = ChainList(firstMiniFatSector);
        var entriesPerSector = sectorSize / 4;
        var buffer = new byte[sectorSize];
        var written = 0;
        var current = start;
        for (long steps = 0; written < result.Length; steps++)
        {
            if (steps > (long)rootSectors.Count * (sectorSize / miniSize)) throw new InvalidDataException("mini stream chain loops");
            var byteOffset = (long)current * miniSize;
            var rootIndex = byteOffset / sectorSize;
            if (current > MaxRegularSector || rootIndex >= rootSectors.Count) throw new InvalidDataException("mini sector out of range");
            ReadSector(stream, sectorSize, rootSectors[(int)rootIndex], buffer);
            var take = Math.Min(miniSize, result.Length - written);
            buffer.AsSpan((int)(byteOffset % sectorSize), take).CopyTo(result.AsSpan(written));
            written += take;
            if (written == result.Length) break;

            var fatIndex = current / entriesPerSector;
            if (fatIndex >= miniFatSectors.Count) throw new InvalidDataException("mini FAT out of range");
            ReadSector(stream, sectorSize, miniFatSectors[(int)fatIndex], buffer);
            current = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan((int)(current % entriesPerSector) * 4));
        }
    }

    private List<CompoundEntry> ReadDirectory(uint firstSector)
    {
        var entries = new List<CompoundEntry>();
        var buffer = new byte[sectorSize];
        foreach (var sector in Chain(firstSector))
        {
            ReadSector(stream, sectorSize, sector, buffer);
            for (var at = 0; at + 128 <= sectorSize; at += 128)
            {
                if (entries.Count >= MaxDirectoryEntries) throw new InvalidDataException("too many directory entries");
                entries.Add(ParseEntry(entries.Count, buffer.AsSpan(at, 128), sectorSize));
            }
        }
        return entries;
    }

    private static CompoundEntry ParseEntry(int id, ReadOnlySpan<byte> raw, int sectorSize)
    {
        var nameBytes = Math.Clamp((int)BinaryPrimitives.ReadUInt16LittleEndian(raw[64..]), 0, 64);
        var name = Encoding.Unicode.GetString(raw[..(nameBytes & ~1)]).TrimEnd('\0');
        var type = raw[66] switch
        {
            1 => CompoundEntryType.Storage,
            2 => CompoundEntryType.Stream,
            5 => CompoundEntryType.Root,
            _ => CompoundEntryType.Empty,
        };
        // Version 3 files keep only the low 32 bits of a stream size; the high ones may hold garbage.
        var size = sectorSize == 512
            ? BinaryPrimitives.ReadUInt32LittleEndian(raw[120..])
            : BinaryPrimitives.ReadInt64LittleEndian(raw[120..]);
        return new CompoundEntry(id, name, type,
            (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[68..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[72..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(raw[76..]),
            new Guid(raw[80..96]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[116..]),
            size);
    }

    private List<uint> ChainList(uint start)
    {
        const int maxSectors = 1 << 20;
        var sectors = Chain(start).Take(maxSectors + 1).ToList();
        return sectors.Count <= maxSectors ? sectors : throw new InvalidDataException("mini stream too large");
    }

    /// <summary>The sectors of a FAT chain; a chain longer than the file has sectors is a loop.</summary>
    private IEnumerable<uint> Chain(uint start)
    {
        var current = start;
        for (long steps = 0; current != EndOfChain && current != NoStream; steps++)
        {
            if (steps >= sectorCount) throw new InvalidDataException("sector chain loops");
            yield return CheckSector(current, sectorCount);
            current = NextSector(current);
        }
    }

    private uint NextSector(uint sector)
    {
        var perSector = sectorSize / 4;
        var fatIndex = sector / perSector;
        if (fatIndex >= fatSectors.Count) throw new InvalidDataException("sector beyond the FAT");
        if (cachedFatSector != fatIndex)
        {
            ReadSector(stream, sectorSize, fatSectors[(int)fatIndex], fatCache);
            cachedFatSector = fatIndex;
        }
        return BinaryPrimitives.ReadUInt32LittleEndian(fatCache.AsSpan((int)(sector % perSector) * 4));
    }

    private static uint CheckSector(uint sector, long sectorCount) =>
        sector <= MaxRegularSector && sector < sectorCount ? sector : throw new InvalidDataException("sector id out of range");

    private static void ReadSector(Stream stream, int sectorSize, uint sector, byte[] into)
    {
        var offset = ((long)sector + 1) * sectorSize;
        var read = StreamBytes.ReadAt(stream, offset, into);
        // The last sector of a file may be cut short; what is missing reads as zeros.
        if (read <= 0) throw new InvalidDataException("sector beyond the end of the file");
        into.AsSpan(read).Clear();
    }
}
