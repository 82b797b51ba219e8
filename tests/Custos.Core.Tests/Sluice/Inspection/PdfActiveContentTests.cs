using System.Text;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

public sealed class PdfActiveContentTests
{
    private static bool RawContains(byte[] pdf, string text) => pdf.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    [Fact]
    public void Inspect_CleanPdf_Passes()
    {
        var report = InspectorHarness.Inspect(PdfSamples.Clean(), "letter.pdf");

        Assert.Equal("pdf", report.Kind.Id);
        AssertClean(report);
        AssertCheck(report.ActiveCheck(), CheckOutcome.Pass, "active.none");
    }

    [Fact]
    public void Inspect_JavaScriptInsideCompressedObjectStream_Blocks()
    {
        var pdf = PdfSamples.WithJavaScriptInObjectStream();
        Assert.False(RawContains(pdf, "JavaScript"), "the sample must hide the keyword from a raw scan");
        Assert.False(RawContains(pdf, "OpenAction"), "the sample must hide the keyword from a raw scan");

        var report = InspectorHarness.Inspect(pdf, "invoice.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.pdf", "/JavaScript");
        Assert.Contains("/OpenAction", report.ActiveCheck().Detail);
    }

    [Fact]
    public void Inspect_FakeStreamStartBeforeObjectStream_StillDecodesIt()
    {
        // A string holding "stream" and a line break looks like a stream start to a linear scanner, which then takes
        // everything up to the next "endstream" (the object stream's own) for that fake stream's data.
        var pdf = PdfSamples.WithJavaScriptInObjectStream(decoy: "<< /Title (a data >> stream\n) /Producer (x) >>");

        var report = InspectorHarness.Inspect(pdf, "invoice.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.pdf", "/JavaScript");
    }

    [Fact]
    public void Inspect_HexEscapedJavaScriptName_Blocks()
    {
        var pdf = PdfSamples.WithEscapedJavaScript();
        Assert.False(RawContains(pdf, "JavaScript"), "the sample writes the name only with an escape");

        var report = InspectorHarness.Inspect(pdf, "invoice.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.pdf", "/JavaScript");
        Assert.Contains("/JS", report.ActiveCheck().Detail);
    }

    [Fact]
    public void Inspect_OpenAction_Blocks()
    {
        var report = InspectorHarness.Inspect(PdfSamples.WithOpenAction(), "manual.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.pdf", "/OpenAction");
    }

    [Fact]
    public void Inspect_NamesThatOnlyStartLikeKeywords_Pass()
    {
        var report = InspectorHarness.Inspect(PdfSamples.WithJsonKey(), "data.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Pass, "active.none");
    }

    [Fact]
    public void Inspect_StreamThatDoesNotInflate_IsSkippedAndPasses()
    {
        // Decision: many real PDFs carry a broken stream and readers skip it; with no keyword anywhere, the PDF passes.
        var report = InspectorHarness.Inspect(PdfSamples.WithBrokenStream(), "scan.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Pass, "active.none");
    }

    [Fact]
    public void Inspect_EncryptedPdf_GoesToReview()
    {
        var report = InspectorHarness.Inspect(PdfSamples.WithEncryptTrailer(), "locked.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Review, "active.pdf-encrypted");
    }

    [Fact]
    public void Inspect_StreamDecodingBeyondLimit_Blocks()
    {
        var pdf = PdfSamples.WithStream("/Filter /FlateDecode", PdfSamples.Deflate(new byte[3 << 20]));

        var report = InspectorHarness.Inspect(pdf, "big.pdf", new InspectionLimits { MaxPdfStreamBytes = 1 << 20 });

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.pdf-stream-limit");
    }

    [Fact]
    public void Inspect_ManyPdfsInZip_ShareOneDecodingBudget()
    {
        var pdf = PdfSamples.WithStream("/Filter /FlateDecode", PdfSamples.Deflate(new byte[1 << 20]));
        var zip = ArchiveSamples.Zip(System.IO.Compression.CompressionLevel.NoCompression,
            [.. Enumerable.Range(0, 5).Select(i => ($"p{i}.pdf", pdf))]);
        var limits = new InspectionLimits { MaxExpandedBytes = 3 << 20 };

        var single = InspectorHarness.Inspect(pdf, "one.pdf", limits);
        var many = InspectorHarness.Inspect(zip, "pdfs.zip", limits);

        AssertCheck(single.ActiveCheck(), CheckOutcome.Pass, "active.none");
        AssertCheck(many.ActiveCheck(), CheckOutcome.Block, "active.pdf-stream-limit", ".pdf");
    }

    [Fact]
    public void Inspect_ObjectStreamBehindFilterChain_Blocks()
    {
        var hidden = PdfSamples.Deflate("<< /S /Launch /F (cmd.exe) >>"u8.ToArray());
        var hex = Encoding.ASCII.GetBytes(Convert.ToHexString(hidden) + ">");

        var report = InspectorHarness.Inspect(PdfSamples.WithStream("/Type /ObjStm /Filter [/AHx /Fl]", hex), "chain.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.pdf", "/Launch");
    }

    [Fact]
    public void Inspect_KeywordAcrossReadWindows_Blocks()
    {
        // The name straddles the 64 KiB boundary of the scanner's window.
        byte[] Build(int padding) => PdfSamples.WithObject($"<< /Padding ({new string(' ', padding)}) /AA << /O 1 0 R >> >>");
        var first = Build(60_000);
        var pdf = Build(60_000 + 64 * 1024 - 2 - first.AsSpan().IndexOf("/AA"u8));
        Assert.Equal(64 * 1024 - 2, pdf.AsSpan().IndexOf("/AA"u8));

        var report = InspectorHarness.Inspect(pdf, "forms.pdf");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.pdf", "/AA");
    }

    [Fact]
    public void Inspect_PdfHeaderBeyondFirstKilobyte_IsNotPdf()
    {
        var text = Executables.Text(new string('x', 1100) + "\n%PDF-1.4\n");

        var report = InspectorHarness.Inspect(text, "notes.txt");

        Assert.Equal("text", report.Kind.Id);
    }
}
