using System.IO.Compression;
using System.Text;
using Custos.Core.Sluice.Antivirus;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Sluice.Antivirus;

/// <summary>The client against a real clamd: verdicts, unpacking, limits, VERSION and PING.</summary>
[Collection(ClamdCollection.Name)]
public sealed class ClamdClientTests(SharedClamd shared)
{
    private const long MiB = 1024 * 1024;

    private ClamdTestServer Server => shared.Server;

    private ClamdClient Client() => new(ClamdOptions.Parse(Server.Address));

    [Fact]
    public async Task Scan_CleanBytes_IsCleanWithEngine()
    {
        var result = await Client().ScanAsync(new MemoryStream(Encoding.UTF8.GetBytes("An invoice, nothing else.\n")));

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
        Assert.Null(result.Signature);
        Assert.StartsWith("ClamAV ", result.Engine);
    }

    [Fact]
    public async Task Scan_Eicar_IsInfectedWithSignatureName()
    {
        var result = await Client().ScanAsync(new MemoryStream(ClamdTestServer.Eicar()));

        Assert.Equal(ScanOutcome.Infected, result.Outcome);
        // clamd marks signatures from a database without a digital signature as .UNOFFICIAL.
        Assert.Equal(ClamdTestServer.EicarSignature + ".UNOFFICIAL", result.Signature);
        Assert.StartsWith("ClamAV ", result.Engine);
        Assert.Contains(ClamdTestServer.EicarSignature, result.Detail);
    }

    [Fact]
    public async Task Scan_OverTcp_FindsEicar()
    {
        var client = new ClamdClient(ClamdOptions.Parse(Server.TcpAddress));

        var result = await client.ScanAsync(new MemoryStream(ClamdTestServer.Eicar()));

        Assert.Equal(ScanOutcome.Infected, result.Outcome);
        Assert.Equal(ClamdTestServer.EicarSignature + ".UNOFFICIAL", result.Signature);
    }

    [Fact]
    public async Task Scan_MarkerInZipInsideDocx_IsInfected()
    {
        var result = await Client().ScanAsync(new MemoryStream(DocxWithEmbeddedZip()));

        Assert.Equal(ScanOutcome.Infected, result.Outcome);
        Assert.Equal(ClamdTestServer.MarkerSignature + ".UNOFFICIAL", result.Signature);
        Assert.DoesNotContain(ClamdTestServer.Marker, result.Detail);
    }

    [Fact]
    public async Task Scan_DocxWithoutMarker_IsClean()
    {
        // The same container without the marker: the verdict above comes from the embedded file, not from the shape.
        var result = await Client().ScanAsync(new MemoryStream(DocxWithEmbeddedZip(innerText: "quarterly figures")));

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
    }

    [Fact]
    public async Task Scan_BeyondStreamMaxLength_IsLimitExceeded()
    {
        // 30 MiB against StreamMaxLength 25M: clamd answers and closes while the client is still sending.
        var result = await Client().ScanAsync(new GeneratedStream(30 * MiB));

        Assert.Equal(ScanOutcome.LimitExceeded, result.Outcome);
        Assert.Null(result.Signature);
        Assert.Contains("StreamMaxLength", result.Detail);
        Assert.StartsWith("ClamAV ", result.Engine);
    }

    [Fact]
    public async Task Scan_BeyondStreamMaxLengthOverTcp_IsLimitExceeded()
    {
        // Over TCP, clamd closing with data unread makes the kernel send a reset; its answer must still be read.
        var client = new ClamdClient(ClamdOptions.Parse(Server.TcpAddress));

        var result = await client.ScanAsync(new GeneratedStream(30 * MiB));

        Assert.Equal(ScanOutcome.LimitExceeded, result.Outcome);
        Assert.Contains("StreamMaxLength", result.Detail);
    }

    [Fact]
    public async Task Scan_BeyondMaxFileSize_IsLimitExceeded()
    {
        await using var server = new ClamdTestServer(new ClamdTestServerOptions { StreamMaxLength = "100M", MaxFileSize = "1M", MaxScanSize = "100M" });
        await server.StartAsync();
        var client = new ClamdClient(ClamdOptions.Parse(server.Address));

        var result = await client.ScanAsync(new GeneratedStream(3 * MiB));

        Assert.Equal(ScanOutcome.LimitExceeded, result.Outcome);
        Assert.Null(result.Signature);
        Assert.Contains("Heuristics.Limits.Exceeded.MaxFileSize", result.Detail);
    }

    [Fact]
    public async Task Scan_WithinLimits_IsClean()
    {
        // 10 MiB of random bytes is below every limit of the shared server; the limit verdicts above are about size.
        var result = await Client().ScanAsync(new GeneratedStream(10 * MiB));

        Assert.Equal(ScanOutcome.Clean, result.Outcome);
    }

    [Fact]
    public async Task Scan_CallerCancels_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var slow = new GeneratedStream(200 * MiB, pause: TimeSpan.FromMilliseconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().ScanAsync(slow, cts.Token));
        Assert.True(slow.Position < 200 * MiB);
    }

    [Fact]
    public async Task Scan_SlowerThanScanTimeout_IsUnavailable()
    {
        var client = new ClamdClient(ClamdOptions.Parse(Server.Address) with { ScanTimeout = TimeSpan.FromSeconds(1) });
        var slow = new GeneratedStream(200 * MiB, pause: TimeSpan.FromMilliseconds(20));

        var result = await client.ScanAsync(slow);

        Assert.Equal(ScanOutcome.Unavailable, result.Outcome);
        Assert.Null(result.Engine);
        Assert.Contains("within 1 s", result.Detail);
    }

    [Fact]
    public async Task Version_RunningClamd_ReturnsClamAvVersion()
    {
        var version = await Client().VersionAsync();

        Assert.NotNull(version);
        Assert.Matches(@"^ClamAV \d+\.\d+\.\d+", version);
    }

    [Fact]
    public async Task Ping_RunningClamd_IsTrue()
    {
        Assert.True(await Client().PingAsync());
    }

    /// <summary>A DOCX-shaped ZIP (content types, word/document.xml) that embeds a ZIP holding a text file.</summary>
    private static byte[] DocxWithEmbeddedZip(string innerText = ClamdTestServer.Marker)
    {
        var inner = new MemoryStream();
        using (var zip = new ZipArchive(inner, ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(zip.CreateEntry("notes/readme.txt").Open()))
            writer.Write($"Figures attached. {innerText} End.");

        var docx = new MemoryStream();
        using (var zip = new ZipArchive(docx, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Default Extension="zip" ContentType="application/zip"/>
                <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
                </Types>
                """);
            Write(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
                </Relationships>
                """);
            Write(zip, "word/document.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Report</w:t></w:r></w:p></w:body></w:document>
                """);
            using var embedded = zip.CreateEntry("word/embeddings/attachment.zip").Open();
            inner.Position = 0;
            inner.CopyTo(embedded);
        }
        return docx.ToArray();
    }

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(text);
    }
}
