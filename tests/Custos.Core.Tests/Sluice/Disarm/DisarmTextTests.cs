using System.Text;
using Custos.Core.Sluice.Disarm;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>Text leaves as UTF-8 without BOM or NUL characters, with the characters the author wrote.</summary>
public sealed class DisarmTextTests : IDisposable
{
    private const string Sample = "Grüße aus Köln: 12,50 € – „gut“ 日本";

    private readonly Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task DisarmAsync_Utf16LeWithBom_BecomesUtf8WithTheSameCharacters()
    {
        var input = new byte[] { 0xFF, 0xFE }.Concat(Encoding.Unicode.GetBytes(Sample + "\r\nzweite Zeile\0")).ToArray();

        var result = await Disarm(input, "notiz.txt", "text");

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal("notiz.txt", result.OutputFileName);
        Assert.Equal("text/plain; charset=utf-8", result.MediaType);
        Assert.Equal(Encoding.UTF8.GetBytes(Sample + "\r\nzweite Zeile"), await File.ReadAllBytesAsync(result.OutputPath!));
        Assert.Contains("UTF-16LE", result.Detail);
        Assert.Contains("1 NUL characters removed", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_Utf16BeWithBom_BecomesUtf8()
    {
        var input = new byte[] { 0xFE, 0xFF }.Concat(Encoding.BigEndianUnicode.GetBytes(Sample)).ToArray();

        var result = await Disarm(input, "a.csv", "csv");

        Assert.Equal(Encoding.UTF8.GetBytes(Sample), await File.ReadAllBytesAsync(result.OutputPath!));
        Assert.Equal("text/csv; charset=utf-8", result.MediaType);
    }

    [Fact]
    public async Task DisarmAsync_Latin1Text_BecomesUtf8WithTheSameCharacters()
    {
        const string latin = "Grüße, café, naïve, Straße; ½ °C";
        var result = await Disarm(Encoding.Latin1.GetBytes(latin), "alt.txt", "text");

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal(Encoding.UTF8.GetBytes(latin), await File.ReadAllBytesAsync(result.OutputPath!));
        Assert.Contains("Windows-1252", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_WindowsAnsiText_ReadsEuroSignAndQuotesAsWindows1252()
    {
        // 0x80 is the euro sign and 0x93/0x94 are curly quotes in Windows-1252; Latin-1 would make them control characters.
        var result = await Disarm([0x80, 0x20, 0x93, 0x6F, 0x6B, 0x94], "preis.txt", "text");

        Assert.Equal("€ “ok”", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(result.OutputPath!)));
    }

    [Fact]
    public async Task DisarmAsync_Utf8WithBom_LosesOnlyTheBom()
    {
        var result = await Disarm(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Sample)).ToArray(), "x.json", "json");

        Assert.Equal(Encoding.UTF8.GetBytes(Sample), await File.ReadAllBytesAsync(result.OutputPath!));
        Assert.Equal("application/json", result.MediaType);
    }

    [Fact]
    public async Task DisarmAsync_Utf8SequenceAcrossBufferBoundary_StaysUtf8()
    {
        // A multi-byte character straddles every 64 KiB read; a validator that forgot the carry would call it Latin-1.
        var text = string.Concat(Enumerable.Repeat("ab€", 100_000));

        var result = await Disarm(Encoding.UTF8.GetBytes(text), "lang.txt", "text");

        Assert.Equal("decoded as UTF-8, written as UTF-8 without BOM", result.Detail);
        Assert.Equal(Encoding.UTF8.GetBytes(text), await File.ReadAllBytesAsync(result.OutputPath!));
    }

    [Fact]
    public async Task DisarmAsync_XmlDeclaringLatin1_DeclaresUtf8Afterwards()
    {
        const string xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<n>Müller</n>";

        var result = await Disarm(Encoding.Latin1.GetBytes(xml), "daten.xml", "xml");

        Assert.Equal("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<n>Müller</n>",
            Encoding.UTF8.GetString(await File.ReadAllBytesAsync(result.OutputPath!)));
        Assert.Equal("application/xml", result.MediaType);
    }

    private Task<DisarmResult> Disarm(byte[] content, string name, string kind) =>
        new Disarmer(new DisarmOptions()).DisarmAsync(scratch.Input(content), name, kind, scratch.Work);
}
