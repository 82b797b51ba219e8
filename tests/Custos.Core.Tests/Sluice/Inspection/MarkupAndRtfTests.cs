using Custos.Core.Sluice;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

public sealed class MarkupAndRtfTests
{
    [Theory]
    [InlineData("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "<script>")]
    [InlineData("<html><body><img src=x onerror=\"alert(1)\"></body></html>", "onerror")]
    [InlineData("<html><body><a href=\"jav&#x61;script&colon;alert(1)\">x</a></body></html>", "javascript:")]
    [InlineData("<html><body><a href=\"java\tscript:alert(1)\">x</a></body></html>", "javascript:")]
    [InlineData("<html><body><iframe src=\"https://example.org\"></iframe></body></html>", "<iframe>")]
    [InlineData("<html><body><img alt=\">\" onload=alert(1)></body></html>", "onload")]
    public void Inspect_HtmlWithScript_BlocksAsScript(string html, string detail)
    {
        var report = InspectorHarness.Inspect(Executables.Text(html), "page.html");

        Assert.Equal("html", report.Kind.Id);
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.script", detail);
    }

    [Fact]
    public void Inspect_CleanHtml_Passes()
    {
        var html = "<!DOCTYPE html><html><head><title>Menu</title></head><body><p onboarding>Hello</p><a href=\"https://example.org/?q=on\">link</a></body></html>";

        var report = InspectorHarness.Inspect(Executables.Text(html), "menu.htm");

        AssertClean(report);
    }

    [Fact]
    public void Inspect_SvgWithOnload_BlocksAsScript()
    {
        var svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><circle r=\"4\"/></svg>";

        var report = InspectorHarness.Inspect(Executables.Text(svg), "logo.svg");

        Assert.Equal("svg", report.Kind.Id);
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.script", "onload");
    }

    [Fact]
    public void Inspect_SvgWithForeignObject_BlocksAsScript()
    {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject><div/></foreignObject></svg>";

        var report = InspectorHarness.Inspect(Executables.Text(svg), "logo.svg");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.script", "foreignobject");
    }

    [Fact]
    public void Inspect_TextNamedHtml_IsScannedAsMarkup()
    {
        var report = InspectorHarness.Inspect(Executables.Text("Hello <b onclick=\"steal()\">there</b>"), "note.html");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.script");
    }

    [Fact]
    public void Inspect_RtfWithObject_BlocksAsRtfObject()
    {
        var rtf = "{\\rtf1\\ansi{\\fonttbl\\f0\\fswiss Helvetica;}\\f0 Hello{\\object\\objemb{\\*\\objclass Package}{\\*\\objdata 0105000002000000}}}";

        var report = InspectorHarness.Inspect(Executables.Text(rtf), "letter.rtf");

        Assert.Equal("rtf", report.Kind.Id);
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.rtf-object", "\\object");
    }

    [Fact]
    public void Inspect_RtfControlWordBrokenByLineBreak_BlocksAsRtfObject()
    {
        var rtf = "{\\rtf1 Hello{\\obj\r\ndata 0105}}";

        var report = InspectorHarness.Inspect(Executables.Text(rtf), "letter.doc");

        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.rtf-object", "objdata");
    }

    [Fact]
    public void Inspect_CleanRtf_Passes()
    {
        var report = InspectorHarness.Inspect(Executables.Text("{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 Objective: none.\\par}"), "plan.rtf");

        AssertClean(report);
    }
}
