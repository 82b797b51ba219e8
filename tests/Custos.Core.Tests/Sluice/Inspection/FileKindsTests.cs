using Custos.Core.Sluice.Inspection;

namespace Custos.Core.Tests.Sluice.Inspection;

public sealed class FileKindsTests
{
    [Fact]
    public void DefaultAllowed_ExcludesExecutablesScriptsShortcutsAndMacroDocuments()
    {
        foreach (var id in new[] { "pe", "elf", "macho", "script", "lnk", "docm", "xlsm", "pptm", "msi" })
            Assert.DoesNotContain(id, FileKinds.DefaultAllowed);
        foreach (var id in new[] { "pdf", "docx", "xlsx", "pptx", "odt", "zip", "png", "text", "csv", "data" })
            Assert.Contains(id, FileKinds.DefaultAllowed);
    }

    [Fact]
    public void All_HasUniqueIdsAndExtensions()
    {
        Assert.Equal(FileKinds.All.Count, FileKinds.All.Select(k => k.Id).Distinct().Count());
        var extensions = FileKinds.All.SelectMany(k => k.Extensions).ToList();
        Assert.Equal(extensions.Count, extensions.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Find_IgnoresCaseAndKnowsData()
    {
        Assert.Same(FileKinds.Pdf, FileKinds.Find("PDF"));
        Assert.Null(FileKinds.Find("exe"));
        Assert.Equal("application/octet-stream", FileKinds.Data.MediaType);
        Assert.Same(FileKinds.Data, FileKinds.Find("data"));
        Assert.Contains("jpg", FileKinds.Find("jpeg")!.Extensions);
    }
}
