using System.Globalization;
using System.Text;

namespace Custos.Core.Sluice.Inspection;

/// <summary>
/// What the inspector takes from a (possibly hostile) file or entry name: its last segment and extension, whether it
/// is dangerous to double-click, and a form safe to print in a report. Names are never used as paths.
/// </summary>
internal static class FileNames
{
    /// <summary>
    /// Extensions that Windows runs, installs, mounts or interprets on a double-click, whatever the content is.
    /// .inf is left out on purpose: only autorun.inf is dangerous, and that is an active-content finding.
    /// </summary>
    private static readonly HashSet<string> Dangerous = new(StringComparer.OrdinalIgnoreCase)
    {
        "js", "jse", "vbs", "vbe", "wsf", "wsh", "wsc", "sct", "ps1", "psm1", "psd1", "ps1xml", "bat", "cmd", "sh", "hta",
        "py", "pyw", "lnk", "url", "scf", "scr", "pif", "com", "exe", "dll", "ocx", "sys", "msi", "msp", "mst", "cpl", "jar",
        "reg", "msc", "chm", "xll", "application", "appref-ms", "gadget", "settingcontent-ms", "iso", "img", "vhd", "vhdx",
    };

    /// <summary>The part after the last slash or backslash.</summary>
    public static string LastSegment(string name)
    {
        var cut = name.AsSpan().LastIndexOfAny('/', '\\');
        return cut < 0 ? name : name[(cut + 1)..];
    }

    /// <summary>
    /// The extension in lower case without the dot, or "" when there is none. Trailing dots and spaces are dropped first
    /// because Windows drops them too ("invoice.exe. " runs as invoice.exe); a leading dot counts (".js" is a script).
    /// </summary>
    public static string Extension(string name)
    {
        var segment = LastSegment(name).TrimEnd('.', ' ');
        var dot = segment.LastIndexOf('.');
        return dot < 0 ? "" : segment[(dot + 1)..].ToLowerInvariant();
    }

    public static bool IsDangerousExtension(string extension) => Dangerous.Contains(extension);

    public static bool IsAutorun(string name) =>
        LastSegment(name).TrimEnd('.', ' ').Equals("autorun.inf", StringComparison.OrdinalIgnoreCase);

    /// <summary>A name for a report: control and format characters replaced, at most 200 characters.</summary>
    public static string ForReport(string name)
    {
        var text = new StringBuilder(Math.Min(name.Length, 200));
        foreach (var c in name)
        {
            if (text.Length == 200) { text.Append('…'); break; }
            var category = char.GetUnicodeCategory(c);
            text.Append(category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate ? '?' : c);
        }
        return text.ToString();
    }
}
