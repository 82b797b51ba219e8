using System.Text;
using System.Text.RegularExpressions;
using Custos.Core.Sluice.Disarm;
using UglyToad.PdfPig;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>
/// Office documents go through the real LibreOffice and Ghostscript and come out as a PDF of page images: the text is
/// visible as pixels only, no font is left, and LibreOffice's profile and intermediate PDF are gone afterwards.
/// </summary>
public sealed class DisarmOfficeTests : IDisposable
{
    private readonly Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task DisarmAsync_Docx_GivesPdfOfPageImagesWithoutFonts()
    {
        var input = scratch.Input(TestDocuments.Docx("Quartalsbericht: Umsatz gestiegen."));

        var result = await new Disarmer(new DisarmOptions()).DisarmAsync(input, "Quartalsbericht.docx", "docx", scratch.Work);

        AssertPdfOfImages(result, "Quartalsbericht.pdf");
        Assert.Matches(@"^LibreOffice \d+(\.\d+)+ to PDF, then Ghostscript \S+ pdfimage24 150 dpi$", result.Method);
        Assert.Equal(["disarmed.pdf"], Directory.GetFileSystemEntries(scratch.Work).Select(Path.GetFileName));
    }

    [Fact]
    public async Task DisarmAsync_Xlsx_GivesPdfOfPageImagesWithoutFonts()
    {
        var input = scratch.Input(TestDocuments.Xlsx("Umsatz 2026", 42));

        var result = await new Disarmer(new DisarmOptions()).DisarmAsync(input, "umsatz.xlsx", "xlsx", scratch.Work);

        AssertPdfOfImages(result, "umsatz.pdf");
    }

    [Fact]
    public async Task DisarmAsync_MissingLibreOffice_FailsSayingItIsNotInstalled()
    {
        var options = new DisarmOptions { Soffice = "/nonexistent/bin/soffice" };

        var result = await new Disarmer(options).DisarmAsync(scratch.Input(TestDocuments.Docx("x")), "a.docx", "docx", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Equal("LibreOffice (/nonexistent/bin/soffice) is not installed", result.Detail);
    }

    private static void AssertPdfOfImages(DisarmResult result, string expectedName)
    {
        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal(expectedName, result.OutputFileName);
        Assert.Equal("application/pdf", result.MediaType);
        var disarmed = File.ReadAllBytes(result.OutputPath!);
        var dictionaries = Regex.Replace(Encoding.Latin1.GetString(disarmed), @"stream\r?\n.*?endstream", "", RegexOptions.Singleline);
        Assert.DoesNotContain("/Font", dictionaries);
        using var pdf = PdfDocument.Open(disarmed);
        Assert.True(pdf.NumberOfPages >= 1);
        foreach (var page in pdf.GetPages())
        {
            Assert.Empty(page.Letters);
            Assert.NotEmpty(page.GetImages());
        }
    }
}
