using System.Buffers.Binary;
using System.IO.Compression;
using System.Xml;

namespace Custos.Core.Documents.Text;

/// <summary>
/// The words of Office Open XML files: Word (body, headers, footers, footnotes, endnotes), Excel (shared strings and
/// the strings stored in the sheets) and PowerPoint (slides and speaker notes). Only text nodes are read; field codes,
/// deleted revisions, phonetic guides and the duplicate fallbacks of markup compatibility are not.
/// </summary>
/// <remarks>
/// An Office file is a ZIP, and a ZIP can claim anything. Before a byte is inflated the archive's directory must be
/// small, and every part that will be read must declare a size and compression ratio no real document has; while
/// inflating, a part that yields more than it declared is refused. A zip bomb therefore gives null without ever
/// being expanded. The XML parser refuses document type declarations, so entities cannot expand either.
/// </remarks>
internal static class OfficeText
{
    /// <summary>Entries in the archive; a large Excel workbook has a few hundred.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>Bytes of the central directory, which ZipArchive reads whole: 10,000 entries with long names.</summary>
    public const long MaxDirectoryBytes = 8L << 20;

    /// <summary>Declared uncompressed bytes of one part that is read.</summary>
    public const long MaxPartBytes = 128L << 20;

    /// <summary>Uncompressed bytes of all parts read together; past it the remaining parts are left out.</summary>
    public const long MaxTotalBytes = 512L << 20;

    /// <summary>Uncompressed to compressed size of a part above <see cref="RatioCheckFromBytes"/>. Office XML
    /// compresses some 5 to 30 times; Deflate's ceiling is 1032. Apache POI uses the same bound.</summary>
    public const int MaxCompressionRatio = 100;

    /// <summary>Small parts may compress as well as they like: they cannot hurt.</summary>
    public const long RatioCheckFromBytes = 1L << 20;

    private const string WordMain = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string WordStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main";
    private const string DrawingMain = "http://schemas.openxmlformats.org/drawingml/2006/main";
    private const string DrawingStrict = "http://purl.oclc.org/ooxml/drawingml/main";
    private const string SheetMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string SheetStrict = "http://purl.oclc.org/ooxml/spreadsheetml/main";
    private const string MarkupCompatibility = "http://schemas.openxmlformats.org/markup-compatibility/2006";

    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxPartBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private enum Flavor { Word, Drawing, SharedStrings, Sheet }

    /// <summary>Returns the text, or null when <paramref name="zip"/> is not a Word, Excel or PowerPoint file, is
    /// damaged, or breaks one of the bounds above.</summary>
    public static string? Extract(Stream zip, int maxChars, CancellationToken ct)
    {
        try
        {
            if (!DirectoryIsBounded(zip))
            {
                return null;
            }

            zip.Position = 0;
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            if (archive.Entries.Count > MaxEntries)
            {
                return null;
            }

            // Part names are case-insensitive in OPC; two entries that differ only in case are ambiguous, and
            // ambiguity in an archive is how content is smuggled past one reader and shown by another.
            var parts = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in archive.Entries)
            {
                if (!parts.TryAdd(entry.FullName, entry))
                {
                    return null;
                }
            }

            if (!parts.ContainsKey("[Content_Types].xml") || Plan(parts) is not { } plan)
            {
                return null;
            }

            foreach (var (entry, _) in plan)
            {
                if (entry.Length > MaxPartBytes
                    || entry.Length > RatioCheckFromBytes && entry.Length > entry.CompressedLength * MaxCompressionRatio)
                {
                    return null;
                }
            }

            var sink = new TextSink(maxChars);
            long total = 0;
            foreach (var (entry, flavor) in plan)
            {
                total += entry.Length;
                if (sink.IsFull || total > MaxTotalBytes)
                {
                    break;
                }

                ct.ThrowIfCancellationRequested();
                ReadPart(entry, flavor, sink, ct);
                sink.Break();
            }

            return sink.ToString();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // InvalidDataException (damaged ZIP or a part larger than declared), XmlException (bad XML, a DTD),
            // NotSupportedException (an unknown compression method) and the like: the file cannot be read.
            return null;
        }
    }

    /// <summary>The parts to read in reading order, or null when the archive is no Word, Excel or PowerPoint file.
    /// The main parts are found by their usual names, which every Office version and common generator uses.</summary>
    private static List<(ZipArchiveEntry Entry, Flavor Flavor)>? Plan(Dictionary<string, ZipArchiveEntry> parts)
    {
        var plan = new List<(ZipArchiveEntry, Flavor)>();
        void Add(string name, Flavor flavor)
        {
            if (parts.TryGetValue(name, out var entry))
            {
                plan.Add((entry, flavor));
            }
        }

        void AddNumbered(string prefix, Flavor flavor) =>
            plan.AddRange(Numbered(parts, prefix).Select(entry => (entry, flavor)));

        if (parts.ContainsKey("word/document.xml"))
        {
            Add("word/document.xml", Flavor.Word);
            AddNumbered("word/header", Flavor.Word);
            AddNumbered("word/footer", Flavor.Word);
            Add("word/footnotes.xml", Flavor.Word);
            Add("word/endnotes.xml", Flavor.Word);
        }
        else if (parts.ContainsKey("xl/workbook.xml"))
        {
            Add("xl/sharedStrings.xml", Flavor.SharedStrings);
            AddNumbered("xl/worksheets/sheet", Flavor.Sheet);
        }
        else if (parts.ContainsKey("ppt/presentation.xml"))
        {
            AddNumbered("ppt/slides/slide", Flavor.Drawing);
            AddNumbered("ppt/notesSlides/notesSlide", Flavor.Drawing);
        }
        else
        {
            return null;
        }

        return plan;
    }

    /// <summary>Entries named prefix, a number and ".xml", by number (slide2 before slide10).</summary>
    private static IEnumerable<ZipArchiveEntry> Numbered(Dictionary<string, ZipArchiveEntry> parts, string prefix)
    {
        var numbered = new List<(int Number, ZipArchiveEntry Entry)>();
        foreach (var (name, entry) in parts)
        {
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                || !name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var digits = name.AsSpan(prefix.Length, name.Length - prefix.Length - ".xml".Length);
            if (digits.Length is > 0 and <= 9 && !digits.ContainsAnyExceptInRange('0', '9'))
            {
                numbered.Add((int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture), entry));
            }
        }

        return numbered.OrderBy(part => part.Number).Select(part => part.Entry);
    }

    private static void ReadPart(ZipArchiveEntry entry, Flavor flavor, TextSink sink, CancellationToken ct)
    {
        if (entry.Length == 0)
        {
            return;
        }

        using var stream = new DeclaredLengthStream(entry.Open(), entry.Length);
        using var reader = XmlReader.Create(stream, XmlSettings);
        int textDepth = -1;
        int skipDepth = -1;
        string? cellType = null;
        int nodes = 0;

        while (reader.Read() && !sink.IsFull)
        {
            if (++nodes % 4096 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            switch (reader.NodeType)
            {
                case XmlNodeType.Element when skipDepth < 0:
                    if (IsSkipped(reader, flavor))
                    {
                        if (!reader.IsEmptyElement)
                        {
                            skipDepth = reader.Depth;
                        }
                    }
                    else if (IsOwn(reader.NamespaceURI, flavor))
                    {
                        OnElement(reader, flavor, sink, ref textDepth, ref cellType);
                    }

                    break;

                case XmlNodeType.EndElement:
                    if (skipDepth >= 0)
                    {
                        skipDepth = reader.Depth == skipDepth ? -1 : skipDepth;
                    }
                    else
                    {
                        if (reader.Depth == textDepth)
                        {
                            textDepth = -1;
                        }

                        if (IsOwn(reader.NamespaceURI, flavor))
                        {
                            OnEnd(reader.LocalName, flavor, sink);
                        }
                    }

                    break;

                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace
                    when textDepth >= 0 && skipDepth < 0:
                    sink.Append(reader.Value);
                    break;
            }
        }
    }

    private static bool IsOwn(string ns, Flavor flavor) => flavor switch
    {
        Flavor.Word => ns is WordMain or WordStrict,
        Flavor.Drawing => ns is DrawingMain or DrawingStrict,
        _ => ns is SheetMain or SheetStrict,
    };

    /// <summary>Subtrees whose text is not the document's: the fallback copy of content that markup compatibility
    /// gives twice (Word text boxes) and the phonetic readings of Japanese text in Excel.</summary>
    private static bool IsSkipped(XmlReader reader, Flavor flavor) =>
        reader.NamespaceURI == MarkupCompatibility && reader.LocalName == "Fallback"
        || flavor is Flavor.SharedStrings or Flavor.Sheet && reader.LocalName == "rPh" && IsOwn(reader.NamespaceURI, flavor);

    private static void OnElement(XmlReader reader, Flavor flavor, TextSink sink, ref int textDepth, ref string? cellType)
    {
        bool empty = reader.IsEmptyElement;
        switch (flavor, reader.LocalName)
        {
            case (_, "t"):
            case (Flavor.Sheet, "v") when cellType == "str":
                // Excel keeps numbers and shared-string indexes in v; only a formula's text result is text.
                textDepth = empty ? textDepth : reader.Depth;
                break;
            case (Flavor.Word, "tab"):
                sink.Space();
                break;
            case (Flavor.Word, "br" or "cr"):
            case (Flavor.Drawing, "br"):
            case (Flavor.Word or Flavor.Drawing, "p") when empty:
                sink.Break();
                break;
            case (Flavor.Sheet, "c"):
                cellType = reader.GetAttribute("t");
                sink.Space();
                break;
        }
    }

    private static void OnEnd(string name, Flavor flavor, TextSink sink)
    {
        switch (flavor, name)
        {
            case (Flavor.Word or Flavor.Drawing, "p"):
            case (Flavor.SharedStrings, "si"):
            case (Flavor.Sheet, "row"):
                sink.Break();
                break;
            case (Flavor.Sheet, "c"):
                sink.Space();
                break;
        }
    }

    /// <summary>
    /// Whether the end-of-central-directory record announces few enough entries and directory bytes. ZipArchive
    /// reads the whole directory into objects when it opens, so this is checked on the raw bytes first.
    /// </summary>
    private static bool DirectoryIsBounded(Stream zip)
    {
        const int EndRecordLength = 22;
        const int Zip64LocatorLength = 20;
        const int Zip64EndRecordLength = 56;

        long length = zip.Length;
        if (length < EndRecordLength)
        {
            return false;
        }

        // The record ends the file, followed only by a comment of at most 65,535 bytes.
        int tailLength = (int)Math.Min(length, EndRecordLength + ushort.MaxValue);
        var tail = new byte[tailLength];
        zip.Position = length - tailLength;
        zip.ReadExactly(tail);

        int at = tail.AsSpan(0, tailLength - EndRecordLength + 4).LastIndexOf("PK\x05\x06"u8);
        if (at < 0)
        {
            return false;
        }

        ulong entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(at + 10));
        ulong directoryBytes = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at + 12));
        if (entries == ushort.MaxValue || directoryBytes == uint.MaxValue)
        {
            // ZIP64: the real numbers are in the ZIP64 end record, which the locator just before this one points to.
            long locatorAt = length - tailLength + at - Zip64LocatorLength;
            if (locatorAt < 0)
            {
                return false;
            }

            Span<byte> locator = stackalloc byte[Zip64LocatorLength];
            zip.Position = locatorAt;
            zip.ReadExactly(locator);
            ulong recordAt = BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
            if (!locator.StartsWith("PK\x06\x07"u8) || recordAt > (ulong)(length - Zip64EndRecordLength))
            {
                return false;
            }

            Span<byte> record = stackalloc byte[Zip64EndRecordLength];
            zip.Position = (long)recordAt;
            zip.ReadExactly(record);
            if (!record.StartsWith("PK\x06\x06"u8))
            {
                return false;
            }

            entries = BinaryPrimitives.ReadUInt64LittleEndian(record[32..]);
            directoryBytes = BinaryPrimitives.ReadUInt64LittleEndian(record[40..]);
        }

        return entries <= MaxEntries && directoryBytes <= MaxDirectoryBytes;
    }

    /// <summary>Refuses a part that inflates to more than its declared size, which is what the size checks trusted.
    /// ZipArchive in .NET 10 already stops reading an entry there (silently, leaving the XML incomplete); this keeps
    /// the bound from depending on that detail of the runtime.</summary>
    private sealed class DeclaredLengthStream(Stream inner, long declared) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            _read += read;
            if (_read > declared)
            {
                throw new InvalidDataException("A part of the archive inflates to more than its declared size.");
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
