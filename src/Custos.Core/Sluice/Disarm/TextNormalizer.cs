using System.Text;
using System.Text.RegularExpressions;

namespace Custos.Core.Sluice.Disarm;

/// <summary>
/// Text, CSV, JSON and XML are rewritten as UTF-8 without a byte order mark and without NUL characters, streaming, so a
/// file of any size needs a few buffers of memory.
/// </summary>
/// <remarks>
/// Encodings: a UTF-8 or UTF-16 (LE or BE) byte order mark decides; without one, a file that is valid UTF-8 throughout
/// is UTF-8, and anything else is read as Windows-1252. Not Latin-1: files that are not UTF-8 come from Windows
/// "ANSI" programs in practice, and there bytes 0x80 to 0x9F are the euro sign and typographic quotes, which Latin-1
/// would turn into invisible C1 control characters; from 0xA0 on, both agree. An XML declaration that names another
/// encoding is changed to say UTF-8, or parsers would misread the result.
/// </remarks>
internal static partial class TextNormalizer
{
    private const int BufferChars = 1 << 16;

    private static readonly Encoding Utf8Strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding Utf8Out = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private sealed record Plan(string Extension, string MediaType);

    private static readonly Dictionary<string, Plan> Plans = new(StringComparer.Ordinal)
    {
        ["text"] = new(".txt", "text/plain; charset=utf-8"),
        ["csv"] = new(".csv", "text/csv; charset=utf-8"),
        ["json"] = new(".json", "application/json"),
        ["xml"] = new(".xml", "application/xml"),
    };

    public static bool Handles(string kindId) => Plans.ContainsKey(kindId);

    public static string ExtensionFor(string kindId) => Plans[kindId].Extension;

    public static string MediaTypeFor(string kindId) => Plans[kindId].MediaType;

    /// <summary>Writes the UTF-8 copy to <paramref name="outputPath"/> and describes what was done.</summary>
    public static async Task<string> NormalizeAsync(string inputPath, string outputPath, string kindId, CancellationToken ct)
    {
        var (encoding, name, bomLength) = await DetectAsync(inputPath, ct);

        await using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        input.Position = bomLength;
        using var reader = new StreamReader(input, encoding, detectEncodingFromByteOrderMarks: false, BufferChars);
        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var writer = new StreamWriter(output, Utf8Out, BufferChars);

        var buffer = new char[BufferChars];
        long nuls = 0;
        var declarationFixed = false;
        var first = true;
        int read;
        while ((read = first ? await reader.ReadBlockAsync(buffer, ct) : await reader.ReadAsync(buffer, ct)) > 0)
        {
            var chunk = buffer.AsMemory(0, read);
            if (first && kindId == "xml" && FixXmlDeclaration(chunk.Span) is { } fixedStart)
            {
                chunk = fixedStart.AsMemory();
                declarationFixed = true;
            }
            first = false;
            nuls += await WriteWithoutNulsAsync(writer, chunk, ct);
        }
        await writer.FlushAsync(ct);

        var detail = $"decoded as {name}, written as UTF-8 without BOM";
        if (nuls > 0) detail += $"; {nuls:N0} NUL characters removed";
        if (declarationFixed) detail += "; XML declaration set to encoding=\"UTF-8\"";
        return detail;
    }

    private static async Task<long> WriteWithoutNulsAsync(StreamWriter writer, ReadOnlyMemory<char> chunk, CancellationToken ct)
    {
        long removed = 0;
        while (!chunk.IsEmpty)
        {
            var nul = chunk.Span.IndexOf('\0');
            if (nul < 0)
            {
                await writer.WriteAsync(chunk, ct);
                break;
            }
            if (nul > 0) await writer.WriteAsync(chunk[..nul], ct);
            removed++;
            chunk = chunk[(nul + 1)..];
        }
        return removed;
    }

    private static async Task<(Encoding Encoding, string Name, int BomLength)> DetectAsync(string path, CancellationToken ct)
    {
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var head = new byte[3];
        var got = await input.ReadAtLeastAsync(head, 3, throwOnEndOfStream: false, ct);
        var bom = head.AsSpan(0, got);
        if (bom.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) return (Utf8Out, "UTF-8 (with BOM)", 3);
        if (bom.StartsWith(new byte[] { 0xFF, 0xFE })) return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), "UTF-16LE", 2);
        if (bom.StartsWith(new byte[] { 0xFE, 0xFF })) return (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), "UTF-16BE", 2);

        input.Position = 0;
        return await IsUtf8Async(input, ct) ? (Utf8Out, "UTF-8", 0) : (Windows1252, "Windows-1252 (not valid UTF-8)", 0);
    }

    private static async Task<bool> IsUtf8Async(Stream input, CancellationToken ct)
    {
        // GetChars (not GetCharCount, which leaves the decoder's state alone) keeps a sequence cut by a buffer
        // boundary for the next call.
        var decoder = Utf8Strict.GetDecoder();
        var buffer = new byte[1 << 16];
        var chars = new char[Utf8Strict.GetMaxCharCount(buffer.Length)];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, ct)) > 0)
            {
                decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
            }
            decoder.GetChars([], 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static Encoding Windows1252 { get; } =
        CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? throw new InvalidOperationException("code page 1252 is missing");

    private static char[]? FixXmlDeclaration(ReadOnlySpan<char> start)
    {
        if (!start.StartsWith("<?xml", StringComparison.Ordinal)) return null;
        var end = start.IndexOf("?>", StringComparison.Ordinal);
        if (end < 0) return null;
        var declaration = start[..(end + 2)].ToString();
        var match = EncodingAttribute().Match(declaration);
        if (!match.Success || match.Groups[2].Value.Equals("UTF-8", StringComparison.OrdinalIgnoreCase)) return null;
        var fixedDeclaration = declaration[..match.Groups[2].Index] + "UTF-8" + declaration[(match.Groups[2].Index + match.Groups[2].Length)..];
        return [.. fixedDeclaration, .. start[(end + 2)..]];
    }

    [GeneratedRegex("""\sencoding\s*=\s*(["'])([A-Za-z0-9._:-]{0,64})\1""")]
    private static partial Regex EncodingAttribute();
}
