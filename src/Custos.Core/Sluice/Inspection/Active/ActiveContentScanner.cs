using Custos.Core.Sluice.Inspection.Active.Pdf;
using Custos.Core.Sluice.Inspection.Archives;
using Custos.Core.Sluice.Inspection.Detection;
using Custos.Core.Sluice.Inspection.Ole;

namespace Custos.Core.Sluice.Inspection.Active;

/// <summary>Chooses the active-content scan for a file that is not a container (containers are walked instead).</summary>
internal static class ActiveContentScanner
{
    private static readonly HashSet<string> MarkupExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "html", "htm", "xhtml", "xht", "shtml", "svg", "mht", "mhtml",
    };

    public static Finding Scan(Stream content, DetectedContent detected, string name, EntryRole role, ArchiveBudget budget,
        CancellationToken ct)
    {
        try
        {
            return detected.Format switch
            {
                ContentFormat.Pdf => PdfScanner.Scan(content, budget, ct),
                ContentFormat.CompoundFile => CompoundFileRules.Scan(CompoundFile.Open(content), ct),
                ContentFormat.Rtf => RtfScanner.Scan(content, ct),
                ContentFormat.Text when role != EntryRole.DocumentPart && IsMarkup(detected.Kind, name) => MarkupScanner.Scan(content, ct),
                _ => Finding.Pass(InspectionCodes.ActiveNone, "no active content"),
            };
        }
        catch (Exception e) when (Faults.IsInputError(e))
        {
            return Finding.Block(InspectionCodes.ActiveMalformed, $"{detected.Kind.Id} structure cannot be read: {Faults.Describe(e)}");
        }
    }

    /// <summary>HTML and SVG by content, and any text a browser would render as markup because of its name.</summary>
    private static bool IsMarkup(FileKind kind, string name) =>
        kind == FileKinds.Html || kind == FileKinds.Svg || MarkupExtensions.Contains(FileNames.Extension(name));
}
