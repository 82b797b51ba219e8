namespace Custos.Core.Sluice.Inspection;

/// <summary>
/// The sluice's content inspection, in pure .NET: what a file is (by content, not by name), whether it is or holds a
/// dangerous archive, and whether it carries active content (macros, script, embedded objects, PDF actions).
/// </summary>
public sealed class FileInspector(InspectionLimits limits)
{
    /// <summary>
    /// Inspects a decrypted file. Hostile or broken input never throws: it is reported (Block, *.malformed). Cancellation
    /// throws <see cref="OperationCanceledException"/>; a work directory that cannot be written throws
    /// <see cref="InspectionWorkDirectoryException"/>, since that is the server's fault and worth a retry.
    /// </summary>
    /// <param name="content">Readable, seekable plaintext; read in windows, never whole into memory.</param>
    /// <param name="fileName">The uploader's name for the file; only its extension is used, never as a path.</param>
    /// <param name="allowedKinds">The tenant's allow-list of <see cref="FileKind.Id"/>s.</param>
    /// <param name="workDirectory">A private directory for archive entries larger than 16 MiB; what is written there is deleted.</param>
    /// <returns>The kind and exactly three results: type, archive, active-content.</returns>
    public InspectionReport Inspect(Stream content, string fileName, IReadOnlyCollection<string> allowedKinds, string workDirectory,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(allowedKinds);
        ArgumentNullException.ThrowIfNull(workDirectory);
        if (!content.CanRead || !content.CanSeek) throw new ArgumentException("The content must be readable and seekable.", nameof(content));

        var allowed = allowedKinds.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var analyzer = new ContentAnalyzer(limits, allowed, workDirectory, ct);
        FileAnalysis analysis;
        try
        {
            analysis = analyzer.Analyze(content, fileName ?? "", EntryRole.TopLevel, depth: 1, path: "", parentScope: null);
        }
        catch (InspectionLimitException e)
        {
            return Unreadable(e.Finding.Detail);
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            // A safety net: each stage reports its own malformed input; this catches what none of them foresaw.
            return Unreadable($"inspection failed: {Faults.Describe(e)}");
        }

        // Content that could not be inspected (an encrypted entry, a limit, a broken archive) is never "no active content".
        var active = analysis.Active;
        if (analysis.Incomplete is { } incomplete && Finding.Severity(incomplete.Outcome) > Finding.Severity(active.Outcome))
            active = incomplete with { Detail = $"not inspected completely: {incomplete.Detail}" };

        return new InspectionReport(analysis.Kind,
        [
            analysis.Type.Named(SluiceChecks.Type),
            analysis.Archive.Named(SluiceChecks.Archive),
            active.Named(SluiceChecks.ActiveContent),
        ]);
    }

    private static InspectionReport Unreadable(string detail) => new(FileKinds.Data,
    [
        new CheckResult(SluiceChecks.Type, CheckOutcome.Block, InspectionCodes.TypeMalformed, detail),
        new CheckResult(SluiceChecks.Archive, CheckOutcome.Block, InspectionCodes.ArchiveMalformed, detail),
        new CheckResult(SluiceChecks.ActiveContent, CheckOutcome.Block, InspectionCodes.ActiveMalformed, detail),
    ]);
}
