using System.Diagnostics;
using System.IO.Compression;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

/// <summary>Built once: a ZIP holding 1 GiB of zeros (about 1 MB), and a ZIP of ten of those.</summary>
public sealed class ZipBombs
{
    public byte[] Gigabyte { get; } = ArchiveSamples.ZerosZip("zeros.bin", 1L << 30);

    public byte[] Nested { get; }

    public ZipBombs() =>
        Nested = ArchiveSamples.Zip(CompressionLevel.SmallestSize, [.. Enumerable.Range(0, 10).Select(i => ($"part{i}.zip", Gigabyte))]);
}

public sealed class ZipBombTests(ZipBombs bombs) : IClassFixture<ZipBombs>
{
    private static (InspectionReport Report, TimeSpan Elapsed) Timed(byte[] content, string name, InspectionLimits? limits = null)
    {
        var clock = Stopwatch.StartNew();
        var report = InspectorHarness.Inspect(content, name, limits);
        return (report, clock.Elapsed);
    }

    [Fact]
    public void Inspect_GigabyteOfZeros_IsRefusedFastByRatio()
    {
        var (report, elapsed) = Timed(bombs.Gigabyte, "zeros.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.ratio", "zeros.bin");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "archive.ratio", "not inspected completely");
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}");
    }

    [Fact]
    public void Inspect_NestedBomb_IsRefusedFast()
    {
        Assert.True(bombs.Nested.Length < bombs.Gigabyte.Length, "the nested bomb is smaller than one of its parts");

        var (report, elapsed) = Timed(bombs.Nested, "nested.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.ratio");
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}");
    }

    [Fact]
    public void Inspect_BombWithoutRatioLimit_IsRefusedBySize()
    {
        var limits = new InspectionLimits { MaxCompressionRatio = 1e12, MaxExpandedBytes = 50L << 20 };

        var (report, elapsed) = Timed(bombs.Gigabyte, "zeros.zip", limits);

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.size", "zeros.bin");
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}");
    }

    [Fact]
    public void Inspect_SmallRepetitiveText_IsNotABomb()
    {
        // 300 kB of one line compresses several hundred times, but stays under the ratio floor.
        var text = string.Concat(Enumerable.Repeat("2024-01-01;0;0;0;0\n", 16_000));
        var zip = ArchiveSamples.Zip(("log.csv", Executables.Text(text)));

        var report = InspectorHarness.Inspect(zip, "log.zip");

        AssertClean(report);
    }

    [Fact]
    public void Inspect_GzipOfZeros_IsRefusedByRatio()
    {
        var zeros = new byte[40 << 20];
        var report = InspectorHarness.Inspect(ArchiveSamples.Gzip(zeros), "zeros.gz");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.ratio");
    }
}
