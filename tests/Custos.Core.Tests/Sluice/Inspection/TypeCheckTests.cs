using System.Text;
using Custos.Core.Sluice;
using Custos.Core.Sluice.Inspection;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

public sealed class TypeCheckTests
{
    internal static byte[] Png()
    {
        using var image = new Image<Rgba32>(2, 2);
        var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    [Fact]
    public void Inspect_PeNamedPdf_BlocksAsExecutable()
    {
        var report = InspectorHarness.Inspect(Executables.Pe(), "report.pdf");

        Assert.Equal("pe", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.executable", ".pdf");
    }

    [Theory]
    [InlineData("elf", "tool")]
    [InlineData("macho", "photo.jpg")]
    public void Inspect_UnixExecutable_BlocksAsExecutable(string kind, string name)
    {
        var content = kind == "elf" ? Executables.Elf() : Executables.MachO();

        var report = InspectorHarness.Inspect(content, name);

        Assert.Equal(kind, report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.executable");
    }

    [Fact]
    public void Inspect_PowerShellText_BlocksAsScript()
    {
        var report = InspectorHarness.Inspect(Executables.Text("Get-ChildItem | Remove-Item\n"), "script.ps1");

        Assert.Equal("script", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.script", "ps1");
    }

    [Fact]
    public void Inspect_ShebangTextNamedTxt_BlocksAsScript()
    {
        var report = InspectorHarness.Inspect(Executables.Text("#!/bin/sh\nrm -rf ~\n"), "notes.txt");

        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.script", "#!");
    }

    [Theory]
    [InlineData("shortcut.lnk")]
    [InlineData("holiday.jpg")]
    public void Inspect_Shortcut_BlocksAsScriptWhateverTheName(string name)
    {
        var report = InspectorHarness.Inspect(Executables.Lnk(), name);

        Assert.Equal("lnk", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.script");
    }

    [Theory]
    [InlineData("invoice.exe")]
    [InlineData("invoice.exe. ")]
    [InlineData("readme.txt.js")]
    [InlineData("setup.MSI")]
    public void Inspect_DangerousExtensionOnHarmlessContent_BlocksAsScript(string name)
    {
        var report = InspectorHarness.Inspect(Executables.Text("hello\n"), name);

        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.script");
    }

    [Fact]
    public void Inspect_PngNamedPdf_BlocksAsMismatch()
    {
        var report = InspectorHarness.Inspect(Png(), "report.pdf");

        Assert.Equal("png", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.mismatch", "declared pdf, content png");
    }

    [Fact]
    public void Inspect_PngNotInAllowList_BlocksAsNotAllowed()
    {
        var allowed = FileKinds.DefaultAllowed.Where(id => id != "png").ToList();

        var report = InspectorHarness.Inspect(Png(), "photo.png", allowed: allowed);

        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.not-allowed", "png");
    }

    [Fact]
    public void Inspect_PngWithJpegName_PassesAsImage()
    {
        var report = InspectorHarness.Inspect(Png(), "photo.jpg");

        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok", "png (image/png)");
    }

    [Fact]
    public void Inspect_UnknownBinary_IsDataAndPasses()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        var report = InspectorHarness.Inspect(bytes, "data.bin");

        Assert.Equal("data", report.Kind.Id);
        AssertClean(report);
        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok", "data (application/octet-stream)");
    }

    [Fact]
    public void Inspect_Utf16TextWithBom_IsText()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Grüße aus Köln\r\nZeile zwei\r\n")).ToArray();

        var report = InspectorHarness.Inspect(bytes, "notes.txt");

        Assert.Equal("text", report.Kind.Id);
        AssertClean(report);
    }

    [Fact]
    public void Inspect_Windows1252Csv_IsCsv()
    {
        var bytes = Encoding.Latin1.GetBytes("Name;Straße;Betrag\nMüller;Hauptstraße 1;12,50\n");

        var report = InspectorHarness.Inspect(bytes, "export.csv");

        Assert.Equal("csv", report.Kind.Id);
        AssertClean(report);
    }

    [Theory]
    [InlineData("{\"a\": [1, 2, 3]}", "data.txt", "json")]
    [InlineData("<?xml version=\"1.0\"?><order id=\"1\"/>", "order.log", "xml")]
    [InlineData("From: a@example.org\nTo: b@example.org\nSubject: Hi\n\nBody\n", "mail.eml", "eml")]
    [InlineData("", "empty.txt", "text")]
    public void Inspect_TextUnderAnotherTextName_Passes(string text, string name, string kind)
    {
        var report = InspectorHarness.Inspect(Executables.Text(text), name);

        Assert.Equal(kind, report.Kind.Id);
        AssertClean(report);
    }

    [Fact]
    public void Inspect_OfficeDocumentNamedZip_PassesAsItsKind()
    {
        var report = InspectorHarness.Inspect(OfficeSamples.Docx(), "archive.zip");

        Assert.Equal("docx", report.Kind.Id);
        AssertClean(report);
    }

    [Fact]
    public void Inspect_PlainZipNamedDocx_BlocksAsMismatch()
    {
        var zip = ArchiveSamples.Zip(("a.txt", Executables.Text("hello")));

        var report = InspectorHarness.Inspect(zip, "contract.docx");

        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.mismatch", "declared docx, content zip");
    }

    [Fact]
    public void Inspect_NoExtension_NeverMismatches()
    {
        var report = InspectorHarness.Inspect(Png(), "photo");

        AssertClean(report);
    }

    [Fact]
    public void Inspect_HostileFileName_UsesOnlyItsExtension()
    {
        var report = InspectorHarness.Inspect(Png(), "../../etc/\u202Egnp.pdf\0x.png");

        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
    }
}
