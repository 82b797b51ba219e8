namespace Custos.Core.Sluice.Inspection;

// The contract between the sluice pipeline and the content inspection (type, archives, active content).

/// <summary>Limits for opening archives and decoding content; exceeding one blocks (a zip bomb is never "clean").</summary>
public sealed record InspectionLimits
{
    /// <summary>Archives inside archives, counting the outer file as depth 1.</summary>
    public int MaxDepth { get; init; } = 5;

    /// <summary>Entries in all archives of one file together.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Bytes of all expanded entries of one file together.</summary>
    public long MaxExpandedBytes { get; init; } = 4L << 30;

    /// <summary>Expanded size of an entry (or of an archive) to its compressed size.</summary>
    public double MaxCompressionRatio { get; init; } = 100;

    /// <summary>Decoded bytes per PDF stream that the active-content scan inflates.</summary>
    public long MaxPdfStreamBytes { get; init; } = 64L << 20;
}

/// <summary>
/// A type of file recognised by its content. <see cref="Id"/> is stable ("pdf", "docx", "docm", "zip", "png", "pe",
/// "data" for unrecognised binary content ...) and is what a tenant's allow-list names.
/// </summary>
public sealed record FileKind(string Id, string MediaType, IReadOnlyList<string> Extensions);

/// <summary>What inspection found: the file's kind and the results of the type, archive and active-content checks, in that order.</summary>
public sealed record InspectionReport(FileKind Kind, IReadOnlyList<CheckResult> Checks);
