using Custos.Core.Sluice.Inspection.Active;
using Custos.Core.Sluice.Inspection.Detection;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>How a container's entries are judged: members of an archive, or parts of an Office/OpenDocument package.</summary>
internal enum PackageStyle
{
    Archive,
    OfficePackage,
    OpenDocument,
}

/// <summary>
/// Walking one container: every entry is counted, its name checked (path, autorun.inf, package part rules), its bytes
/// read through the budget's meter and then inspected like a file of its own, one level deeper. Findings carry the
/// entry's path from the top ("docs/inner.zip/setup.exe").
/// </summary>
internal sealed class ContainerWalk(ContentAnalyzer analyzer, string path, int depth, RatioScope scope, PackageStyle style)
{
    public WorstFinding Archive { get; } = new();
    public WorstFinding Active { get; } = new();

    /// <summary>The worst reason some content was not inspected (encrypted, unsupported, malformed, a limit).</summary>
    public WorstFinding Incomplete { get; } = new();

    public ArchiveBudget Budget => analyzer.Budget;
    public CancellationToken Cancellation => analyzer.Cancellation;
    public PackageStyle Style { get; set; } = style;

    /// <summary>How findings name this container: "the archive" at the top, else its path.</summary>
    public string Where => path.Length == 0 ? "the archive" : path;

    public string EntryPath(string name) => path.Length == 0 ? FileNames.ForReport(name) : $"{path}/{FileNames.ForReport(name)}";

    /// <summary>Counts an entry and checks its names; true when its content is to be read (it is not a folder).</summary>
    public bool Admit(string name, bool isDirectory, string? otherName = null)
    {
        var entryPath = EntryPath(name);
        Budget.CountEntry(entryPath);
        string[] names = otherName is null || otherName == name ? [name] : [name, otherName];
        foreach (var candidate in names)
        {
            if (EntryPaths.Problem(candidate) is { } problem)
                Archive.Add(Finding.Block(InspectionCodes.ArchivePath, $"{EntryPath(candidate)}: {problem}"));
        }
        // An extractor may use the other name (a ZIP's header name beside its Unicode path): it must not be dangerous either.
        if (names.Length > 1 && TypeRules.CheckName(names[1]) is { } dangerous) Archive.Add(dangerous.At(EntryPath(names[1])));
        if (FileNames.IsAutorun(name)) Active.Add(Finding.Block(InspectionCodes.ActiveAutorun, $"{entryPath}: autorun.inf"));
        var partFinding = Style switch
        {
            PackageStyle.OfficePackage => OfficePackageRules.CheckPartName(name),
            PackageStyle.OpenDocument => OpenDocumentRules.CheckPartName(name),
            _ => null,
        };
        if (partFinding is not null) Active.Add(path.Length == 0 ? partFinding : partFinding.At(path));
        return !isDirectory;
    }

    public void Link(string name, string target, bool symbolic)
    {
        if (EntryPaths.LinkProblem(name, target, symbolic) is { } problem)
            Archive.Add(Finding.Block(InspectionCodes.ArchivePath, $"{EntryPath(name)}: {problem}"));
    }

    /// <summary>An entry whose content cannot be read: it is judged by name, and the archive cannot be judged whole.</summary>
    public void Unreadable(string name, Finding reason)
    {
        var entryPath = EntryPath(name);
        var finding = reason.At(entryPath);
        Archive.Add(finding);
        Incomplete.Add(finding);
        if (TypeRules.CheckName(name) is { } dangerous) Archive.Add(dangerous.At(entryPath));
    }

    /// <summary>The whole container cannot be read (an encrypted 7z header): the archive cannot be judged.</summary>
    public void Unreadable(Finding reason)
    {
        var finding = path.Length == 0 ? reason : reason.At(path);
        Archive.Add(finding);
        Incomplete.Add(finding);
    }

    /// <summary>Reads an entry through the meter into a buffer and inspects it.</summary>
    public void Inspect(string name, Stream decoded, long compressedSize, bool isExpansion)
    {
        var entryPath = EntryPath(name);
        Stream buffered;
        try
        {
            using var metered = new MeteredStream(decoded, Budget, scope, entryPath, compressedSize, isExpansion);
            buffered = EntryBuffer.Fill(metered, analyzer.WorkDirectory, Cancellation);
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            var finding = Finding.Block(InspectionCodes.ArchiveMalformed, $"{entryPath}: {Faults.Describe(e)}");
            Archive.Add(finding);
            Incomplete.Add(finding);
            return;
        }

        using (buffered)
        {
            var role = Style == PackageStyle.Archive ? EntryRole.ArchiveMember : EntryRole.DocumentPart;
            var child = analyzer.Analyze(buffered, name, role, depth + 1, entryPath, scope);
            Archive.Add(child.Type);
            Archive.Add(child.Archive);
            Active.Add(child.Active);
            Incomplete.Add(child.Incomplete);
            if (Style == PackageStyle.OfficePackage) CheckPackagePart(name, buffered);
        }
    }

    private void CheckPackagePart(string name, Stream part)
    {
        part.Position = 0;
        Finding? finding = null;
        if (OfficePackageRules.IsContentTypes(name)) finding = OfficePackageRules.CheckContentTypes(ZipContainerSniffer.ContentTypes(part));
        else if (OfficePackageRules.IsRelationships(name)) finding = OfficePackageRules.CheckRelationships(part, name);
        if (finding is not null) Active.Add(path.Length == 0 ? finding : finding.At(path));
    }
}
