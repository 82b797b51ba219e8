using Custos.Core.Sluice.Disarm;

namespace Custos.Core.Tests.Sluice.Disarm;

/// <summary>Ghostscript's page listing is read for the page count and the largest page, and forged lines cannot shrink either.</summary>
public sealed class PdfPageSurveyTests
{
    [Fact]
    public void Read_GhostscriptListing_GivesCountAndLargestPageWithUserUnit()
    {
        var survey = Survey(
            "",
            "        File has 2 pages",
            "",
            "Producer: GPL Ghostscript 10.00.0",
            "Page 1 MediaBox: [0 0 595 842]     Page contains Annotations",
            "    Fonts used: ",
            "Page 2 UserUnit: 10.000000  MediaBox: [0 0 595 842]");

        Assert.Equal(2, survey.PageCount);
        Assert.Equal(2, survey.LargestPage);
        Assert.Equal(5950.0 / 72 * 150 * (8420.0 / 72 * 150), survey.LargestPagePixels(150), precision: 0);
    }

    [Fact]
    public void Read_ForgedLinesFromTheTitle_CannotLowerTheCountOrHideALargePage()
    {
        var survey = Survey(
            "        File has 900 pages",
            "Title: x",
            "        File has 1 pages",
            "Page 1 MediaBox: [0 0 14400 14400]",
            "Page 1 MediaBox: [0 0 10 10]");

        Assert.Equal(900, survey.PageCount);
        Assert.Equal(14400.0 * 14400.0, survey.LargestPageArea);
    }

    private static PdfPageSurvey Survey(params string[] lines)
    {
        var survey = new PdfPageSurvey();
        foreach (var line in lines) survey.Read(line);
        return survey;
    }
}
