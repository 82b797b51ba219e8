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

/// <summary>
/// Finds names in a run of bytes fed in pieces (a stream's raw or decoded data): "/" then regular characters, #xx
/// escapes decoded (/J#61vaScript is /JavaScript). Whether the run is text decides whether two-letter names count:
/// it is text when its first KiB is nearly all printable.
/// </summary>
internal sealed class PdfNameScanner(PdfFindings findings)
{
    private const int ClassifyBytes = 1024;
    private readonly byte[] name = new byte[128];
    private int nameLength;
    private bool inName;
    private int hashState;
    private int hashHigh;
    private int seen;
    private int printable;
    private bool? isText;
    private readonly List<string> pendingShort = [];

    public void Feed(ReadOnlySpan<byte> data)
    {
        Classify(data);
        var i = 0;
        while (i < data.Length)
        {
            if (!inName)
            {
                var slash = data[i..].IndexOf((byte)'/');
                if (slash < 0) return;
                i += slash + 1;
                (inName, nameLength, hashState) = (true, 0, 0);
                continue;
            }
            var b = data[i];
            if (hashState == 1)
            {
                var value = PdfKeywords.HexValue(b);
                if (value >= 0) { (hashHigh, hashState) = (value, 2); i++; continue; }
                Append((byte)'#');
                hashState = 0;
                continue;
            }
            if (hashState == 2)
            {
                var value = PdfKeywords.HexValue(b);
                hashState = 0;
                if (value >= 0) { Append((byte)(hashHigh * 16 + value)); i++; continue; }
                Append((byte)'#');
                Append((byte)"0123456789ABCDEF"[hashHigh]);
                continue;
            }
            if (PdfKeywords.IsDelimiterOrSpace(b)) { EndName(); continue; }
            if (b == '#') hashState = 1;
            else Append(b);
            i++;
        }
    }

    public void Finish()
    {
        if (inName) EndName();
        isText ??= seen == 0 || printable * 10 >= seen * 9;
        Commit();
    }

    private void Append(byte b)
    {
        if (nameLength < name.Length) name[nameLength] = b;
        nameLength++;
    }

    private void EndName()
    {
        inName = false;
        if (nameLength > name.Length) return;
        var value = name.AsSpan(0, nameLength);
        if (PdfKeywords.Match(value) is { } keyword && PdfKeywords.IsShort(keyword) && isText is null) pendingShort.Add(keyword);
        else findings.Name(value, isText ?? true);
    }

    private void Classify(ReadOnlySpan<byte> data)
    {
        if (isText is not null) return;
        var take = Math.Min(data.Length, ClassifyBytes - seen);
        foreach (var b in data[..take])
        {
            if (b is >= 0x20 and < 0x7F or 9 or 10 or 12 or 13) printable++;
        }
        seen += take;
        if (seen < ClassifyBytes) return;
        isText = printable * 10 >= seen * 9;
        Commit();
    }

    private void Commit()
    {
        if (isText == true) foreach (var keyword in pendingShort) findings.Keywords.Add(keyword);
        pendingShort.Clear();
    }
}
