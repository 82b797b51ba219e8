using System.Text;
using Custos.Core.Sluice.Disarm;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>Kinds without a disarm are passed on as not applicable, and the uploader's name never escapes its role as a label.</summary>
public sealed class DisarmKindTests : IDisposable
{
    private readonly Scratch scratch = new();

    public void Dispose() => scratch.Dispose();

    [Theory]
    [InlineData("zip")]
    [InlineData("data")]
    [InlineData("eml")]
    [InlineData("msg")]
    public async Task DisarmAsync_KindWithoutDisarm_IsNotApplicableAndWritesNothing(string kind)
    {
        var zip = TestDocuments.Zip(("a.txt", "hello"));

        var result = await new Disarmer(new DisarmOptions()).DisarmAsync(scratch.Input(zip), "archiv.zip", kind, scratch.Work);

        Assert.Equal(DisarmStatus.NotApplicable, result.Status);
        Assert.Null(result.OutputPath);
        Assert.Null(result.OutputFileName);
        Assert.Contains(kind, result.Detail);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Work));
    }

    [Theory]
    [InlineData("html")]
    [InlineData("svg")]
    public async Task DisarmAsync_HtmlAndSvg_AreNotApplicableAndSaySoForScripts(string kind)
    {
        var result = await new Disarmer(new DisarmOptions())
            .DisarmAsync(scratch.Input("<p>hi</p>"u8.ToArray()), "seite." + kind, kind, scratch.Work);

        Assert.Equal(DisarmStatus.NotApplicable, result.Status);
        Assert.Contains("checked", result.Detail);
        Assert.Contains("scripts", result.Detail);
    }

    [Fact]
    public async Task DisarmAsync_HostileFileName_GivesAPlainNameAndWritesOnlyInTheWorkDirectory()
    {
        // Path traversal, a right-to-left override ("gnp.exe" shown as "exe.png") and a control character.
        const string hostile = "../../etc/cron.d/re\u202Egnp\u0007port.exe.txt";

        var result = await new Disarmer(new DisarmOptions())
            .DisarmAsync(scratch.Input(Encoding.UTF8.GetBytes("hello")), hostile, "text", scratch.Work);

        Assert.True(result.Status == DisarmStatus.Disarmed, result.Detail);
        Assert.Equal("regnpport.exe.txt", result.OutputFileName);
        Assert.Equal(scratch.Work, Path.GetDirectoryName(result.OutputPath));
    }

    [Theory]
    [InlineData("report.docx", ".pdf", "report.pdf")]
    [InlineData(@"C:\Users\anna\Bericht 2026.docx", ".pdf", "Bericht 2026.pdf")]
    [InlineData("...", ".txt", "document.txt")]
    [InlineData("", ".txt", "document.txt")]
    [InlineData(".bashrc", ".txt", "bashrc.txt")]
    [InlineData("CON.txt", ".txt", "CON_.txt")]
    [InlineData("a<b>c:d|e?f*.csv", ".csv", "a_b_c_d_e_f_.csv")]
    [InlineData("\ud800broken.txt", ".txt", "broken.txt")]
    public void OutputName_UploaderNames_BecomeSafeReleaseNames(string uploaded, string extension, string expected)
    {
        Assert.Equal(expected, OutputName.For(uploaded, extension));
    }

    [Fact]
    public void OutputName_VeryLongName_IsCutWithoutSplittingACharacter()
    {
        var name = OutputName.For(string.Concat(Enumerable.Repeat("😀", 200)) + ".pdf", ".pdf");

        Assert.EndsWith(".pdf", name);
        Assert.True(name.Length <= 124);
        Assert.True(name.EnumerateRunes().All(r => r.Value == 0x1F600 || r.Value < 128));
    }
}
