namespace Custos.Core.Sluice.Inspection.Active.Pdf;

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
