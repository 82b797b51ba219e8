using System.Text;
using Custos.Core.Sluice.Disarm;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>
/// The check on Ghostscript's output reads PDF tokens: it finds forbidden names however they are spelt, ignores what
/// only looks like a name (inside strings and image data), and counts pages.
/// </summary>
public sealed class RasterPdfCheckTests : IDisposable
{
    private readonly string file = Path.GetTempFileName();

    public void Dispose() => File.Delete(file);

    [Fact]
    public void Inspect_ImagesOnly_CountsPagesAndFindsNothing()
    {
        var (pages, problem) = Inspect(PageObjects(2));

        Assert.Null(problem);
        Assert.Equal(2, pages);
    }

    [Theory]
    [InlineData("<< /Type /Catalog /Pages 2 0 R /OpenAction 9 0 R >>", "/OpenAction")]
    [InlineData("<< /S /J#61vaScript /JS (x) >>", "/JavaScript")]
    [InlineData("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", "/Font")]
    [InlineData("<< /FontFile2 9 0 R >>", "/FontFile2")]
    [InlineData("<< /Annots [9 0 R] >>", "/Annots")]
    [InlineData("<< /A << /S /URI /URI (https://x.test) >> >>", "/URI")]
    [InlineData("<< /Type /ObjStm /N 3 /First 10 >>", "/ObjStm")]
    [InlineData("<< /Names << /EmbeddedFiles 9 0 R >> >>", "/EmbeddedFiles")]
    public void Inspect_ForbiddenName_IsReported(string extraObject, string expected)
    {
        var (_, problem) = Inspect([.. PageObjects(1), extraObject]);

        Assert.Equal($"the output still contains {expected}", problem);
    }

    [Fact]
    public void Inspect_NameLookalikesInStringsAndStreams_AreIgnored()
    {
        var (pages, problem) = Inspect(
        [
            .. PageObjects(1),
            "<< /Producer (GPL Ghostscript /JavaScript \\) /Font) /Title <2F466F6E74> >>",
            // Image data may hold any bytes, "endstr" + "endstream" among them.
            "<< /Length 40 >>\nstream\n/Font /JS /Annots endstrendstr /URI endstrendstream",
            "<< /Type /Page /Parent 2 0 R >>",
        ]);

        Assert.Null(problem);
        Assert.Equal(2, pages);
    }

    [Fact]
    public void Inspect_NotAPdf_IsReported()
    {
        File.WriteAllText(file, "<html></html>");

        Assert.Equal("the output is not a PDF", RasterPdfCheck.Inspect(file).Problem);
    }

    private (int Pages, string? Problem) Inspect(IReadOnlyList<string> objects)
    {
        File.WriteAllBytes(file, TestDocuments.Pdf(objects));
        return RasterPdfCheck.Inspect(file);
    }

    private static List<string> PageObjects(int count)
    {
        var objects = new List<string>
        {
            "<< /Pages 2 0 R /Type /Catalog >>",
            "<< /Count " + count + " /Kids [] /Type /Pages >>",
        };
        for (var i = 0; i < count; i++)
        {
            objects.Add("<< /Length 4 0 R /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode >>\nstream\n"
                + Encoding.Latin1.GetString([0x78, 0x9C, 0x2F, 0x4A, 0x53]) + "\nendstream");
            objects.Add("<< /Contents 5 0 R /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >> >>");
        }
        return objects;
    }
}
