using System.Text;

namespace Custos.Core.Sluice.Inspection.Active;

/// <summary>
/// Embedded objects in RTF (the carrier of many Office exploits) and remote templates: the control words \object,
/// \objdata, \objupdate and their relatives, and \template. Word ignores line breaks inside a control word, so the
/// scanner does too.
/// </summary>
internal static class RtfScanner
{
    private static readonly HashSet<string> ObjectWords =
        ["object", "objdata", "objupdate", "objemb", "objlink", "objautlink", "objocx", "objhtml"];

    public static Finding Scan(Stream content, CancellationToken ct)
    {
        content.Position = 0;
        var buffer = new byte[64 * 1024];
        var word = new StringBuilder();
        var inWord = false;
        int read;
        while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (inWord)
                {
                    if (b is (byte)'\r' or (byte)'\n') continue;
                    if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' && word.Length < 32)
                    {
                        word.Append((char)b);
                        continue;
                    }
                    if (Check(word.ToString()) is { } finding) return finding;
                    inWord = false;
                }
                if (b == '\\') { inWord = true; word.Clear(); }
            }
        }
        return (inWord ? Check(word.ToString()) : null) ?? Finding.Pass(InspectionCodes.ActiveNone, "no embedded objects");
    }

    private static Finding? Check(string word)
    {
        if (ObjectWords.Contains(word)) return Finding.Block(InspectionCodes.ActiveRtfObject, $"RTF control word \\{word}");
        if (word == "template") return Finding.Block(InspectionCodes.ActiveExternalLink, "RTF control word \\template (attached template)");
        return null;
    }
}
