using Custos.Core.Sluice.Inspection.Active;
using Custos.Core.Sluice.Inspection.Archives;
using Custos.Core.Sluice.Inspection.Detection;

namespace Custos.Core.Sluice.Inspection;

/// <summary>
/// What one file (the upload, or an entry inside it) showed: its kind, the type, archive and active-content findings,
/// and, when some content could not be inspected, the worst reason why. Findings about an entry name its path.
/// </summary>
internal sealed record FileAnalysis(FileKind Kind, Finding Type, Finding Archive, Finding Active, Finding? Incomplete);

/// <summary>
/// The recursive engine of one inspection: detects a file's kind, checks its type, walks it when it is a container
/// (each entry analysed the same way, one level deeper) and scans it for active content otherwise.
/// </summary>
internal sealed class ContentAnalyzer(InspectionLimits limits, IReadOnlySet<string> allowed, string workDirectory, CancellationToken ct)
{
    public ArchiveBudget Budget { get; } = new(limits);
    public string WorkDirectory => workDirectory;
    public CancellationToken Cancellation => ct;

    public FileAnalysis Analyze(Stream content, string name, EntryRole role, int depth, string path, RatioScope? parentScope)
    {
        ct.ThrowIfCancellationRequested();
        DetectedContent detected;
        try
        {
            detected = ContentDetector.Detect(content, name, ct);
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            var unreadable = Finding.Block(InspectionCodes.TypeMalformed, $"content cannot be read: {Faults.Describe(e)}");
            return new FileAnalysis(FileKinds.Data, Qualify(unreadable, path), Qualify(unreadable, path), Qualify(unreadable, path), null);
        }

        var type = TypeRules.Check(detected, name, role, allowed);
        var active = new WorstFinding();
        var incomplete = new WorstFinding();
        if (role == EntryRole.TopLevel && FileNames.IsAutorun(name))
            active.Add(Finding.Block(InspectionCodes.ActiveAutorun, "autorun.inf runs when the medium is inserted"));

        Finding archive;
        if (detected.IsContainer)
        {
            var walk = WalkContainer(content, detected, name, depth, path, parentScope);
            archive = walk.Archive.Value ?? Finding.Pass(InspectionCodes.ArchiveOk,
                $"{Budget.Entries} entries, {ArchiveBudget.Size(Budget.ExtractedBytes)} expanded, depth {Budget.DeepestLevel}");
            active.Add(walk.Active.Value);
            incomplete.Add(walk.Incomplete.Value);
        }
        else
        {
            archive = Qualify(NotAContainer(content, detected), path);
            incomplete.Add(archive);
            active.Add(Qualify(ActiveContentScanner.Scan(content, detected, name, role, Budget, ct), path));
        }

        return new FileAnalysis(detected.Kind, Qualify(type, path), archive,
            active.Value ?? Finding.Pass(InspectionCodes.ActiveNone, "no active content"), incomplete.Value);
    }

    private ContainerWalk WalkContainer(Stream content, DetectedContent detected, string name, int depth, string path, RatioScope? parentScope)
    {
        var scope = new RatioScope(parentScope, content.Length, path.Length == 0 ? "the file" : path);
        var style = FileKinds.IsOfficeOpenXml(detected.Kind) ? PackageStyle.OfficePackage
            : FileKinds.IsOpenDocument(detected.Kind) ? PackageStyle.OpenDocument
            : PackageStyle.Archive;
        var walk = new ContainerWalk(this, path, depth, scope, style);
        if (depth > limits.MaxDepth)
        {
            walk.Unreadable(Finding.Block(InspectionCodes.ArchiveDepth, $"archives nested more than {limits.MaxDepth} levels deep"));
            return walk;
        }
        Budget.EnterLevel(depth);
        try
        {
            switch (detected.Format)
            {
                case ContentFormat.Zip: ZipWalker.Walk(content, walk); break;
                case ContentFormat.SevenZip: SevenZipWalker.Walk(content, walk); break;
                case ContentFormat.Tar: TarWalker.Walk(content, walk); break;
                case ContentFormat.Gzip: GzipWalker.Walk(content, name, walk); break;
            }
        }
        catch (InspectionLimitException e) when (depth == 1)
        {
            // A limit ends the whole inspection; it is reported once, at the top, with where it was crossed.
            walk.Archive.Add(e.Finding);
            walk.Incomplete.Add(e.Finding);
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            walk.Unreadable(Finding.Block(InspectionCodes.ArchiveMalformed, Faults.Describe(e)));
        }
        return walk;
    }

    /// <summary>The archive check of a file that is no container: an encrypted Office package, or a ZIP hidden behind other content.</summary>
    private static Finding NotAContainer(Stream content, DetectedContent detected)
    {
        if (detected.EncryptedPackage)
            return Finding.Review(InspectionCodes.ArchiveEncrypted, "password-protected Office document: its content cannot be inspected");
        if (detected.Format is ContentFormat.Other or ContentFormat.Pdf && ZipDirectory.HasTrailingArchive(content))
            return Finding.Block(InspectionCodes.ArchiveMalformed, $"a ZIP archive is appended to {detected.Kind.Id} content");
        return Finding.Pass(InspectionCodes.ArchiveNone, "not an archive");
    }

    private static Finding Qualify(Finding finding, string path) => path.Length == 0 || finding.IsPass ? finding : finding.At(path);
}
