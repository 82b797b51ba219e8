using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Custos.Core.Sluice.Inspection.Detection;

/// <summary>
/// Decides whether content is text (read to the end, never whole into memory) and which text it is. Text is UTF-8,
/// ASCII, a legacy 8-bit code page (Windows-1252, ISO-8859-x: common in German CSV exports) or UTF-16 with a byte order
/// mark, without NUL or other control characters than tab, line breaks, form feed, escape and the DOS end-of-file mark.
/// </summary>
internal static class TextSniffer
{
    private const int ChunkSize = 64 * 1024;
    private static ReadOnlySpan<byte> Utf16LittleEndianMark => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BigEndianMark => [0xFE, 0xFF];
    private static ReadOnlySpan<byte> Utf8Mark => [0xEF, 0xBB, 0xBF];

    public static bool IsText(Stream content, ReadOnlySpan<byte> head, CancellationToken ct)
    {
        var utf16 = Utf16Order(head);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            content.Position = 0;
            long total = 0;
            var carry = -1;
            int read;
            while ((read = content.Read(buffer, 0, ChunkSize)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                var chunk = buffer.AsSpan(0, read);
                if (utf16 is null)
                {
                    if (!AllowedBytes(chunk)) return false;
                }
                else
                {
                    if (!AllowedUtf16(chunk, utf16.Value, ref carry, skipBom: total == 0)) return false;
                }
                total += read;
            }
            return utf16 is null || carry < 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>True for little-endian UTF-16, false for big-endian, null when there is no UTF-16 byte order mark.</summary>
    public static bool? Utf16Order(ReadOnlySpan<byte> head) =>
        head.StartsWith(Utf16LittleEndianMark) ? true : head.StartsWith(Utf16BigEndianMark) ? false : null;

    /// <summary>The first characters of a text head as a string, for telling texts apart.</summary>
    public static string Decode(ReadOnlySpan<byte> head)
    {
        var utf16 = Utf16Order(head);
        if (utf16 is not null)
        {
            var body = head[2..];
            body = body[..(body.Length & ~1)];
            return (utf16.Value ? Encoding.Unicode : Encoding.BigEndianUnicode).GetString(body);
        }
        if (head.StartsWith(Utf8Mark)) head = head[3..];
        return Encoding.UTF8.GetString(head);
    }

    /// <summary>Which text kind a text head is; <paramref name="wholeFile"/> says the head is the entire file.</summary>
    public static (FileKind Kind, string? Note) Classify(string text, ReadOnlySpan<byte> head, bool wholeFile, string extension)
    {
        if (text.StartsWith("#!", StringComparison.Ordinal)) return (FileKinds.Script, "starts with #!");
        if (FileKinds.Script.Extensions.Contains(extension)) return (FileKinds.Script, $"script extension .{extension}");
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.StartsWith("<")) return (MarkupKind(trimmed), null);
        if ((trimmed.StartsWith("{") || trimmed.StartsWith("[")) && Utf16Order(head) is null && LooksLikeJson(head, wholeFile))
            return (FileKinds.Json, null);
        if (LooksLikeMail(text)) return (FileKinds.Eml, null);
        if (FileKinds.Csv.Extensions.Contains(extension)) return (FileKinds.Csv, null);
        return (FileKinds.Text, null);
    }

    private static bool AllowedBytes(ReadOnlySpan<byte> chunk)
    {
        foreach (var b in chunk)
        {
            if (b >= 0x20 ? b == 0x7F : !IsAllowedControl(b)) return false;
        }
        return true;
    }

    private static bool AllowedUtf16(ReadOnlySpan<byte> chunk, bool littleEndian, ref int carry, bool skipBom)
    {
        var at = skipBom ? 2 : 0;
        if (carry >= 0)
        {
            if (chunk.IsEmpty) return true;
            var unit = littleEndian ? carry | (chunk[0] << 8) : (carry << 8) | chunk[0];
            if (!AllowedUnit(unit)) return false;
            carry = -1;
            at = 1;
        }
        for (; at + 1 < chunk.Length; at += 2)
        {
            var unit = littleEndian ? chunk[at] | (chunk[at + 1] << 8) : (chunk[at] << 8) | chunk[at + 1];
            if (!AllowedUnit(unit)) return false;
        }
        if (at < chunk.Length) carry = chunk[at];
        return true;
    }

    private static bool AllowedUnit(int unit) => unit >= 0x20 ? unit != 0x7F : IsAllowedControl(unit);

    private static bool IsAllowedControl(int c) => c is '\t' or '\n' or '\v' or '\f' or '\r' or 0x1A or 0x1B;

    private static FileKind MarkupKind(ReadOnlySpan<char> text)
    {
        var isXml = text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase);
        var root = RootElement(text, out var doctypeHtml);
        if (doctypeHtml) return FileKinds.Html;
        var local = root.Contains(':') ? root[(root.IndexOf(':') + 1)..] : root;
        if (local.Equals("svg", StringComparison.OrdinalIgnoreCase)) return FileKinds.Svg;
        if (local.Equals("html", StringComparison.OrdinalIgnoreCase)) return FileKinds.Html;
        if (!isXml && HtmlStarts.Contains(root.ToLowerInvariant())) return FileKinds.Html;
        return isXml || root.Length > 0 ? FileKinds.Xml : FileKinds.Text;
    }

    private static readonly HashSet<string> HtmlStarts =
        ["head", "body", "script", "iframe", "div", "p", "table", "a", "title", "meta", "style", "form", "img", "span", "h1", "br"];

    /// <summary>The name of the first element, past declarations, comments and a doctype.</summary>
    private static string RootElement(ReadOnlySpan<char> text, out bool doctypeHtml)
    {
        doctypeHtml = false;
        while (true)
        {
            text = text.TrimStart();
            if (!text.StartsWith("<")) return "";
            if (text.StartsWith("<?")) { text = After(text, "?>"); continue; }
            if (text.StartsWith("<!--")) { text = After(text, "-->"); continue; }
            if (text.StartsWith("<!"))
            {
                var declaration = text[2..].TrimStart();
                if (declaration.StartsWith("doctype", StringComparison.OrdinalIgnoreCase)
                    && declaration[7..].TrimStart().StartsWith("html", StringComparison.OrdinalIgnoreCase))
                {
                    doctypeHtml = true;
                    return "html";
                }
                text = After(text, ">");
                continue;
            }
            var name = text[1..];
            var end = 0;
            while (end < name.Length && (char.IsLetterOrDigit(name[end]) || name[end] is ':' or '-' or '_' or '.')) end++;
            return name[..end].ToString();
        }
    }

    private static ReadOnlySpan<char> After(ReadOnlySpan<char> text, string marker)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? [] : text[(at + marker.Length)..];
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> head, bool wholeFile)
    {
        if (head.StartsWith(Utf8Mark)) head = head[3..];
        try
        {
            var reader = new Utf8JsonReader(head, isFinalBlock: wholeFile, default);
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static readonly string[] MailHeaders =
        ["from", "received", "return-path", "message-id", "mime-version", "delivered-to", "x-mailer", "reply-to"];

    /// <summary>RFC 822 headers: "Name: value" lines (with folded continuations) up to the first empty line.</summary>
    private static bool LooksLikeMail(string text)
    {
        var lines = text.Split('\n');
        var headers = 0;
        var known = false;
        var start = lines.Length > 0 && lines[0].StartsWith("From ", StringComparison.Ordinal) ? 1 : 0;
        for (var i = start; i < lines.Length - 1; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) break;
            if (line[0] is ' ' or '\t')
            {
                if (headers == 0) return false;
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAnyExcept(HeaderNameChars)) return false;
            headers++;
            known |= MailHeaders.Contains(line[..colon].ToLowerInvariant());
        }
        return headers >= 2 && known;
    }

    private static readonly SearchValues<char> HeaderNameChars =
        SearchValues.Create("!\"#$%&'()*+,-./0123456789;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
}
