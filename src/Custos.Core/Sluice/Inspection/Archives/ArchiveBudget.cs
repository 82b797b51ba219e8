using System.Globalization;

namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>
/// The limits of one inspection, counted over all archive levels together: entries, expanded bytes, and the ratio of
/// expanded to compressed bytes per entry, per archive and for the whole file. Crossing one throws
/// <see cref="InspectionLimitException"/> at once, so a bomb stops being read the moment it shows what it is.
/// </summary>
internal sealed class ArchiveBudget(InspectionLimits limits)
{
    /// <summary>
    /// Ratios are measured against at least this many compressed bytes, so that a small file of repetitive text (a few
    /// hundred bytes that expand to some kilobytes) does not count as a bomb; a real bomb passes this floor at once.
    /// </summary>
    public const long RatioFloor = 64 * 1024;

    public InspectionLimits Limits => limits;
    public int Entries { get; private set; }

    /// <summary>Bytes produced by decompression (stored members are slices of a container already counted).</summary>
    public long ExpandedBytes { get; private set; }

    /// <summary>Bytes of all entries read, for the report.</summary>
    public long ExtractedBytes { get; private set; }

    public int DeepestLevel { get; private set; } = 1;

    /// <summary>
    /// Bytes decoded from PDF streams, in all PDFs of the file together: a ZIP of many PDFs must not multiply the
    /// decoding work that one PDF is allowed.
    /// </summary>
    public long PdfDecodedBytes { get; set; }

    public void EnterLevel(int depth) => DeepestLevel = Math.Max(DeepestLevel, depth);

    /// <summary>Refuses an archive whose directory alone already declares more entries than are left.</summary>
    public void ReserveEntries(long declared, string where)
    {
        if (Entries + declared > limits.MaxEntries)
            throw Limit(InspectionCodes.ArchiveEntries, $"{where} declares {declared} entries; the limit is {limits.MaxEntries} in all");
    }

    public void CountEntry(string path)
    {
        if (++Entries > limits.MaxEntries)
            throw Limit(InspectionCodes.ArchiveEntries, $"more than {limits.MaxEntries} entries (at {path})");
    }

    public void Extracted(int bytes) => ExtractedBytes += bytes;

    public void Expanded(int bytes, string path)
    {
        ExpandedBytes += bytes;
        if (ExpandedBytes > limits.MaxExpandedBytes)
            throw Limit(InspectionCodes.ArchiveSize, $"expands to more than {Size(limits.MaxExpandedBytes)} (at {path})");
    }

    public void CheckRatio(long expanded, long compressed, string what)
    {
        if (expanded > limits.MaxCompressionRatio * Math.Max(compressed, RatioFloor))
            throw Limit(InspectionCodes.ArchiveRatio,
                $"{what} expands more than {limits.MaxCompressionRatio.ToString(CultureInfo.InvariantCulture)} times ({Size(compressed)} compressed)");
    }

    public static InspectionLimitException Limit(string code, string detail) => new(Finding.Block(code, detail));

    public static string Size(long bytes) => bytes switch
    {
        < 1000 => $"{bytes} B",
        < 1_000_000 => (bytes / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " kB",
        < 1_000_000_000 => (bytes / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + " GB",
    };
}

/// <summary>
/// One archive (or the whole file, at the root) whose expanded bytes are compared to its own size. Bytes an entry
/// expands to count for its archive and every archive around it.
/// </summary>
internal sealed class RatioScope(RatioScope? parent, long compressedSize, string description)
{
    private readonly RatioScope? parent = parent;
    private readonly long compressedSize = compressedSize;
    private readonly string description = description;
    private long expanded;

    public void Add(int bytes, ArchiveBudget budget)
    {
        for (var scope = this; scope is not null; scope = scope.parent)
        {
            scope.expanded += bytes;
            budget.CheckRatio(scope.expanded, scope.compressedSize, scope.description);
        }
    }
}
