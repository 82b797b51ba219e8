using Custos.Core.Sluice;
using Custos.Core.Tests.Sluice.Inspection.Samples;
using static Custos.Core.Tests.Sluice.Inspection.InspectorHarness;

namespace Custos.Core.Tests.Sluice.Inspection;

public sealed class OfficeActiveContentTests
{
    [Fact]
    public void Inspect_CleanDocx_Passes()
    {
        var report = InspectorHarness.Inspect(OfficeSamples.Docx(), "minutes.docx");

        Assert.Equal("docx", report.Kind.Id);
        AssertClean(report);
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Pass, "archive.ok");
    }

    [Fact]
    public void Inspect_DocmWithVbaProject_BlocksAsMacroAndNotAllowed()
    {
        var report = InspectorHarness.Inspect(OfficeSamples.Docm(), "budget.docm");

        Assert.Equal("docm", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.not-allowed");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.macro");
    }

    [Fact]
    public void Inspect_DocmAllowedByTenant_StillBlocksAsMacro()
    {
        var report = InspectorHarness.Inspect(OfficeSamples.Docm(), "budget.docm", allowed: ["docm"]);

        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.macro", "macro");
    }

    [Fact]
    public void Inspect_MacroContentTypeRenamedDocx_BlocksAsMacro()
    {
        var report = InspectorHarness.Inspect(OfficeSamples.MacroContentTypeOnly(), "report.docx");

        Assert.Equal("docm", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.mismatch", "declared docx, content docm");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.macro", "macroenabled");
    }

    [Fact]
    public void Inspect_ExternalAttachedTemplate_BlocksAsExternalLink()
    {
        var report = InspectorHarness.Inspect(OfficeSamples.ExternalTemplate(), "invoice.docx");

        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.external-link", "attachedTemplate");
    }

    [Fact]
    public void Inspect_EmbeddedOleObject_GoesToReview()
    {
        var report = InspectorHarness.Inspect(OfficeSamples.WithEmbeddedOleObject(), "offer.docx");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Review, "active.embedded-object", "oleObject1.bin");
    }

    [Fact]
    public void Inspect_LegacyDocWithVbaStorage_BlocksAsMacro()
    {
        var report = InspectorHarness.Inspect(CompoundFileWriter.WordDocument(withMacros: true), "letter.doc");

        Assert.Equal("doc", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.macro");
    }

    [Fact]
    public void Inspect_CleanLegacyDoc_Passes()
    {
        var report = InspectorHarness.Inspect(CompoundFileWriter.WordDocument(withMacros: false), "letter.doc");

        Assert.Equal("doc", report.Kind.Id);
        AssertClean(report);
    }

    [Fact]
    public void Inspect_LegacyDocWithPackagedObject_GoesToReview()
    {
        var report = InspectorHarness.Inspect(CompoundFileWriter.WordDocument(withMacros: false, withEmbeddedPackage: true), "letter.doc");

        AssertCheck(report.ActiveCheck(), CheckOutcome.Review, "active.embedded-object");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public void Inspect_LegacyWorkbook_BlocksOnlyExcel4MacroSheets(byte sheetType, bool blocked)
    {
        var report = InspectorHarness.Inspect(CompoundFileWriter.ExcelWorkbook(sheetType), "figures.xls");

        Assert.Equal("xls", report.Kind.Id);
        if (blocked) AssertCheck(report.ActiveCheck(), CheckOutcome.Block, "active.macro", "Excel 4.0");
        else AssertClean(report);
    }

    [Fact]
    public void Inspect_WindowsInstallerByContent_BlocksAsExecutable()
    {
        var msi = new CompoundFileWriter(new Guid("000C1084-0000-0000-C000-000000000046"));
        msi.Root.Stream("SummaryInformation", new byte[4096]);

        var report = InspectorHarness.Inspect(msi.Build(), "update.bin");

        Assert.Equal("msi", report.Kind.Id);
        AssertCheck(report.TypeCheck(), CheckOutcome.Block, "type.executable");
    }

    [Fact]
    public void Inspect_PasswordProtectedDocx_GoesToReview()
    {
        var encrypted = new CompoundFileWriter();
        encrypted.Root.Stream("EncryptionInfo", new byte[4096]).Stream("EncryptedPackage", new byte[8192]);

        var report = InspectorHarness.Inspect(encrypted.Build(), "salaries.docx");

        AssertCheck(report.TypeCheck(), CheckOutcome.Pass, "type.ok");
        AssertCheck(report.ArchiveCheck(), CheckOutcome.Review, "archive.encrypted");
        AssertCheck(report.ActiveCheck(), CheckOutcome.Review, "archive.encrypted");
    }

    [Theory]
    [InlineData(false, CheckOutcome.Pass, "active.none")]
    [InlineData(true, CheckOutcome.Block, "active.macro")]
    public void Inspect_OpenDocumentText_BlocksOnlyBasicMacros(bool withMacros, CheckOutcome outcome, string code)
    {
        var report = InspectorHarness.Inspect(OfficeSamples.Odt(withMacros), "letter.odt");

        Assert.Equal("odt", report.Kind.Id);
        AssertCheck(report.ActiveCheck(), outcome, code);
    }
}
