using System.Buffers.Binary;
using System.Text;

namespace Custos.Core.Tests.Sluice.Inspection.Samples;

/// <summary>
/// A minimal writer of OLE compound files (MS-CFB version 3, 512-byte sectors, one FAT sector): storages and streams of
/// at least 4096 bytes (or empty), so that no mini stream is needed. Enough to build legacy Office files for tests.
/// </summary>
internal sealed class CompoundFileWriter(Guid? rootClass = null)
{
    private const uint Free = 0xFFFFFFFF, EndOfChain = 0xFFFFFFFE, FatSector = 0xFFFFFFFD, NoStream = 0xFFFFFFFF;

    public sealed class Node(string name, bool isStorage, byte[] data)
    {
        public string Name { get; } = name;
        public bool IsStorage { get; } = isStorage;
        public byte[] Data { get; } = data;
        public List<Node> Children { get; } = [];

        public Node Storage(string childName)
        {
            var child = new Node(childName, true, []);
            Children.Add(child);
            return child;
        }

        public Node Stream(string childName, byte[]? content = null)
        {
            if (content is { Length: > 0 and < 4096 }) throw new ArgumentException("Streams here are empty or at least 4096 bytes.");
            Children.Add(new Node(childName, false, content ?? []));
            return this;
        }
    }

    public Node Root { get; } = new("Root Entry", true, []);

    public byte[] Build()
    {
        var all = new List<Node>();
        void Collect(Node node)
        {
            all.Add(node);
            foreach (var child in node.Children) Collect(child);
        }
        Collect(Root);

        var directorySectors = (all.Count + 3) / 4;
        var next = 1 + directorySectors;
        var starts = new Dictionary<Node, uint>();
        var fat = Enumerable.Repeat(Free, 128).ToArray();
        fat[0] = FatSector;
        for (var i = 1; i <= directorySectors; i++) fat[i] = i == directorySectors ? EndOfChain : (uint)(i + 1);
        foreach (var node in all.Where(n => n.Data.Length > 0))
        {
            var sectors = (node.Data.Length + 511) / 512;
            starts[node] = (uint)next;
            for (var s = 0; s < sectors; s++) fat[next + s] = s == sectors - 1 ? EndOfChain : (uint)(next + s + 1);
            next += sectors;
        }
        if (next > 128) throw new InvalidOperationException("Too much data for one FAT sector.");

        var file = new byte[512 * (1 + next)];
        var header = file.AsSpan(0, 512);
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[24..], 0x3E);
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 3);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], 9);
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 6);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], 4096);
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], EndOfChain);
        BinaryPrimitives.WriteUInt32LittleEndian(header[68..], EndOfChain);
        for (var i = 0; i < 109; i++) BinaryPrimitives.WriteUInt32LittleEndian(header[(76 + 4 * i)..], i == 0 ? 0u : Free);

        var fatSector = file.AsSpan(512, 512);
        for (var i = 0; i < 128; i++) BinaryPrimitives.WriteUInt32LittleEndian(fatSector[(4 * i)..], fat[i]);

        var ids = all.Select((node, index) => (node, index)).ToDictionary(p => p.node, p => p.index);
        var directory = file.AsSpan(1024, directorySectors * 512);
        foreach (var node in all)
        {
            var entry = directory.Slice(ids[node] * 128, 128);
            var name = Encoding.Unicode.GetBytes(node.Name);
            name.CopyTo(entry);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[64..], (ushort)(name.Length + 2));
            entry[66] = (byte)(node == Root ? 5 : node.IsStorage ? 1 : 2);
            entry[67] = 1; // black
            // Siblings as a right-leaning chain: a valid (if unbalanced) tree for readers that walk it.
            var parent = all.FirstOrDefault(p => p.Children.Contains(node));
            var position = parent?.Children.IndexOf(node) ?? -1;
            var right = parent is not null && position + 1 < parent.Children.Count ? (uint)ids[parent.Children[position + 1]] : NoStream;
            BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], NoStream);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], right);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], node.Children.Count > 0 ? (uint)ids[node.Children[0]] : NoStream);
            if (node == Root && rootClass is { } clsid) clsid.TryWriteBytes(entry[80..96]);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[116..], starts.TryGetValue(node, out var start) ? start : EndOfChain);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[120..], (ulong)node.Data.Length);
            if (starts.TryGetValue(node, out var at)) node.Data.CopyTo(file.AsSpan(512 * (1 + (int)at)));
        }
        for (var unused = all.Count; unused < directorySectors * 4; unused++)
        {
            var entry = directory.Slice(unused * 128, 128);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], NoStream);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], NoStream);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], NoStream);
        }
        return file;
    }

    /// <summary>A Word 97-2003 document: the WordDocument and 1Table streams, optionally a VBA project under Macros.</summary>
    public static byte[] WordDocument(bool withMacros, bool withEmbeddedPackage = false)
    {
        var writer = new CompoundFileWriter();
        writer.Root.Stream("WordDocument", new byte[4096]).Stream("1Table", new byte[4096]);
        if (withMacros)
        {
            var vba = writer.Root.Storage("Macros").Storage("VBA");
            vba.Stream("dir", new byte[4096]).Stream("_VBA_PROJECT", new byte[4096]).Stream("ThisDocument", new byte[4096]);
        }
        if (withEmbeddedPackage) writer.Root.Storage("ObjectPool").Storage("_1234567890").Stream("\u0001Ole10Native", new byte[4096]);
        return writer.Build();
    }

    /// <summary>An Excel 97-2003 workbook whose globals declare one sheet of the given BoundSheet type (1: macro sheet).</summary>
    public static byte[] ExcelWorkbook(byte sheetType)
    {
        var records = new MemoryStream();
        void Record(ushort type, byte[] body)
        {
            Span<byte> head = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(head, type);
            BinaryPrimitives.WriteUInt16LittleEndian(head[2..], (ushort)body.Length);
            records.Write(head);
            records.Write(body);
        }
        Record(0x0809, new byte[16]); // BOF
        var sheet = new byte[] { 0, 0, 0, 0, 0, sheetType, 6, 0 }.Concat("Sheet1"u8.ToArray()).ToArray();
        Record(0x0085, sheet);
        Record(0x000A, []); // EOF
        var workbook = new byte[4096];
        records.ToArray().CopyTo(workbook, 0);
        var writer = new CompoundFileWriter();
        writer.Root.Stream("Workbook", workbook);
        return writer.Build();
    }
}
