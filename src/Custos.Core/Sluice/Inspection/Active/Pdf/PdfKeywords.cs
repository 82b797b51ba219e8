using System.Text;

namespace Custos.Core.Sluice.Inspection.Active.Pdf;

/// <summary>
/// The PDF names that make a document act (run script, open or launch something, submit or fetch data, carry files).
/// /URI is not among them: links are in most clean PDFs and only open when clicked, with the reader's warning.
/// </summary>
internal static class PdfKeywords
{
    private static readonly byte[][] All =
    [
        .. new[]
        {
            "JavaScript", "JS", "OpenAction", "AA", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA",
            "SubmitForm", "ImportData", "GoToR",
        }.Select(Encoding.ASCII.GetBytes),
    ];

    private static readonly byte[] Encrypt = "Encrypt"u8.ToArray();

    /// <summary>
    /// The two-letter names. Random binary bytes spell "/JS " about once per 300 MB, so inside undecodable binary data
    /// they are ignored; what they name needs a longer keyword anyway (a script action is /S /JavaScript).
    /// </summary>
    public static bool IsShort(string keyword) => keyword.Length <= 2;

    /// <summary>The keyword a decoded name is, or null. Names match whole (/JSON is not /JS) and case-sensitively.</summary>
    public static string? Match(ReadOnlySpan<byte> name)
    {
        if (name.Length > 13) return null;
        foreach (var keyword in All)
        {
            if (name.SequenceEqual(keyword)) return Encoding.ASCII.GetString(keyword);
        }
        return null;
    }

    public static bool IsEncrypt(ReadOnlySpan<byte> name) => name.SequenceEqual(Encrypt);

    public static bool IsDelimiterOrSpace(byte b) =>
        b is 0 or 9 or 10 or 12 or 13 or 32 or (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']'
            or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}

/// <summary>What a PDF scan found.</summary>
internal sealed class PdfFindings
{
    public SortedSet<string> Keywords { get; } = new(StringComparer.Ordinal);
    public bool Encrypted { get; set; }

    public void Name(ReadOnlySpan<byte> name, bool textContext)
    {
        if (PdfKeywords.IsEncrypt(name)) { Encrypted = true; return; }
        if (PdfKeywords.Match(name) is { } keyword && (textContext || !PdfKeywords.IsShort(keyword))) Keywords.Add(keyword);
    }
}
