using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Custos.Core.Sluice.Disarm;
using UglyToad.PdfPig;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>
/// PDFs are rebuilt from pixels by the real Ghostscript: what leaves has the same pages and nothing a reader could act
/// on (no text, fonts, scripts, links), and a bad or hostile PDF fails cleanly, leaving no process behind.
/// </summary>
public sealed class DisarmPdfTests : IDisposable
{
    private static readonly string[] ForbiddenInOutput = ["/Font", "/JavaScript", "/JS", "/OpenAction", "/Annots", "/URI", "/AA"];

    private readonly Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task DisarmAsync_PdfWithScriptLinkAndFont_GivesTwoPagesOfPixelsOnly()
    {
        var original = TestDocuments.PdfWithScriptLinkAndFont();
        using (var before = PdfDocument.Open(original))
        {
            // The input really carries what must go: text in a font, and a link annotation.
            Assert.Contains("Quarterly", before.GetPage(1).Text);
            Assert.NotEmpty(before.GetPage(1).GetAnnotations());
        }

        var result = await new Disarmer(new DisarmOptions())
            .DisarmAsync(scratch.Input(original), "Quartalsbericht.pdf", "pdf", scratch.Work);

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal("Quartalsbericht.pdf", result.OutputFileName);
        Assert.Equal("application/pdf", result.MediaType);
        Assert.StartsWith(scratch.Work + Path.DirectorySeparatorChar, result.OutputPath);
        Assert.Matches(@"^Ghostscript \d+\.\d+(\.\d+)? pdfimage24 150 dpi$", result.Method);

        var disarmed = await File.ReadAllBytesAsync(result.OutputPath!);
        // Dictionaries only: compressed image data may hold any bytes.
        var dictionaries = Regex.Replace(Encoding.Latin1.GetString(disarmed), @"stream\r?\n.*?endstream", "", RegexOptions.Singleline);
        Assert.Contains("/Type /Page", dictionaries);
        foreach (var name in ForbiddenInOutput) Assert.DoesNotMatch(Regex.Escape(name) + "(?![A-Za-z])", dictionaries);
        using var after = PdfDocument.Open(disarmed);
        Assert.Equal(2, after.NumberOfPages);
        foreach (var page in after.GetPages())
        {
            Assert.Empty(page.Letters);
            Assert.Empty(page.GetAnnotations());
            Assert.Single(page.GetImages());
        }
    }

    [Fact]
    public async Task DisarmAsync_CorruptPdf_FailsWithReasonAndLeavesNoOutput()
    {
        // A PDF header, then noise: no object, no cross-reference table that Ghostscript could rebuild.
        var noise = new byte[4000];
        new Random(7).NextBytes(noise);
        var corrupt = "%PDF-1.7\n"u8.ToArray().Concat(noise).Concat("\n%%EOF\n"u8.ToArray()).ToArray();

        var result = await new Disarmer(new DisarmOptions()).DisarmAsync(scratch.Input(corrupt), "broken.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Null(result.OutputPath);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.DoesNotContain("not installed", result.Detail);
        Assert.Empty(Directory.GetFiles(scratch.Work, "disarmed.*"));
    }

    [Fact]
    public async Task DisarmAsync_PostScriptLabelledPdf_IsNotHandedToGhostscript()
    {
        // Ghostscript would run this as a PostScript program; the inspector's "pdf" is not taken on trust.
        var postScript = "%!PS\n/Helvetica findfont 12 scalefont setfont 72 72 moveto (hi) show showpage\n"u8.ToArray();

        var result = await new Disarmer(new DisarmOptions()).DisarmAsync(scratch.Input(postScript), "x.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Contains("%PDF-", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_MorePagesThanAllowed_IsRefusedBeforeRendering()
    {
        var result = await new Disarmer(new DisarmOptions { MaxPages = 2 })
            .DisarmAsync(scratch.Input(TestDocuments.PdfWithPages(3)), "long.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Contains("3 pages, more than the limit of 2", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_PageEnlargedByUserUnit_IsRefusedAsTooManyPixels()
    {
        // An A4 MediaBox with UserUnit 50 renders at about 62,000 x 88,000 pixels; Ghostscript honours UserUnit.
        var result = await new Disarmer(new DisarmOptions())
            .DisarmAsync(scratch.Input(TestDocuments.PdfWithPages(1, userUnit: 50)), "poster.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Contains("pixels at 150 dpi, more than the limit of 100,000,000", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_MissingGhostscript_FailsSayingItIsNotInstalled()
    {
        var options = new DisarmOptions { Ghostscript = "/nonexistent/bin/gs" };

        var result = await new Disarmer(options)
            .DisarmAsync(scratch.Input(TestDocuments.PdfWithScriptLinkAndFont()), "a.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Equal("Ghostscript (/nonexistent/bin/gs) is not installed", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_RenderingOutlastsTimeout_FailsAndKillsGhostscript()
    {
        // 300 pages at 600 dpi take minutes; the limit is two seconds.
        var input = scratch.Input(TestDocuments.PdfWithPages(300));
        var options = new DisarmOptions { Dpi = 600, MaxPages = 1000, MaxImagePixels = 1_000_000_000, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();

        var result = await new Disarmer(options).DisarmAsync(input, "slow.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Equal("timed out after 2 s", result.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Empty(Scratch.ProcessesMentioning(scratch.Work));
        Assert.Empty(Directory.GetFiles(scratch.Work, "disarmed.*"));
    }

    [Fact]
    public async Task DisarmAsync_OneMillisecondTimeout_FailsWithoutThrowing()
    {
        var options = new DisarmOptions { Timeout = TimeSpan.FromMilliseconds(1) };

        var result = await new Disarmer(options)
            .DisarmAsync(scratch.Input(TestDocuments.PdfWithScriptLinkAndFont()), "a.pdf", "pdf", scratch.Work);

        Assert.Equal(DisarmStatus.Failed, result.Status);
        Assert.Equal("timed out after 1 ms", result.Detail);
        Assert.Empty(Scratch.ProcessesMentioning(scratch.Work));
    }

    [Fact]
    public async Task DisarmAsync_CallerCancels_ThrowsAndKillsGhostscript()
    {
        var input = scratch.Input(TestDocuments.PdfWithPages(300));
        var options = new DisarmOptions { Dpi = 600, MaxPages = 1000, MaxImagePixels = 1_000_000_000 };
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new Disarmer(options).DisarmAsync(input, "slow.pdf", "pdf", scratch.Work, cancel.Token));

        Assert.Empty(Scratch.ProcessesMentioning(scratch.Work));
    }

    [Fact]
    public async Task VersionsAsync_WithGhostscriptAndLibreOffice_NamesBothVersions()
    {
        var versions = await new Disarmer(new DisarmOptions()).VersionsAsync();

        Assert.NotNull(versions);
        Assert.Matches(@"^Ghostscript \d+\.\d+(\.\d+)?; LibreOffice \d+(\.\d+)+; ImageSharp 2\.1\.\d+$", versions);
    }
}
