using System.Globalization;

namespace Custos.Web.Sharing.Public;

/// <summary>
/// One byte range of a request (RFC 9110 §14): "bytes=a-b", "bytes=a-" or "bytes=-n". Several ranges, or a header that
/// does not parse, mean the whole file (a server may ignore Range); a range starting at or past the end is unsatisfiable.
/// </summary>
public readonly record struct ByteRange(long Start, long End)
{
    public long Length => End - Start + 1;

    public enum Outcome { Whole, Partial, Unsatisfiable }

    public static Outcome Parse(string? header, long size, out ByteRange range)
    {
        range = new ByteRange(0, size - 1);
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return Outcome.Whole;
        var spec = header[6..].Trim();
        if (spec.Contains(',')) return Outcome.Whole;
        var dash = spec.IndexOf('-');
        if (dash < 0) return Outcome.Whole;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix)) return Outcome.Whole;
            if (suffix == 0 || size == 0) return Outcome.Unsatisfiable;
            range = new ByteRange(Math.Max(0, size - suffix), size - 1);
            return Outcome.Partial;
        }
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return Outcome.Whole;
        var end = size - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start) return Outcome.Whole;
            end = Math.Min(end, size - 1);
        }
        if (start >= size) return Outcome.Unsatisfiable;
        range = new ByteRange(start, end);
        return Outcome.Partial;
    }
}
