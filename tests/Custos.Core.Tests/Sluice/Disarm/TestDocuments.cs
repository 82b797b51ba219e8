using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>Input files for the disarm tests, written byte by byte so that each carries exactly the hazard under test.</summary>
internal static class TestDocuments
{
    /// <summary>
    /// Two pages of Helvetica text; page 1 has a link annotation to a URL, and the document runs JavaScript on open.
    /// </summary>
    public static byte[] PdfWithScriptLinkAndFont() => Pdf(
    [
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 8 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 6 0 R /Annots [9 0 R] >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 7 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        Stream("BT /F1 24 Tf 72 700 Td (Quarterly report, page one) Tj ET"),
        Stream("BT /F1 24 Tf 72 700 Td (Page two) Tj ET"),
        "<< /Type /Action /S /JavaScript /JS (app.alert\\('opened'\\);) >>",
        "<< /Type /Annot /Subtype /Link /Rect [72 690 400 730] /Border [0 0 0] /A << /S /URI /URI (https://example.test/collect) >> >>",
    ]);

    /// <summary>A PDF of <paramref name="pages"/> pages of drawn shapes, each page given <paramref name="userUnit"/>.</summary>
    public static byte[] PdfWithPages(int pages, double userUnit = 1)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + string.Join(" ", Enumerable.Range(0, pages).Select(i => $"{4 + i} 0 R"))
                + $"] /Count {pages} >>",
            // Enough ink per page that rendering at a high resolution takes a while.
            Stream(string.Concat(Enumerable.Range(0, 60).Select(i =>
                $"{i % 3 * 0.4:0.0} {i % 5 * 0.2:0.0} 0.5 rg {10 + i * 9} {20 + i * 13} {400 - i * 5} {300 + i * 7} re f "))),
        };
        var unit = userUnit == 1 ? "" : " /UserUnit " + userUnit.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < pages; i++)
        {
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]{unit} /Resources << >> /Contents 3 0 R >>");
        }
        return Pdf(objects);
    }

    public static byte[] Pdf(IReadOnlyList<string> objects)
    {
        var pdf = new StringBuilder("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        // One character is one byte: offsets above are byte offsets.
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    private static string Stream(string content) => $"<< /Length {content.Length} >>\nstream\n{content}\nendstream";

    /// <summary>A Word document with one paragraph, the least that Word and LibreOffice open.</summary>
    public static byte[] Docx(string paragraph) => Zip(
        ("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"""),
        ("_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""),
        ("word/document.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p></w:body></w:document>"""));

    /// <summary>A workbook with one sheet holding a text cell and a number.</summary>
    public static byte[] Xlsx(string text, int number) => Zip(
        ("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""),
        ("_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""),
        ("xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Umsatz" sheetId="1" r:id="rId1"/></sheets></workbook>"""),
        ("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"""),
        ("xl/worksheets/sheet1.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c><c r="B1"><v>{number}</v></c></row></sheetData></worksheet>"""));

    public static byte[] Zip(params (string Name, string Text)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A PNG whose header claims <paramref name="width"/> x <paramref name="height"/> pixels, with no pixel data.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bits per channel
        ihdr[9] = 2; // truecolour
        PngChunk(png, "IHDR", ihdr);
        PngChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void PngChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    // PNG's chunk checksum (ISO 3309 CRC-32); a checksum, not cryptography, and .NET has none without a package.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>
    /// A GIF of <paramref name="frames"/> one-pixel frames on a <paramref name="side"/>-square canvas: a few bytes per
    /// frame on disk, a full canvas per frame once decoded.
    /// </summary>
    public static byte[] GifFrameBomb(int side, int frames)
    {
        var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        Span<byte> size = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(size, (ushort)side);
        gif.Write(size);
        gif.Write(size);
        // Global colour table of 2 entries (black, white), no background or aspect.
        gif.Write([0x80, 0x00, 0x00, 0, 0, 0, 255, 255, 255]);
        for (var i = 0; i < frames; i++)
        {
            // Image descriptor: a 1 x 1 frame at the origin, then the LZW code stream for one pixel of colour 0.
            gif.Write([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0x00]);
            gif.Write([0x02, 0x02, 0x44, 0x01, 0x00]);
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }
}
