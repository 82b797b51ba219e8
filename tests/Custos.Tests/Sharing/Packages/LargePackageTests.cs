using System.Security.Cryptography;
using Custos.Core.Sharing.Packages;
using Custos.Tests.Sluice.Antivirus;

namespace Custos.Tests.Sharing.Packages;

/// <summary>Runs alone: it measures the process's memory, which tests running beside it would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackageMemoryCollection
{
    public const string Name = "Package memory";
}

/// <summary>A large file streams through the ZIP: memory stays flat, and 7-Zip unpacks exactly the file that went in.</summary>
[Collection(PackageMemoryCollection.Name)]
public sealed class LargePackageTests : IDisposable
{
    private const string Password = "Sturmflut-Warnung-2026";
    private const long FileSize = 200L * 1024 * 1024;
    private const long HeapGrowthLimit = 64L * 1024 * 1024;
    private readonly PackageWorkspace workspace = new();

    [Fact]
    public async Task Write_200MiBFile_StreamsWithBoundedMemoryAndRoundTripsThrough7Zip()
    {
        long read = 0, peakHeap = 0;
        // Pseudo-random, so incompressible (as scans and media are), and made while it is read: never held whole.
        var file = new PackageFile("Archiv.bin", "application/octet-stream", _ => Task.FromResult<Stream>(
            new GeneratedStream(FileSize, afterRead: position =>
            {
                read = position;
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
            })));
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var (result, zip) = await workspace.WriteAsync([file], Password, "Archiv");

        Assert.Equal(PackageKind.EncryptedZip, result.Kind);
        Assert.Equal(FileSize, read);
        // Sampled while the file was read: garbage not yet collected counts too, so the bound is loose (about 6 MiB are
        // seen), but a packager that held the file would exceed it by far.
        Assert.True(peakHeap - heapBefore < HeapGrowthLimit,
            $"The managed heap grew by {(peakHeap - heapBefore) / (1024 * 1024)} MiB while packaging.");

        var (unpacked, sha256, length) = PackageTools.RunHashingOutput(PackageTools.SevenZip, "x", "-so", $"-p{Password}", zip);
        Assert.True(unpacked.ExitCode == 0, $"7-Zip exited {unpacked.ExitCode}: {unpacked.Error}");
        Assert.Equal(FileSize, length);
        // The same seed makes the same bytes again.
        using var original = new GeneratedStream(FileSize);
        Assert.Equal(Convert.ToHexStringLower(await SHA256.HashDataAsync(original)), Convert.ToHexStringLower(sha256));
    }

    public void Dispose() => workspace.Dispose();
}
