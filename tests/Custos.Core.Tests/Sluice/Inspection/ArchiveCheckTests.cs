using System.IO.Compression;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

public sealed class ArchiveCheckTests
{
    private static readonly byte[] Hello = Executables.Text("hello\n");

    [Fact]
    public void Inspect_CleanZip_PassesWithEntriesAndDepth()
    {
        var zip = ArchiveSamples.Zip(("docs/a.txt", Hello), ("docs/b.csv", Executables.Text("a;b\n1;2\n")), ("photo.png", TypeCheckTests.Png()));

        var report = InspectorHarness.Inspect(zip, "bundle.zip");

        AssertClean(report);
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Pass, "archive.ok", "3 entries");
        Assert.Contains("depth 1", report.ArchiveCheck().Detail);
        AssertCheck(report.ActiveCheck(), CheckOutcome.Pass, "active.none");
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("docs/../../evil.txt")]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("C:/Windows/evil.txt")]
    [InlineData("..\\evil.txt")]
    [InlineData("evil\u0001.txt")]
    public void Inspect_ZipEntryLeavingTheFolder_BlocksAsPath(string name)
    {
        var report = InspectorHarness.Inspect(ArchiveSamples.Zip(("fine.txt", Hello), (name, Hello)), "bundle.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.path");
    }

    [Fact]
    public void Inspect_AutorunInfInZip_BlocksAsAutorun()
    {
        var zip = ArchiveSamples.Zip(("cd/AUTORUN.INF", Executables.Text("[autorun]\nopen=setup.exe\n")));

        var report = InspectorHarness.Inspect(zip, "cd.zip");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.autorun", "cd/AUTORUN.INF");
    }

    [Fact]
    public void Inspect_AutorunInfUploadedAlone_BlocksAsAutorun()
    {
        var report = InspectorHarness.Inspect(Executables.Text("[autorun]\nopen=setup.exe\n"), "autorun.inf");

        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.autorun");
    }

    [Fact]
    public void Inspect_ExecutableInZipInZipNamedDocx_BlocksWithEntryPath()
    {
        var inner = ArchiveSamples.Zip(("bin/setup.exe", Executables.Pe()));
        var outer = ArchiveSamples.Zip(("readme.txt", Hello), ("inner.zip", inner));

        var report = InspectorHarness.Inspect(outer, "contract.docx");

        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.mismatch");
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "inner.zip/bin/setup.exe");
    }

    [Fact]
    public void Inspect_RenamedExecutableInZip_BlocksAsExecutable()
    {
        var report = InspectorHarness.Inspect(ArchiveSamples.Zip(("holiday.jpg", Executables.Pe())), "photos.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "holiday.jpg");
    }

    [Fact]
    public void Inspect_MacroDocumentInZip_BlocksAsMacroWithPath()
    {
        var report = InspectorHarness.Inspect(ArchiveSamples.Zip(("q3/report.docm", OfficeSamples.Docm())), "reports.zip");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.macro", "q3/report.docm");
    }

    [Fact]
    public void Inspect_ZipWithEncryptionFlag_GoesToReview()
    {
        var zip = ArchiveSamples.MarkEncrypted(ArchiveSamples.Zip(("salaries.xlsx", Hello)));

        var report = InspectorHarness.Inspect(zip, "salaries.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Review, "archive.encrypted", "salaries.xlsx");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Review, "archive.encrypted", "not inspected completely");
        Assert.Equal(CheckOutcome.Review, SluiceChecks.Worst(report.Checks));
    }

    [Fact]
    public void Inspect_ZipWithAesMethod_GoesToReview()
    {
        var zip = ArchiveSamples.MarkAesMethod(ArchiveSamples.Zip(("salaries.xlsx", Hello)));

        var report = InspectorHarness.Inspect(zip, "salaries.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Review, "archive.encrypted");
    }

    [Fact]
    public void Inspect_EncryptedEntryWithExecutableName_BlocksByName()
    {
        var zip = ArchiveSamples.MarkEncrypted(ArchiveSamples.Zip(("setup.exe", Hello)));

        var report = InspectorHarness.Inspect(zip, "tools.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.script", "setup.exe");
    }

    private static byte[] Nested(int levels)
    {
        var content = ArchiveSamples.Zip(("innermost.txt", Hello));
        for (var level = levels - 1; level > 0; level--) content = ArchiveSamples.Zip(($"level{level + 1}.zip", content));
        return content;
    }

    [Fact]
    public void Inspect_SixNestedZips_BlocksAsDepth()
    {
        var report = InspectorHarness.Inspect(Nested(6), "nested.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.depth", "level6.zip");
    }

    [Fact]
    public void Inspect_FiveNestedZips_Passes()
    {
        var report = InspectorHarness.Inspect(Nested(5), "nested.zip");

        AssertClean(report);
        Assert.Contains("depth 5", report.ArchiveCheck().Detail);
    }

    [Fact]
    public void Inspect_TwentyThousandEntries_BlocksAsEntries()
    {
        var entries = Enumerable.Range(0, 20_000).Select(i => ($"f{i}.txt", new[] { (byte)'x' })).ToArray();
        var zip = ArchiveSamples.Zip(CompressionLevel.NoCompression, entries);

        var report = InspectorHarness.Inspect(zip, "many.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.entries", "20000");
    }

    [Fact]
    public void Inspect_EntriesOverLimitAcrossLevels_BlocksAsEntries()
    {
        var inner = ArchiveSamples.Zip(Enumerable.Range(0, 30).Select(i => ($"in{i}.txt", Hello)).ToArray());
        var outer = ArchiveSamples.Zip([.. Enumerable.Range(0, 30).Select(i => ($"out{i}.txt", Hello)), ("inner.zip", inner)]);

        var report = InspectorHarness.Inspect(outer, "levels.zip", new InspectionLimits { MaxEntries = 50 });

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.entries");
    }

    [Fact]
    public void Inspect_TarWithExecutable_BlocksWithPath()
    {
        var tar = ArchiveSamples.Tar(("pkg/readme.txt", Hello), ("pkg/bin/tool", Executables.Elf()));

        var report = InspectorHarness.Inspect(tar, "pkg.tar");

        Assert.Equal("tar", report.Kind.Id);
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "pkg/bin/tool");
    }

    [Fact]
    public void Inspect_TarGzWithExecutable_BlocksWithPath()
    {
        var tarGz = ArchiveSamples.Gzip(ArchiveSamples.Tar(("pkg/readme.txt", Hello), ("pkg/setup.exe", Executables.Pe())));

        var report = InspectorHarness.Inspect(tarGz, "pkg.tar.gz");

        Assert.Equal("gzip", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "pkg.tar/pkg/setup.exe");
    }

    [Fact]
    public void Inspect_CleanTarGz_PassesAtDepthTwo()
    {
        var tarGz = ArchiveSamples.Gzip(ArchiveSamples.Tar(("a.txt", Hello), ("b.txt", Hello)));

        var report = InspectorHarness.Inspect(tarGz, "logs.tgz");

        AssertClean(report);
        Assert.Contains("3 entries", report.ArchiveCheck().Detail);
        Assert.Contains("depth 2", report.ArchiveCheck().Detail);
    }

    [Fact]
    public void Inspect_TarSymlinkOutOfTheFolder_BlocksAsPath()
    {
        var report = InspectorHarness.Inspect(ArchiveSamples.TarWithSymlink("docs/link", "../../../etc/passwd"), "links.tar");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.path", "docs/link");
    }

    [Theory]
    [InlineData(SharpCompress.Common.CompressionType.BZip2)]
    [InlineData(SharpCompress.Common.CompressionType.LZMA)]
    [InlineData(SharpCompress.Common.CompressionType.Deflate)]
    public void Inspect_ZipWithOtherCompressionMethod_IsDecoded(SharpCompress.Common.CompressionType method)
    {
        var zip = ArchiveSamples.ZipWith(method, ("readme.txt", Hello), ("tools/run.exe", Executables.Pe()));

        var report = InspectorHarness.Inspect(zip, "tools.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "tools/run.exe");
    }

    [Fact]
    public void Inspect_Zip64Archive_IsRead()
    {
        var zip = ArchiveSamples.Zip64(("readme.txt", Hello), ("tools/run.exe", Executables.Pe()));
        using (var check = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
            Assert.Equal(Hello, new BinaryReader(check.GetEntry("readme.txt")!.Open()).ReadBytes(100));

        var report = InspectorHarness.Inspect(zip, "tools.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "tools/run.exe");
    }

    [Fact]
    public void Inspect_ZipWithUndecodableMethod_GoesToReview()
    {
        var zip = ArchiveSamples.ZipWith(SharpCompress.Common.CompressionType.PPMd, ("notes.txt", Hello));

        var report = InspectorHarness.Inspect(zip, "notes.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Review, "archive.unsupported", "notes.txt");
    }

    [Fact]
    public void Inspect_ZipSymlinkOutOfTheFolder_BlocksAsPath()
    {
        var report = InspectorHarness.Inspect(ArchiveSamples.ZipWithSymlink("docs/link", "/etc/passwd"), "links.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.path", "docs/link");
    }

    [Fact]
    public void Inspect_SevenZipWithExecutable_BlocksWithPath()
    {
        var sevenZip = ArchiveSamples.SevenZip(("notes.txt", Hello), ("tools/run.exe", Executables.Pe()));

        var report = InspectorHarness.Inspect(sevenZip, "tools.7z");

        Assert.Equal("7z", report.Kind.Id);
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "run.exe");
    }

    [Fact]
    public void Inspect_EntryLargerThanMemoryBuffer_IsSpilledAndRemoved()
    {
        var big = new byte[20 << 20];
        new Random(3).NextBytes(big);
        var zip = ArchiveSamples.Zip(CompressionLevel.NoCompression, ("big.bin", big), ("inner.zip", ArchiveSamples.Zip(("x.exe", Executables.Pe()))));

        // The harness checks that the work directory is empty afterwards.
        var report = InspectorHarness.Inspect(zip, "big.zip");

        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "type.executable", "inner.zip/x.exe");
    }

    [Fact]
    public void Inspect_WorkDirectoryMissing_ThrowsAsServerFault()
    {
        var big = new byte[17 << 20];
        new Random(5).NextBytes(big);
        using var zip = new MemoryStream(ArchiveSamples.Zip(CompressionLevel.NoCompression, ("big.bin", big)));
        var missing = Path.Combine(Path.GetTempPath(), $"custos-missing-{Guid.NewGuid():N}");

        Assert.Throws<InspectionWorkDirectoryException>(
            () => new FileInspector(new InspectionLimits()).Inspect(zip, "big.zip", FileKinds.DefaultAllowed.ToList(), missing));
    }

    [Fact]
    public void Inspect_MacOsZipWithAppleDoubleFiles_Passes()
    {
        byte[] appleDouble = [0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00, .. new byte[16], 0x00, 0x00];
        var zip = ArchiveSamples.Zip(("minutes.docx", OfficeSamples.Docx()), ("__MACOSX/._minutes.docx", appleDouble));

        var report = InspectorHarness.Inspect(zip, "minutes.zip");

        AssertClean(report);
    }

    [Fact]
    public void Inspect_ZipAppendedToImage_BlocksAsMalformed()
    {
        var polyglot = TypeCheckTests.Png().Concat(ArchiveSamples.Zip(("x.exe", Executables.Pe()))).ToArray();

        var report = InspectorHarness.Inspect(polyglot, "photo.png");

        Assert.Equal("png", report.Kind.Id);
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.malformed", "appended");
    }
}
