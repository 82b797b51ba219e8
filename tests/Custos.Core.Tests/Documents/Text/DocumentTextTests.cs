using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Custos.Core.Documents.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace Custos.Core.Tests.Documents.Text;

public class DocumentTextTests
{
    // PdfPig's standard 14 fonts only have StandardEncoding, which lacks umlauts, so the builder needs a TrueType
    // font; Debian's fonts-dejavu-core is part of the machine image.
    private const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private const string W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string A = "http://schemas.openxmlformats.org/drawingml/2006/main";
    private const string P = "http://schemas.openxmlformats.org/presentationml/2006/main";
    private const string S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private const string ContentTypes =
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>""";

    private static Task<string?> Extract(byte[] content, string mediaType = "application/octet-stream",
        string fileName = "upload.bin", int maxChars = 1_000_000) =>
        DocumentText.ExtractAsync(new MemoryStream(content), mediaType, fileName, maxChars);

    // PDF

    [Fact]
    public async Task ExtractAsync_PdfBuiltWithPdfPig_ReturnsItsWordsWithUmlauts()
    {
        var text = await Extract(BuiltPdf("Prüfbericht Größe", "Zweite Zeile mit 12,50 €"), "application/pdf", "bericht.pdf");

        Assert.NotNull(text);
        Assert.Contains("Prüfbericht Größe", text);
        Assert.Contains("Zweite Zeile mit 12,50 €", text);
    }

    [Fact]
    public async Task ExtractAsync_PdfWithWinAnsiType1Font_ReturnsUmlauts()
    {
        var content = Encoding.Latin1.GetBytes("BT /F1 12 Tf 50 700 Td (Pr\u00fcfbericht Gr\u00f6\u00dfe) Tj ET");

        var text = await Extract(RawPdf(content, flate: false), "application/pdf", "bericht.pdf");

        Assert.Equal("Prüfbericht Größe", text);
    }

    [Fact]
    public async Task ExtractAsync_PdfNamedTxt_IsReadAsPdf()
    {
        var pdf = BuiltPdf("Prüfbericht Größe");

        var text = await Extract(pdf, "text/plain", "bericht.txt");

        Assert.NotNull(text);
        Assert.Contains("Prüfbericht Größe", text);
        Assert.DoesNotContain("%PDF", text);
    }

    [Fact]
    public async Task ExtractAsync_TextFileMentioningAPdfHeader_ReturnsItsText()
    {
        var note = "Prüfbericht: jede PDF-Datei beginnt mit %PDF-1.7 und endet mit %%EOF.";

        Assert.Equal(note, await Extract(Encoding.UTF8.GetBytes(note), "text/plain", "notiz.txt"));
        Assert.Null(await Extract(Encoding.UTF8.GetBytes(note), "application/octet-stream", "notiz.bin"));
    }

    [Fact]
    public async Task ExtractAsync_PdfOnNonSeekableStream_ReturnsItsWords()
    {
        var pdf = BuiltPdf("Prüfbericht Größe");

        var text = await DocumentText.ExtractAsync(new NonSeekableStream(pdf, maxRead: 777), "application/pdf", "a.pdf");

        Assert.NotNull(text);
        Assert.Contains("Prüfbericht Größe", text);
    }

    [Fact]
    public async Task ExtractAsync_TruncatedPdf_ReturnsNull()
    {
        var pdf = BuiltPdf("Prüfbericht Größe");

        foreach (int length in new[] { 5, 10, 100, pdf.Length / 2 })
        {
            Assert.Null(await Extract(pdf[..length], "application/pdf", "a.pdf"));
        }
    }

    [Fact]
    public async Task ExtractAsync_PdfHeaderFollowedByRandomBytes_ReturnsNull()
    {
        var bytes = RandomBytes(64 * 1024, seed: 7);
        "%PDF-1.7\n"u8.CopyTo(bytes);

        Assert.Null(await Extract(bytes, "application/pdf", "a.pdf"));
    }

    /// <summary>PdfPig inflates a stream completely; a 1 MiB file whose content stream holds 1 GiB of zeros made it
    /// allocate 3 GiB and take 20 s before the filters were bounded.</summary>
    [Fact]
    public async Task ExtractAsync_PdfWithFlateBomb_ReturnsNullWithoutExpandingIt()
    {
        var bomb = RawPdf(ZlibZeros(Encoding.Latin1.GetBytes("BT /F1 12 Tf 50 700 Td (Hallo) Tj ET\n"), 1L << 30), flate: true);
        Assert.True(bomb.Length < 2 << 20);

        // Every read completes synchronously, so the extraction runs on this thread and other tests' allocations
        // running in parallel are not counted.
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var text = await Extract(bomb, "application/pdf", "bomb.pdf");
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Null(text);
        Assert.True(allocated < 256L << 20, $"allocated {allocated:N0} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ExtractAsync_PdfWithMaxChars_ReturnsAtMostThatMany()
    {
        var pdf = BuiltPdf("Prüfbericht Größe", "Zweite Zeile");

        var text = await Extract(pdf, "application/pdf", "a.pdf", maxChars: 11);

        Assert.Equal("Prüfbericht", text);
    }

    // Office Open XML

    [Fact]
    public async Task ExtractAsync_Docx_ReturnsBodyHeaderFooterAndNotesButNoDeletedOrFallbackText()
    {
        var document = $"""
            <w:document xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
              <w:body>
                <w:p><w:r><w:t>Prüfbericht</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r><w:r><w:t>Größe</w:t></w:r></w:p>
                <w:p><w:r><w:t>Zelle</w:t><w:tab/><w:t>eins</w:t><w:br/><w:t>neue Zeile</w:t></w:r></w:p>
                <w:p><w:del><w:r><w:delText>gelöscht</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>
                <w:p><mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>Textfeld</w:t></w:r></mc:Choice>
                  <mc:Fallback><w:r><w:t>Textfeld</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>
              </w:body>
            </w:document>
            """;

        var docx = Ooxml(
            ("word/document.xml", document),
            ("word/header1.xml", $"""<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>Kopfzeile</w:t></w:r></w:p></w:hdr>"""),
            ("word/footer1.xml", $"""<w:ftr xmlns:w="{W}"><w:p><w:r><w:t>Fußzeile</w:t></w:r></w:p></w:ftr>"""),
            ("word/footnotes.xml", $"""<w:footnotes xmlns:w="{W}"><w:footnote><w:p><w:r><w:t>Fußnote</w:t></w:r></w:p></w:footnote></w:footnotes>"""));

        var text = await Extract(docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a.docx");

        Assert.Equal("Prüfbericht Größe\nZelle eins\nneue Zeile\nTextfeld\nKopfzeile\nFußzeile\nFußnote", text);
    }

    [Fact]
    public async Task ExtractAsync_Xlsx_ReturnsSharedInlineAndFormulaStrings()
    {
        var xlsx = Ooxml(
            ("xl/workbook.xml", $"""<workbook xmlns="{S}"><sheets><sheet name="Tabelle1" sheetId="1"/></sheets></workbook>"""),
            ("xl/sharedStrings.xml", $"""
                <sst xmlns="{S}" count="2" uniqueCount="2">
                  <si><t>Prüfbericht</t></si>
                  <si><r><t>Grö</t></r><r><t>ße</t></r><rPh sb="0" eb="1"><t>フリガナ</t></rPh></si>
                </sst>
                """),
            ("xl/worksheets/sheet1.xml", $"""
                <worksheet xmlns="{S}"><sheetData>
                  <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>42.5</v></c></row>
                  <row r="2"><c r="A2" t="inlineStr"><is><t>Inline Text</t></is></c><c r="B2" t="str"><f>A1&amp;"!"</f><v>Formel Ergebnis</v></c></row>
                </sheetData></worksheet>
                """));

        var text = await Extract(xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "a.xlsx");

        Assert.Equal("Prüfbericht\nGröße\nInline Text Formel Ergebnis", text);
    }

    [Fact]
    public async Task ExtractAsync_Pptx_ReturnsSlidesInNumberOrderThenNotes()
    {
        static string Slide(string words) =>
            $"""<p:sld xmlns:p="{P}" xmlns:a="{A}"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{words}</a:t></a:r><a:br/><a:r><a:t>Ende</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>""";

        var pptx = Ooxml(
            ("ppt/presentation.xml", $"""<p:presentation xmlns:p="{P}"/>"""),
            ("ppt/slides/slide10.xml", Slide("Zehn")),
            ("ppt/slides/slide2.xml", Slide("Zwei")),
            ("ppt/slides/slide1.xml", Slide("Prüfbericht Größe")),
            ("ppt/notesSlides/notesSlide1.xml", $"""<p:notes xmlns:p="{P}" xmlns:a="{A}"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Notiz</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>"""));

        var text = await Extract(pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "a.pptx");

        Assert.Equal("Prüfbericht Größe\nEnde\nZwei\nEnde\nZehn\nEnde\nNotiz", text);
    }

    [Fact]
    public async Task ExtractAsync_DocxOnTricklingNonSeekableStream_ReturnsItsWords()
    {
        var docx = Ooxml(("word/document.xml", WordDocument("Prüfbericht Größe")));

        var text = await DocumentText.ExtractAsync(new NonSeekableStream(docx, maxRead: 13), "", "a.docx");

        Assert.Equal("Prüfbericht Größe", text);
    }

    [Fact]
    public async Task ExtractAsync_DocxWithMaxChars_ReturnsAtMostThatMany()
    {
        var docx = Ooxml(("word/document.xml", WordDocument("Prüfbericht Größe", "zweiter Absatz")));

        Assert.Equal("Prüfbericht Größe\nzw", await Extract(docx, maxChars: 20));
        Assert.Equal("Prüfbericht Größe", await Extract(docx, maxChars: 18));
        Assert.Equal("Prüfbericht", await Extract(docx, maxChars: 12));
    }

    [Theory]
    [InlineData(200)] // beyond the size of any part that is read
    [InlineData(20)] // within that size, but compressed a thousandfold
    public async Task ExtractAsync_OfficeZipBomb_ReturnsNullQuicklyWithoutExpandingIt(int mebibytes)
    {
        var bomb = OoxmlWithBlanks("word/document.xml", $"""<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>""", (long)mebibytes << 20);
        Assert.True(bomb.Length < 1 << 20);

        // Every read completes synchronously, so the extraction runs on this thread and other tests' allocations
        // running in parallel are not counted.
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var text = await DocumentText.ExtractAsync(new NonSeekableStream(bomb), "application/octet-stream", "bomb.docx");
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Null(text);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.True(allocated < 16L << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public async Task ExtractAsync_ZipPartInflatingBeyondItsDeclaredSize_ReturnsNull()
    {
        // 50 MiB of blanks that claim to be 4 KiB, which passes the size and ratio checks; the part is cut off at
        // its declared size, so its XML is incomplete.
        var bomb = OoxmlWithBlanks("word/document.xml", $"""<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>""", 50L << 20);
        PatchUncompressedSize(bomb, "word/document.xml", 4096);

        var clock = Stopwatch.StartNew();
        var text = await Extract(bomb, "application/octet-stream", "liar.docx");

        Assert.Null(text);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ExtractAsync_OfficePartWithEntityDeclarations_ReturnsNullWithoutExpansion()
    {
        var laughs = $"""
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
              <!ENTITY xxe SYSTEM "file:///etc/passwd">
            ]>
            <w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9; &xxe;</w:t></w:r></w:p></w:body></w:document>
            """;

        var small = $"""
            <?xml version="1.0"?>
            <!DOCTYPE d [<!ENTITY e "ausgedehnt">]>
            <w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Wort &e;</w:t></w:r></w:p></w:body></w:document>
            """;

        Assert.Null(await Extract(Ooxml(("word/document.xml", laughs)), "", "laughs.docx"));
        var text = await Extract(Ooxml(("word/document.xml", small)), "", "small.docx");
        Assert.True(text is null || !text.Contains("ausgedehnt", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task ExtractAsync_PlainXmlFileWithEntityDeclarations_ReturnsItsTextUnexpanded()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b \"bbbbbbbbbb\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><a>&c;&c;&c;</a>";

        var text = await Extract(Encoding.UTF8.GetBytes(xml), "application/xml", "data.xml");

        Assert.Equal(xml, text);
    }

    [Fact]
    public async Task ExtractAsync_ZipWithoutOfficeParts_ReturnsNull()
    {
        var zip = Ooxml(("readme.txt", "Prüfbericht"));
        var docxWithoutContentTypes = Zip(("word/document.xml", WordDocument("Prüfbericht")));

        Assert.Null(await Extract(zip, "application/zip", "a.zip"));
        Assert.Null(await Extract(docxWithoutContentTypes, "text/plain", "a.txt"));
    }

    [Fact]
    public async Task ExtractAsync_ZipWithTooManyEntries_ReturnsNull()
    {
        var parts = Enumerable.Range(0, OfficeText.MaxEntries + 1).Select(i => ($"x/{i}", "")).Prepend(("word/document.xml", WordDocument("Wort")));

        Assert.Null(await Extract(Ooxml([.. parts]), "", "many.docx"));
    }

    [Fact]
    public async Task ExtractAsync_ZipWithPartNamesDifferingOnlyInCase_ReturnsNull()
    {
        var docx = Ooxml(("word/document.xml", WordDocument("eins")), ("WORD/DOCUMENT.XML", WordDocument("zwei")));

        Assert.Null(await Extract(docx, "", "twice.docx"));
    }

    // Plain text

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExtractAsync_Utf8Text_ReturnsItNormalised(bool byteOrderMark)
    {
        var bytes = Encoding.UTF8.GetBytes("  Prüfbericht\t\tGröße \r\n\r\n  zweite Zeile 😀\u0000 ");
        if (byteOrderMark)
        {
            bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        }

        // A NUL would mark a binary file; one after the first KiB is merely dropped.
        bytes = [.. Encoding.UTF8.GetBytes(new string('x', 1100) + " "), .. bytes];

        var text = await Extract(bytes, "text/plain; charset=utf-8", "notiz.txt");

        Assert.Equal(new string('x', 1100) + " Prüfbericht Größe\nzweite Zeile 😀", text);
    }

    [Fact]
    public async Task ExtractAsync_Windows1252Text_FallsBackFromUtf8()
    {
        // "Prüfbericht Größe – 12 €" in Windows-1252: ü ö ß are Latin-1, the dash and euro sign Windows-1252's own.
        byte[] bytes = [.. "Pr"u8, 0xFC, .. "fbericht Gr"u8, 0xF6, 0xDF, .. "e "u8, 0x96, .. " 12 "u8, 0x80];

        Assert.Equal("Prüfbericht Größe – 12 €", await Extract(bytes, "text/csv", "a.csv"));
    }

    [Fact]
    public async Task ExtractAsync_Latin1TextAfterLongAsciiPrefix_IsDecodedAsLatin1()
    {
        var ascii = new string('a', 200_000);
        byte[] bytes = [.. Encoding.ASCII.GetBytes(ascii), .. " Gr"u8, 0xF6, 0xDF, .. "e"u8];

        Assert.Equal(ascii + " Größe", await Extract(bytes, "text/plain", "a.log"));
    }

    [Fact]
    public async Task ExtractAsync_Utf8TextOnTricklingNonSeekableStream_DecodesCharactersSplitAcrossReads()
    {
        var original = string.Concat(Enumerable.Repeat("Prüfbericht Größe € 😀 ", 200)).TrimEnd();

        foreach (int maxRead in new[] { 1, 2, 3, 4096 })
        {
            var stream = new NonSeekableStream(Encoding.UTF8.GetBytes(original), maxRead);
            Assert.Equal(original, await DocumentText.ExtractAsync(stream, "text/markdown", "a.md"));
        }
    }

    [Fact]
    public async Task ExtractAsync_Utf16TextWithByteOrderMark_ReturnsIt()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Prüfbericht Größe")).ToArray();

        Assert.Equal("Prüfbericht Größe", await Extract(bytes, "text/plain", "a.txt"));
    }

    [Fact]
    public async Task ExtractAsync_TextWithMaxChars_StopsWithoutSplittingASurrogatePair()
    {
        var bytes = Encoding.UTF8.GetBytes("ab 😀😀😀 cd");

        Assert.Equal("ab", await Extract(bytes, "text/plain", "a.txt", maxChars: 3));
        Assert.Equal("ab 😀", await Extract(bytes, "text/plain", "a.txt", maxChars: 6));
        Assert.Equal("ab 😀😀", await Extract(bytes, "text/plain", "a.txt", maxChars: 7));
        Assert.Equal("ab 😀😀😀 cd", await Extract(bytes, "text/plain", "a.txt", maxChars: 12));
    }

    [Fact]
    public async Task ExtractAsync_LongText_ReturnsExactlyMaxChars()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("wort ", 1_000_000)));

        var text = await Extract(bytes, "text/plain", "a.txt", maxChars: 1_002);

        Assert.NotNull(text);
        Assert.Equal(1_002, text.Length);
        Assert.EndsWith("wort wo", text);
        Assert.StartsWith("wort wort", text);
    }

    // Neither text nor a known format

    [Theory]
    [InlineData("application/octet-stream", "a.bin")]
    [InlineData("text/plain", "a.txt")]
    [InlineData("application/pdf", "a.pdf")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a.docx")]
    public async Task ExtractAsync_RandomBytes_ReturnsNull(string mediaType, string fileName)
    {
        Assert.Null(await Extract(RandomBytes(64 * 1024, seed: 42), mediaType, fileName));
    }

    [Fact]
    public async Task ExtractAsync_ZipSignatureFollowedByRandomBytes_ReturnsNull()
    {
        var bytes = RandomBytes(64 * 1024, seed: 3);
        "PK\x03\x04"u8.CopyTo(bytes);

        Assert.Null(await Extract(bytes, "application/zip", "a.docx"));
    }

    [Fact]
    public async Task ExtractAsync_ImageWithoutTextHint_ReturnsNull()
    {
        byte[] png = [0x89, .. "PNG\r\n\x1a\n"u8, .. Encoding.ASCII.GetBytes("looks like words")];

        Assert.Null(await Extract(png, "image/png", "bild.png"));
        Assert.Null(await Extract(Encoding.UTF8.GetBytes("plain words"), "application/octet-stream", "a.bin"));
    }

    [Fact]
    public async Task ExtractAsync_PdfLargerThanTheBound_ReturnsNullWithoutReadingItAll()
    {
        var stream = new EndlessStream("%PDF-1.7\n"u8.ToArray());

        Assert.Null(await DocumentText.ExtractAsync(stream, "application/pdf", "huge.pdf"));
        Assert.InRange(stream.Served, DocumentText.MaxRandomAccessBytes, DocumentText.MaxRandomAccessBytes + (1 << 20));
    }

    [Fact]
    public async Task ExtractAsync_EmptyContent_ReturnsEmptyTextOrNull()
    {
        Assert.Equal("", await Extract([], "text/plain", "a.txt"));
        Assert.Null(await Extract([], "application/octet-stream", "a.bin"));
    }

    [Fact]
    public async Task ExtractAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            DocumentText.ExtractAsync(new MemoryStream("words"u8.ToArray()), "text/plain", "a.txt", ct: cancelled.Token));
    }

    // Builders

    private static byte[] BuiltPdf(params string[] lines)
    {
        Assert.True(File.Exists(DejaVuSans), $"{DejaVuSans} is missing (Debian package fonts-dejavu-core)");
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddTrueTypeFont(File.ReadAllBytes(DejaVuSans));
        var page = builder.AddPage(PageSize.A4);
        for (int i = 0; i < lines.Length; i++)
        {
            page.AddText(lines[i], 12, new PdfPoint(50, 700 - 20 * i), font);
        }

        return builder.Build();
    }

    /// <summary>A one-page PDF written by hand around a content stream, with Helvetica in WinAnsiEncoding.</summary>
    private static byte[] RawPdf(byte[] content, bool flate)
    {
        var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string text) => pdf.Write(Encoding.Latin1.GetBytes(text));
        void Object(string body, byte[]? stream = null)
        {
            offsets.Add(pdf.Position);
            Write($"{offsets.Count} 0 obj\n{body}\n");
            if (stream is not null)
            {
                Write("stream\n");
                pdf.Write(stream);
                Write("\nendstream\n");
            }

            Write("endobj\n");
        }

        Write("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>");
        Object($"<< {(flate ? "/Filter /FlateDecode " : "")}/Length {content.Length} >>", content);
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        long xref = pdf.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (long offset in offsets)
        {
            Write($"{offset:D10} 00000 n \n");
        }

        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return pdf.ToArray();
    }

    /// <summary>A zlib stream of <paramref name="prefix"/> and then zeros, compressed as it is written.</summary>
    private static byte[] ZlibZeros(byte[] prefix, long zeros)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(prefix);
            WriteFiller(zlib, zeros, 0);
        }

        return output.ToArray();
    }

    private static void WriteFiller(Stream stream, long count, byte filler)
    {
        var chunk = new byte[1 << 20];
        chunk.AsSpan().Fill(filler);
        for (long left = count; left > 0; left -= chunk.Length)
        {
            stream.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
        }
    }

    private static string WordDocument(params string[] paragraphs) =>
        $"""<w:document xmlns:w="{W}"><w:body>{string.Concat(paragraphs.Select(p => $"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))}</w:body></w:document>""";

    /// <summary>An Office file: the content types part and <paramref name="parts"/>.</summary>
    private static byte[] Ooxml(params (string Name, string Content)[] parts) =>
        Zip([("[Content_Types].xml", ContentTypes), .. parts]);

    private static byte[] Zip(params (string Name, string Content)[] parts)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in parts)
            {
                using var part = zip.CreateEntry(name).Open();
                part.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return output.ToArray();
    }

    /// <summary>An Office file whose <paramref name="name"/> part is <paramref name="prefix"/> and then blanks,
    /// compressed as it is written so that they never exist in memory. Blanks rather than zeros: an XML parser would
    /// stop at the first NUL and hide whether the bomb was refused before inflating.</summary>
    private static byte[] OoxmlWithBlanks(string name, string prefix, long blanks)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = zip.CreateEntry("[Content_Types].xml").Open())
            {
                types.Write(Encoding.UTF8.GetBytes(ContentTypes));
            }

            using var part = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            part.Write(Encoding.UTF8.GetBytes(prefix));
            WriteFiller(part, blanks, (byte)' ');
        }

        return output.ToArray();
    }

    /// <summary>Makes the local and the central header of <paramref name="name"/> declare another uncompressed size.</summary>
    private static void PatchUncompressedSize(byte[] zip, string name, uint size)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        int patched = 0;
        for (int at = 0; at + 46 < zip.Length; at++)
        {
            var span = zip.AsSpan(at);
            if (span.StartsWith("PK\x03\x04"u8) && span[30..].StartsWith(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[22..], size);
                patched++;
            }
            else if (span.StartsWith("PK\x01\x02"u8) && span[46..].StartsWith(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[24..], size);
                patched++;
            }
        }

        Assert.Equal(2, patched);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Serves bytes like a decrypting or network stream: forward only, at most <c>maxRead</c> a read;
    /// asynchronous reads complete at once.</summary>
    private sealed class NonSeekableStream(byte[] data, int maxRead = int.MaxValue) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, maxRead), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A header and then zeros without end, counting what it served.</summary>
    private sealed class EndlessStream(byte[] header) : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = Served + i < header.Length ? header[Served + i] : (byte)0;
            }

            Served += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
