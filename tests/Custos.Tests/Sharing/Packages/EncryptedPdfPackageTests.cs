using System.Text;
using Custos.Core.Sharing.Packages;
using Custos.Tests.Sluice;
using UglyToad.PdfPig;

namespace Custos.Tests.Sharing.Packages;

/// <summary>
/// A share of one PDF becomes that PDF encrypted with AES-256: qpdf (what a recipient's PDF reader does) opens it with
/// the password and only with it, and the page's text is what the sender shared.
/// </summary>
public sealed class EncryptedPdfPackageTests : IDisposable
{
    private const string PageText = "Vertraulich Mietvertrag Hauptstrasse 12";
    private readonly PackageWorkspace workspace = new();

    [Theory]
    [InlineData("Sommer-2026-Rhein-47")]
    [InlineData("Grüße aus Köln, 7ß€")]
    public async Task Write_OnePdf_IsAes256PdfThatOpensWithThePasswordOnly(string password)
    {
        var pdf = new TrackedFile("Mietvertrag.pdf", SluiceTestFiles.SimplePdf(PageText), "application/pdf");

        var (result, path) = await workspace.WriteAsync([pdf.File], password, "Mietvertrag-2026");

        Assert.Equal(new PackageResult(PackageKind.EncryptedPdf, "Mietvertrag.pdf", "application/pdf", null), result);
        pdf.AssertUsedOnce();
        workspace.AssertWorkDirectoryEmpty();
        Assert.DoesNotContain("Mietvertrag", Encoding.Latin1.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);

        // PDF 2.0 security handler, revision 6: AES-256 ("AESv3") for streams, strings and embedded files, not RC4.
        var encryption = PackageTools.RunOk(PackageTools.Qpdf, "--show-encryption", $"--password={password}", path).Output;
        Assert.Contains("R = 6", encryption, StringComparison.Ordinal);
        Assert.Contains("stream encryption method: AESv3", encryption, StringComparison.Ordinal);
        Assert.Contains("string encryption method: AESv3", encryption, StringComparison.Ordinal);
        // The recipient's password is the user password; the owner password is another one, which nobody is told.
        Assert.Contains("Supplied password is user password", encryption, StringComparison.Ordinal);
        Assert.DoesNotContain("owner password", encryption, StringComparison.OrdinalIgnoreCase);

        var decrypted = Path.Combine(workspace.NewDirectory("qpdf"), "decrypted.pdf");
        PackageTools.RunOk(PackageTools.Qpdf, "--decrypt", $"--password={password}", path, decrypted);
        using (var document = PdfDocument.Open(decrypted))
        {
            Assert.Equal(1, document.NumberOfPages);
            Assert.Contains(PageText, document.GetPage(1).Text, StringComparison.Ordinal);
        }

        var elsewhere = Path.Combine(workspace.NewDirectory("qpdf"), "decrypted.pdf");
        var withoutPassword = PackageTools.Run(PackageTools.Qpdf, "--decrypt", path, elsewhere);
        Assert.NotEqual(0, withoutPassword.ExitCode);
        Assert.Contains("invalid password", withoutPassword.Text, StringComparison.OrdinalIgnoreCase);
        var wrongPassword = PackageTools.Run(PackageTools.Qpdf, "--decrypt", $"--password={password}x", path, elsewhere);
        Assert.NotEqual(0, wrongPassword.ExitCode);
        Assert.Contains("invalid password", wrongPassword.Text, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => workspace.Dispose();
}
