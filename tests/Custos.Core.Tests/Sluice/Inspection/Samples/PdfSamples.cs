using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Custos.Core.Tests.Sluice.Inspection.Samples;

/// <summary>Small PDFs written by hand, with a correct cross-reference table or stream.</summary>
internal static class PdfSamples
{
    private const string Page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>";
    private const string Font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

    /// <summary>One page saying hello, its content stream compressed.</summary>
    public static byte[] Clean() => Document("<< /Type /Catalog /Pages 2 0 R >>");

    public static byte[] WithOpenAction() =>
        Document("<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>");

    /// <summary>A document-level JavaScript action whose names are all written with #xx escapes, as obfuscated samples do.</summary>
    public static byte[] WithEscapedJavaScript() =>
        Document("<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 6 0 R >> >>",
            extraObjects: [(6, "<< /Names [(a) 7 0 R] >>"), (7, "<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")]);

    /// <summary>A clean document with one more stream (object 6).</summary>
    public static byte[] WithStream(string dictionary, byte[] data) =>
        Document("<< /Type /Catalog /Pages 2 0 R >>", extraStreams: [(6, dictionary, data)]);

    /// <summary>A clean document with one more object (object 6).</summary>
    public static byte[] WithObject(string body) => Document("<< /Type /Catalog /Pages 2 0 R >>", extraObjects: [(6, body)]);

    /// <summary>A dictionary key /JSON that a prefix match would take for /JS.</summary>
    public static byte[] WithJsonKey() => Document("<< /Type /Catalog /Pages 2 0 R /JSON (data) /JSX 1 >>");

    /// <summary>A FlateDecode stream whose bytes do not inflate, and nothing active anywhere.</summary>
    public static byte[] WithBrokenStream()
    {
        var garbage = Enumerable.Range(0, 300).Select(i => (byte)(i * 7 + 3)).ToArray();
        return Document("<< /Type /Catalog /Pages 2 0 R >>", extraStreams: [(6, "/Filter /FlateDecode", garbage)]);
    }

    /// <summary>A trailer naming an /Encrypt dictionary (the streams themselves are left readable).</summary>
    public static byte[] WithEncryptTrailer() =>
        Document("<< /Type /Catalog /Pages 2 0 R >>", extraObjects: [(6, "<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>")],
            trailerExtra: " /Encrypt 6 0 R /ID [<01> <01>]");

    /// <summary>
    /// A PDF 1.5 whose catalog (with /OpenAction) and JavaScript action sit inside a Flate-compressed object stream,
    /// referenced from a cross-reference stream: the raw bytes show neither name.
    /// </summary>
    /// <param name="decoy">An object written before the object stream (object 7), e.g. a string that fakes a stream start.</param>
    public static byte[] WithJavaScriptInObjectStream(string? decoy = null)
    {
        string[] packed =
        [
            "<< /Type /Catalog /Pages 3 0 R /OpenAction 4 0 R >>",
            "<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            "<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
        ];
        var body = new StringBuilder();
        var header = new StringBuilder();
        for (var i = 0; i < packed.Length; i++)
        {
            header.Append($"{i + 2} {body.Length} ");
            body.Append(packed[i]).Append('\n');
        }
        var objectStream = Encoding.ASCII.GetBytes(header.ToString() + body);
        var first = header.Length;

        var pdf = new PdfWriter("1.5");
        var offsets = new Dictionary<int, long>();
        if (decoy is not null) offsets[7] = pdf.Object(7, decoy);
        offsets[1] = pdf.Stream(1, $"/Type /ObjStm /N {packed.Length} /First {first} /Filter /FlateDecode", Deflate(objectStream));
        offsets[5] = pdf.Object(5, "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>");

        // Cross-reference stream: type 1 (offset), type 2 (object stream 1, index), W [1 4 2].
        var xrefOffset = pdf.Position;
        var entries = new MemoryStream();
        void Entry(byte type, long field2, int field3)
        {
            Span<byte> row = stackalloc byte[7];
            row[0] = type;
            BinaryPrimitives.WriteUInt32BigEndian(row[1..], (uint)field2);
            BinaryPrimitives.WriteUInt16BigEndian(row[5..], (ushort)field3);
            entries.Write(row);
        }
        Entry(0, 0, 0xFFFF);
        Entry(1, offsets[1], 0);
        Entry(2, 1, 0);
        Entry(2, 1, 1);
        Entry(2, 1, 2);
        Entry(1, offsets[5], 0);
        Entry(1, xrefOffset, 0);
        if (decoy is not null) Entry(1, offsets[7], 0);
        pdf.Stream(6, $"/Type /XRef /Size {(decoy is null ? 7 : 8)} /W [1 4 2] /Root 2 0 R", entries.ToArray());
        pdf.Raw($"startxref\n{xrefOffset}\n%%EOF\n");
        return pdf.ToArray();
    }

    private static byte[] Document(string catalog, (int Number, string Body)[]? extraObjects = null,
        (int Number, string Dictionary, byte[] Data)[]? extraStreams = null, string trailerExtra = "")
    {
        var pdf = new PdfWriter("1.4");
        var offsets = new SortedDictionary<int, long>
        {
            [1] = pdf.Object(1, catalog),
            [2] = pdf.Object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            [3] = pdf.Object(3, Page),
            [4] = pdf.Stream(4, "/Filter /FlateDecode", Deflate("BT /F1 24 Tf 72 700 Td (Hello from the sluice) Tj ET"u8.ToArray())),
            [5] = pdf.Object(5, Font),
        };
        foreach (var (number, body) in extraObjects ?? []) offsets[number] = pdf.Object(number, body);
        foreach (var (number, dictionary, data) in extraStreams ?? []) offsets[number] = pdf.Stream(number, dictionary, data);

        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets.Values) table.Append($"{offset:D10} 00000 n \n");
        table.Append($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R{trailerExtra} >>\nstartxref\n{xref}\n%%EOF\n");
        pdf.Raw(table.ToString());
        return pdf.ToArray();
    }

    public static byte[] Deflate(byte[] data)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(data);
        return output.ToArray();
    }

    private sealed class PdfWriter
    {
        private readonly MemoryStream output = new();

        public PdfWriter(string version) => Raw($"%PDF-{version}\n%\u00e2\u00e3\u00cf\u00d3\n");

        public long Position => output.Position;

        public long Object(int number, string body)
        {
            var at = output.Position;
            Raw($"{number} 0 obj\n{body}\nendobj\n");
            return at;
        }

        public long Stream(int number, string dictionary, byte[] data)
        {
            var at = output.Position;
            Raw($"{number} 0 obj\n<< {dictionary} /Length {data.Length} >>\nstream\n");
            output.Write(data);
            Raw("\nendstream\nendobj\n");
            return at;
        }

        public void Raw(string text) => output.Write(Encoding.Latin1.GetBytes(text));

        public byte[] ToArray() => output.ToArray();
    }
}
