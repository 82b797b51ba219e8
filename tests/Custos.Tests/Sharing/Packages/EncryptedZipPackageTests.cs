using System.Security.Cryptography;
using System.Text;
using Custos.Core.Sharing.Packages;
using Custos.Tests.Sluice;

namespace Custos.Tests.Sharing.Packages;

/// <summary>
/// A share of several files (or of one that is no PDF) becomes a ZIP encrypted with WinZip AES-256: 7-Zip and
/// libarchive's bsdtar unpack it with the password, byte for byte, and refuse a wrong one.
/// </summary>
public sealed class EncryptedZipPackageTests : IDisposable
{
    private const string Password = "Hafen-Nord-2026-bei-Ebbe";
    private readonly PackageWorkspace workspace = new();

    [Theory]
    [InlineData(Password)]
    [InlineData("Grüße aus Köln, 7ß€")]
    public async Task Write_SeveralFiles_ZipUnpacksByteIdenticalWith7ZipAndBsdtar(string password)
    {
        var files = new[]
        {
            new TrackedFile("Prüfbericht März.pdf", SluiceTestFiles.SimplePdf("Prüfbericht"), "application/pdf"),
            new TrackedFile("Kundenliste.csv", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Müller;Köln;0221\n", 5000))), "text/csv"),
            new TrackedFile("Scan.bin", RandomNumberGenerator.GetBytes(300_000)),
            new TrackedFile("leer.txt", [], "text/plain"),
        };

        var (result, zip) = await workspace.WriteAsync([.. files.Select(f => f.File)], password, "Vertrag-2026");

        Assert.Equal(new PackageResult(PackageKind.EncryptedZip, "Vertrag-2026.zip", "application/zip", null), result);
        foreach (var file in files) file.AssertUsedOnce();
        workspace.AssertWorkDirectoryEmpty();

        workspace.AssertUnpacksWith7Zip(zip, password, files);
        Assert.Equal(PackageWorkspace.Hashes([.. files.Select(file => (file.Name, file.Content))]),
            PackageWorkspace.Hashes(workspace.ExtractWithBsdtar(zip, password)));
    }

    [Fact]
    public async Task Write_SeveralFiles_EveryEntryIsAes256()
    {
        var (_, zip) = await workspace.WriteAsync(
            [new TrackedFile("a.txt", "eins"u8.ToArray()).File, new TrackedFile("b.txt", "zwei"u8.ToArray()).File,
             new TrackedFile("c.txt", [], "text/plain").File], Password);

        var entries = PackageTools.ListWith7Zip(zip, Password);

        Assert.Equal(["a.txt", "b.txt", "c.txt"], entries.Select(e => e["Path"]));
        Assert.All(entries, entry =>
        {
            Assert.StartsWith("AES-256", entry["Method"], StringComparison.Ordinal);
            Assert.Equal("+", entry["Encrypted"]);
        });
    }

    [Fact]
    public async Task Write_OneFileThatIsNoPdf_ZipWithoutFallbackReason()
    {
        var text = new TrackedFile("Notiz.txt", "Zugangsdaten folgen telefonisch."u8.ToArray(), "text/plain");

        var (result, zip) = await workspace.WriteAsync([text.File], Password, "Notiz");

        Assert.Equal(new PackageResult(PackageKind.EncryptedZip, "Notiz.zip", "application/zip", null), result);
        text.AssertUsedOnce();
        workspace.AssertUnpacksWith7Zip(zip, Password, text);
    }

    [Fact]
    public async Task Write_Zip_WrongPasswordIsRefusedBy7ZipAndBsdtar()
    {
        var (_, zip) = await workspace.WriteAsync(
            [new TrackedFile("Gehälter.csv", Encoding.UTF8.GetBytes(new string('x', 10_000))).File,
             new TrackedFile("b.txt", "zwei"u8.ToArray()).File], Password);
        Assert.DoesNotContain("xxxxxxxx", Encoding.Latin1.GetString(File.ReadAllBytes(zip)), StringComparison.Ordinal);

        var sevenZip = PackageTools.Run(PackageTools.SevenZip, "x", $"-p{Password}!", $"-o{workspace.NewDirectory("7z")}", "-y", zip);
        Assert.NotEqual(0, sevenZip.ExitCode);
        Assert.Contains("Wrong password", sevenZip.Text, StringComparison.Ordinal);

        var target = workspace.NewDirectory("bsdtar");
        var bsdtar = PackageTools.Run(PackageTools.Bsdtar, "-x", "-f", zip, "-C", target, "--passphrase", $"{Password}!");
        Assert.NotEqual(0, bsdtar.ExitCode);
        Assert.Contains("Incorrect passphrase", bsdtar.Text, StringComparison.Ordinal);
    }

    public void Dispose() => workspace.Dispose();
}
