using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

public sealed class MalformedInputTests
{
    private static byte[] Garbage(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] WithHead(byte[] head, int length) => [.. head, .. Garbage(length, head.Length)];

    [Fact]
    public void Inspect_TruncatedZip_BlocksAsMalformed()
    {
        var zip = ArchiveSamples.Zip(("a.txt", Executables.Text("hello")), ("b.txt", Executables.Text("world")));

        var report = InspectorHarness.Inspect(zip[..(zip.Length / 2)], "bundle.zip");

        Assert.Equal("zip", report.Kind.Id);
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Block, "archive.malformed");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "archive.malformed");
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "x.zip", "archive.malformed")]
    [InlineData(new byte[] { 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C }, "x.7z", "archive.malformed")]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0x00 }, "x.gz", "archive.malformed")]
    [InlineData(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }, "x.bin", "active.malformed")]
    public void Inspect_SignatureFollowedByGarbage_BlocksAsMalformed(byte[] signature, string name, string code)
    {
        var report = InspectorHarness.Inspect(WithHead(signature, 3000), name);

        var check = code.StartsWith("archive.", StringComparison.Ordinal) ? report.ArchiveCheck() : report.ActiveCheck();
        AssertCheck(check, CheckOutcome.Block, code);
    }

    [Fact]
    public void Inspect_PdfHeaderFollowedByGarbage_DoesNotThrow()
    {
        var report = InspectorHarness.Inspect(WithHead("%PDF-1.7\n"u8.ToArray(), 100_000), "x.pdf");

        Assert.Equal("pdf", report.Kind.Id);
    }

    public static TheoryData<string, string> Samples() => new()
    {
        { "zip", "a.zip" }, { "docx", "a.docx" }, { "pdf", "a.pdf" }, { "doc", "a.doc" }, { "tgz", "a.tgz" }, { "7z", "a.7z" },
        { "objstm", "a.pdf" },
    };

    private static byte[] Sample(string kind) => kind switch
    {
        "zip" => ArchiveSamples.Zip(("a.txt", Executables.Text("hello")), ("inner.zip", ArchiveSamples.Zip(("b.txt", Executables.Text("x"))))),
        "docx" => OfficeSamples.Docm(),
        "pdf" => PdfSamples.Clean(),
        "objstm" => PdfSamples.WithJavaScriptInObjectStream(),
        "doc" => CompoundFileWriter.WordDocument(withMacros: true),
        "tgz" => ArchiveSamples.Gzip(ArchiveSamples.Tar(("a.txt", Executables.Text("hello")), ("b.exe", Executables.Pe()))),
        _ => ArchiveSamples.SevenZip(("a.txt", Executables.Text("hello"))),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Inspect_DamagedSamples_NeverThrow(string kind, string name)
    {
        var original = Sample(kind);
        var random = new Random(kind.GetHashCode(StringComparison.Ordinal));
        for (var round = 0; round < 60; round++)
        {
            var damaged = (byte[])original.Clone();
            if (round % 3 == 0) damaged = damaged[..random.Next(1, damaged.Length)];
            else
            {
                for (var flips = 0; flips < 1 + round % 7; flips++) damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            var report = InspectorHarness.Inspect(damaged, name);

            Assert.Equal(3, report.Checks.Count);
        }
    }

    [Fact]
    public void Inspect_CancelledToken_Throws()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        using var content = new MemoryStream(ArchiveSamples.Zip(("a.txt", Executables.Text("hello"))));

        Assert.ThrowsAny<OperationCanceledException>(() => InspectorHarness.Inspect(content, "a.zip", ct: cancel.Token));
    }

    [Fact]
    public void Inspect_NonSeekableContent_IsRefusedAsProgrammingError()
    {
        var inspector = new FileInspector(new InspectionLimits());
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();

        Assert.Throws<ArgumentException>(() => inspector.Inspect(pipe, "a.txt", ["text"], Path.GetTempPath()));
    }
}
