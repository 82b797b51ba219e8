using Custos.Core.Sharing.Packages;

namespace Custos.Tests.Sharing.Packages;

/// <summary>
/// Entry names are plain file names: nothing a recipient's unpacker could place outside the folder it unpacks into or
/// show as something else; equal names (also in another case) are numbered so that no file overwrites another.
/// </summary>
public sealed class PackageNameTests : IDisposable
{
    private const string Password = "Deich-Ost-2026";
    private readonly PackageWorkspace workspace = new();

    [Theory]
    [InlineData("../Lohn.csv")]
    [InlineData("..")]
    [InlineData("Ordner/Lohn.csv")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\Windows\\win.ini")]
    [InlineData("C:\\boot.ini")]
    [InlineData("Lohn\u0000.csv")]
    [InlineData("Lohn\n.csv")]
    [InlineData("Lohn\u007F.csv")]
    [InlineData("Rechnung\u202Efdp.exe")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Write_BadFileName_ThrowsAndWritesNothing(string name)
    {
        var output = new MemoryStream();
        var files = new[] { new TrackedFile("gut.txt", "a"u8.ToArray()), new TrackedFile(name, "b"u8.ToArray()) };

        await Assert.ThrowsAsync<ArgumentException>("files", () =>
            new SharePackager(workspace.WorkDirectory).WriteAsync([.. files.Select(f => f.File)], Password, "Paket", output));

        Assert.Equal(0, output.Length);
        Assert.All(files, file => Assert.Equal(0, file.Opens));
    }

    [Fact]
    public async Task ANameWithTwoDots_IsAPlainName_AndStaysAsItIs()
    {
        var output = new MemoryStream();
        var result = await new SharePackager(workspace.WorkDirectory).WriteAsync([new TrackedFile("Lohn..2026.csv", "b"u8.ToArray()).File], Password, "Paket", output);
        Assert.Equal(PackageKind.EncryptedZip, result.Kind);
        Assert.True(output.Length > 0);
    }

    [Fact]
    public async Task Write_NameLongerThan255BytesOrNotUnicode_Throws()
    {
        // Built here rather than as theory data: a lone surrogate cannot be serialised into a test case's name.
        foreach (var name in new[] { new string('ä', 126) + ".txt", "Lohn" + '\uD800' + ".csv" })
        {
            await Assert.ThrowsAsync<ArgumentException>("files", () =>
                new SharePackager(workspace.WorkDirectory).WriteAsync([new TrackedFile(name, "a"u8.ToArray()).File], Password,
                    "Paket", new MemoryStream()));
        }
    }

    [Theory]
    [InlineData("../Paket")]
    [InlineData("Ordner/Paket")]
    [InlineData("Paket\r\n")]
    [InlineData("")]
    public async Task Write_BadZipName_Throws(string zipName)
    {
        await Assert.ThrowsAsync<ArgumentException>("zipName", () =>
            new SharePackager(workspace.WorkDirectory).WriteAsync([new TrackedFile("a.txt", "a"u8.ToArray()).File], Password, zipName,
                new MemoryStream()));
    }

    [Fact]
    public async Task Write_NoFilesOrNoPassword_Throws()
    {
        var packager = new SharePackager(workspace.WorkDirectory);
        await Assert.ThrowsAsync<ArgumentException>("files", () => packager.WriteAsync([], Password, "Paket", new MemoryStream()));
        await Assert.ThrowsAsync<ArgumentException>("password", () =>
            packager.WriteAsync([new TrackedFile("a.txt", "a"u8.ToArray()).File], "", "Paket", new MemoryStream()));
    }

    [Fact]
    public async Task Write_DuplicateNames_NumberedAndAllUnpacked()
    {
        var files = new[]
        {
            new TrackedFile("Vertrag.pdf", "erster"u8.ToArray()),
            new TrackedFile("Vertrag.pdf", "zweiter"u8.ToArray()),
            new TrackedFile("VERTRAG.PDF", "dritter"u8.ToArray()),
            new TrackedFile("Vertrag (2).pdf", "vierter"u8.ToArray()),
            new TrackedFile("README", "fünfter"u8.ToArray()),
            new TrackedFile("README", "sechster"u8.ToArray()),
            new TrackedFile(".env", "siebter"u8.ToArray()),
            new TrackedFile(".env", "achter"u8.ToArray()),
        };

        var (_, zip) = await workspace.WriteAsync([.. files.Select(f => f.File)], Password);

        string[] names = ["Vertrag.pdf", "Vertrag (3).pdf", "VERTRAG (4).PDF", "Vertrag (2).pdf", "README", "README (2)", ".env", ".env (2)"];
        Assert.Equal(names, PackageTools.ListWith7Zip(zip, Password).Select(e => e["Path"]));
        Assert.Equal(PackageWorkspace.Hashes([.. names.Zip(files, (name, file) => (name, file.Content))]),
            PackageWorkspace.Hashes(workspace.ExtractWith7Zip(zip, Password)));
    }

    public void Dispose() => workspace.Dispose();
}
