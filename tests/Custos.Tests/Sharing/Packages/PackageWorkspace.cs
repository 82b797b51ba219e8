using System.Security.Cryptography;
using Custos.Core.Sharing.Packages;

namespace Custos.Tests.Sharing.Packages;

/// <summary>
/// A temporary folder for one test: the packager's work directory, the packages it writes (each under the file name the
/// recipient sees) and what the recipient's tools unpack.
/// </summary>
internal sealed class PackageWorkspace : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("custos-packages-").FullName;

    public string WorkDirectory => Path.Combine(Root, "work");

    public sealed record Written(PackageResult Result, string Path);

    /// <summary>Writes a package through an async-only, forward-only output (as a download would be).</summary>
    public async Task<Written> WriteAsync(IReadOnlyList<PackageFile> files, string password, string zipName = "Paket")
    {
        var folder = NewDirectory("out");
        var temporary = Path.Combine(folder, "package.partial");
        PackageResult result;
        await using (var file = File.Create(temporary))
        {
            var output = new AsyncOnlyStream(file);
            result = await new SharePackager(WorkDirectory).WriteAsync(files, password, zipName, output);
            Assert.False(output.Disposed, "The packager disposed the caller's output.");
        }
        var path = Path.Combine(folder, result.FileName);
        File.Move(temporary, path);
        return new Written(result, path);
    }

    public string NewDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, $"{name}-{Guid.NewGuid():N}")).FullName;

    /// <summary>The packager's temporary copies are gone (also after a fallback).</summary>
    public void AssertWorkDirectoryEmpty() =>
        Assert.Empty(Directory.Exists(WorkDirectory) ? Directory.EnumerateFileSystemEntries(WorkDirectory) : []);

    /// <summary>Unpacks <paramref name="zip"/> with 7-Zip and returns the folder.</summary>
    public string ExtractWith7Zip(string zip, string password)
    {
        var target = NewDirectory("7z");
        PackageTools.RunOk(PackageTools.SevenZip, "x", $"-p{password}", $"-o{target}", "-y", zip);
        return target;
    }

    /// <summary>7-Zip unpacks exactly <paramref name="files"/> from <paramref name="zip"/>: their names, byte for byte.</summary>
    public void AssertUnpacksWith7Zip(string zip, string password, params TrackedFile[] files) =>
        Assert.Equal(Hashes([.. files.Select(file => (file.Name, file.Content))]), Hashes(ExtractWith7Zip(zip, password)));

    /// <summary>Unpacks <paramref name="zip"/> with libarchive's bsdtar and returns the folder.</summary>
    public string ExtractWithBsdtar(string zip, string password)
    {
        var target = NewDirectory("bsdtar");
        PackageTools.RunOk(PackageTools.Bsdtar, "-x", "-f", zip, "-C", target, "--passphrase", password);
        return target;
    }

    /// <summary>Every file in <paramref name="folder"/> (names relative to it) with its SHA-256.</summary>
    public static IReadOnlyDictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(folder, path),
            path => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));

    public static IReadOnlyDictionary<string, string> Hashes(params (string Name, byte[] Content)[] files) =>
        files.ToDictionary(f => f.Name, f => Convert.ToHexStringLower(SHA256.HashData(f.Content)));

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
