using System.Globalization;
using System.Text;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// The released file's name: the stem of the uploader's name, made harmless, and the extension of what was written.
/// The uploader's name is only ever a label; nothing is stored under it.
/// </summary>
internal static class OutputName
{
    private const int MaxStemChars = 120;
    private const string Fallback = "document";

    private static readonly HashSet<string> WindowsDevices = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <param name="extension">With its dot: ".pdf".</param>
    public static string For(string? fileName, string extension) => Stem(fileName) + extension;

    public static string Stem(string? fileName)
    {
        var name = fileName ?? "";
        // A lone surrogate cannot be normalised; the rune loop below drops it anyway.
        if (!HasLoneSurrogate(name)) name = name.Normalize(NormalizationForm.FormC);
        // Both separators: a name from Windows arrives as C:\Users\x\report.docx.
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var dot = name.LastIndexOf('.');
        if (dot > 0) name = name[..dot];

        var stem = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            // Control and format characters go: among them the right-to-left override of "txt.exe" tricks.
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator)
            {
                continue;
            }
            // Rune enumeration turns a lone surrogate into U+FFFD, which is no part of anyone's name.
            if (rune == Rune.ReplacementChar) continue;
            if (rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*')
            {
                stem.Append('_');
                continue;
            }
            if (stem.Length + rune.Utf16SequenceLength > MaxStemChars) break;
            stem.Append(rune.ToString());
        }

        var result = stem.ToString().Trim().Trim('.').Trim();
        if (result.Length == 0) return Fallback;
        return WindowsDevices.Contains(result) ? result + "_" : result;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }
}
