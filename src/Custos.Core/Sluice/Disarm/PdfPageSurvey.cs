using System.Globalization;
using System.Text.RegularExpressions;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// Reads what Ghostscript's <c>-dPDFINFO</c> prints (page count, each page's MediaBox and UserUnit) so that a document
/// with too many or too large pages is refused before anything is rendered.
/// </summary>
/// <remarks>
/// The listing also carries text from the file (title, font names with <c>#0A</c> escapes), so a forged line can only be
/// added, never hide a real one: the first page count wins (Ghostscript prints it before any metadata) and the largest
/// page wins.
/// </remarks>
internal sealed partial class PdfPageSurvey
{
    public int? PageCount { get; private set; }

    /// <summary>The largest page in square points, with its UserUnit applied (Ghostscript honours UserUnit).</summary>
    public double LargestPageArea { get; private set; }

    public int LargestPage { get; private set; }

    public void Read(string line)
    {
        if (PageCount is null && FileHasPages().Match(line) is { Success: true } count
            && int.TryParse(count.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pages))
        {
            PageCount = pages;
            return;
        }

        var page = PageBox().Match(line);
        if (!page.Success) return;
        var box = page.Groups[3].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (box.Length != 4) return;
        var n = new double[4];
        for (var i = 0; i < 4; i++)
        {
            if (!double.TryParse(box[i], NumberStyles.Float, CultureInfo.InvariantCulture, out n[i])) return;
        }
        var unit = page.Groups[2].Success
            && double.TryParse(page.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var u) && u > 0 ? u : 1;
        var area = Math.Abs(n[2] - n[0]) * unit * Math.Abs(n[3] - n[1]) * unit;
        if (area > LargestPageArea)
        {
            LargestPageArea = area;
            LargestPage = int.TryParse(page.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var p) ? p : 0;
        }
    }

    /// <summary>Pixels of the largest page at <paramref name="dpi"/>.</summary>
    public double LargestPagePixels(int dpi) => LargestPageArea / (72.0 * 72.0) * dpi * dpi;

    [GeneratedRegex(@"^\s*File has (\d{1,9}) pages?\b")]
    private static partial Regex FileHasPages();

    [GeneratedRegex(@"^\s*Page (\d{1,9})\b.*?(?:UserUnit: ([-+0-9.eE]+)\s+)?MediaBox: \[\s*([-+0-9.eE ]+?)\s*\]")]
    private static partial Regex PageBox();
}
