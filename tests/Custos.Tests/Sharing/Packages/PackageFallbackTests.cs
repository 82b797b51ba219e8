using System.Text;
using Custos.Core.Sharing.Packages;
using Custos.Tests.Sluice;

namespace Custos.Tests.Sharing.Packages;

/// <summary>
/// A PDF that PDFsharp cannot encrypt never fails the share: it goes into the encrypted ZIP instead, and the result says
/// why. Whether a file is a PDF is decided by its content, and two PDFs are always a ZIP.
/// </summary>
public sealed class PackageFallbackTests : IDisposable
{
    private const string Password = "Leuchtturm-Sylt-0815";
    private readonly PackageWorkspace workspace = new();

    [Fact]
    public async Task Write_MalformedPdf_FallsBackToZipWithReason()
    {
        var broken = new TrackedFile("Angebot.pdf",
            [.. "%PDF-1.7\n"u8, .. Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("kein PDF, nur Rauschen ", 400)))],
            "application/pdf");

        var (result, zip) = await workspace.WriteAsync([broken.File], Password, "Angebot");

        Assert.Equal(PackageKind.EncryptedZip, result.Kind);
        Assert.Equal("Angebot.zip", result.FileName);
        Assert.Equal("application/zip", result.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(result.FallbackReason));
        broken.AssertUsedOnce();
        workspace.AssertWorkDirectoryEmpty();
        workspace.AssertUnpacksWith7Zip(zip, Password, broken);
    }

    [Fact]
    public async Task Write_PdfEncryptedAlready_FallsBackToZipSayingSo()
    {
        var plain = Path.Combine(workspace.NewDirectory("in"), "plain.pdf");
        File.WriteAllBytes(plain, SluiceTestFiles.SimplePdf("Schon verschluesselt"));
        var encrypted = Path.Combine(workspace.NewDirectory("in"), "encrypted.pdf");
        PackageTools.RunOk(PackageTools.Qpdf, "--encrypt", "fremd", "fremd-owner", "256", "--", plain, encrypted);
        var pdf = new TrackedFile("Fremd.pdf", File.ReadAllBytes(encrypted), "application/pdf");

        var (result, zip) = await workspace.WriteAsync([pdf.File], Password, "Fremd");

        Assert.Equal(PackageKind.EncryptedZip, result.Kind);
        Assert.Contains("encrypted already", result.FallbackReason, StringComparison.Ordinal);
        pdf.AssertUsedOnce();
        workspace.AssertWorkDirectoryEmpty();
        workspace.AssertUnpacksWith7Zip(zip, Password, pdf);
    }

    [Fact]
    public async Task Write_TwoPdfs_ZipOfBoth()
    {
        var first = new TrackedFile("Teil 1.pdf", SluiceTestFiles.SimplePdf("Teil eins"), "application/pdf");
        var second = new TrackedFile("Teil 2.pdf", SluiceTestFiles.SimplePdf("Teil zwei"), "application/pdf");

        var (result, zip) = await workspace.WriteAsync([first.File, second.File], Password, "Teile");

        Assert.Equal(new PackageResult(PackageKind.EncryptedZip, "Teile.zip", "application/zip", null), result);
        first.AssertUsedOnce();
        second.AssertUsedOnce();
        workspace.AssertUnpacksWith7Zip(zip, Password, first, second);
    }

    [Fact]
    public async Task Write_NoPdfNamedPdf_ZipByContentNotByName()
    {
        var fake = new TrackedFile("x.pdf", "PK\u0003\u0004 das ist kein PDF"u8.ToArray(), "application/pdf");

        var (result, zip) = await workspace.WriteAsync([fake.File], Password, "x");

        Assert.Equal(new PackageResult(PackageKind.EncryptedZip, "x.zip", "application/zip", null), result);
        fake.AssertUsedOnce();
        workspace.AssertWorkDirectoryEmpty();
        workspace.AssertUnpacksWith7Zip(zip, Password, fake);
    }

    [Fact]
    public async Task Write_FileShorterThanPdfMagic_ZipOfItsBytes()
    {
        var tiny = new TrackedFile("kurz.pdf", "%PD"u8.ToArray(), "application/pdf");

        var (result, zip) = await workspace.WriteAsync([tiny.File], Password, "kurz");

        Assert.Equal(PackageKind.EncryptedZip, result.Kind);
        Assert.Null(result.FallbackReason);
        workspace.AssertUnpacksWith7Zip(zip, Password, tiny);
    }

    public void Dispose() => workspace.Dispose();
}
