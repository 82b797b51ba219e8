using System.Text;

namespace Custos.Core.Sluice.Inspection.Active;

/// <summary>
/// Script in HTML and SVG: script-like elements (script, iframe, object, embed, foreignObject ...), event handler
/// attributes (on...=), and javascript:/vbscript: URLs in attribute values, after undoing what browsers undo
/// (character references, tabs and line breaks inside the scheme). It reads the text once, streaming, tag by tag.
/// </summary>
internal static class MarkupScanner
{
    private static readonly HashSet<string> ScriptElements =
        ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "foreignobject", "handler", "listener"];

    private enum State { Text, TagOpen, TagName, InTag, AttributeName, AfterAttributeName, BeforeValue, QuotedValue, UnquotedValue }

    public static Finding Scan(Stream content, CancellationToken ct)
    {
        content.Position = 0;
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var buffer = new char[64 * 1024];
        var state = State.Text;
        var name = new StringBuilder();
        var value = new StringBuilder();
        var quote = '"';
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                switch (state)
                {
                    case State.Text:
                        if (c == '<') state = State.TagOpen;
                        break;
                    case State.TagOpen:
                        if (char.IsAsciiLetter(c)) { name.Clear().Append(char.ToLowerInvariant(c)); state = State.TagName; }
                        else if (c != '<') state = State.Text;
                        break;
                    case State.TagName:
                        if (char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_') { name.Append(char.ToLowerInvariant(c)); break; }
                        var element = name.ToString();
                        var local = element.Contains(':') ? element[(element.IndexOf(':') + 1)..] : element;
                        if (ScriptElements.Contains(local)) return Script($"<{element}> element");
                        state = c == '>' ? State.Text : State.InTag;
                        break;
                    case State.InTag:
                        if (c == '>') state = State.Text;
                        else if (!char.IsWhiteSpace(c) && c != '/') { name.Clear().Append(char.ToLowerInvariant(c)); state = State.AttributeName; }
                        break;
                    case State.AttributeName:
                        if (c == '=' || c == '>' || c == '/' || char.IsWhiteSpace(c))
                        {
                            state = State.AfterAttributeName;
                            i--;
                        }
                        else name.Append(char.ToLowerInvariant(c));
                        break;
                    case State.AfterAttributeName:
                        if (char.IsWhiteSpace(c)) break;
                        if (c == '=')
                        {
                            var attribute = name.ToString();
                            var local2 = attribute.Contains(':') ? attribute[(attribute.IndexOf(':') + 1)..] : attribute;
                            if (local2.Length > 2 && local2.StartsWith("on", StringComparison.Ordinal) && local2.Skip(2).All(char.IsAsciiLetter))
                                return Script($"event handler attribute {FileNames.ForReport(attribute)}");
                            state = State.BeforeValue;
                            break;
                        }
                        state = State.InTag;
                        i--;
                        break;
                    case State.BeforeValue:
                        if (char.IsWhiteSpace(c)) break;
                        value.Clear();
                        if (c is '"' or '\'') { quote = c; state = State.QuotedValue; }
                        else if (c == '>') state = State.Text;
                        else { value.Append(c); state = State.UnquotedValue; }
                        break;
                    case State.QuotedValue:
                        if (c == quote)
                        {
                            if (ScriptUrl(value) is { } scheme) return Script($"{scheme} URL in attribute {FileNames.ForReport(name.ToString())}");
                            state = State.InTag;
                        }
                        else if (value.Length < 4096) value.Append(c);
                        break;
                    case State.UnquotedValue:
                        if (char.IsWhiteSpace(c) || c == '>')
                        {
                            if (ScriptUrl(value) is { } scheme) return Script($"{scheme} URL in attribute {FileNames.ForReport(name.ToString())}");
                            state = c == '>' ? State.Text : State.InTag;
                        }
                        else if (value.Length < 4096) value.Append(c);
                        break;
                }
            }
        }
        if (state is State.QuotedValue or State.UnquotedValue && ScriptUrl(value) is { } last)
            return Script($"{last} URL in attribute {FileNames.ForReport(name.ToString())}");
        return Finding.Pass(InspectionCodes.ActiveNone, "no script in the markup");
    }

    private static Finding Script(string detail) => Finding.Block(InspectionCodes.ActiveScript, detail);

    /// <summary>"javascript" or "vbscript" when the value holds such a URL once browsers have normalised it.</summary>
    private static string? ScriptUrl(StringBuilder raw)
    {
        var text = raw.ToString();
        if (text.IndexOf(':') < 0 && text.IndexOf('&') < 0) return null;
        var normal = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '&' && Reference(text, ref i) is { } decoded) c = decoded;
            if (c <= ' ') continue; // browsers drop tabs and line breaks anywhere in a URL, and leading spaces
            normal.Append(char.ToLowerInvariant(c));
        }
        var url = normal.ToString();
        if (url.Contains("javascript:", StringComparison.Ordinal)) return "javascript:";
        if (url.Contains("vbscript:", StringComparison.Ordinal)) return "vbscript:";
        return null;
    }

    /// <summary>Decodes a character reference at text[at] ('&amp;'), moving <paramref name="at"/> past it.</summary>
    private static char? Reference(string text, ref int at)
    {
        var end = at + 1;
        while (end < text.Length && end - at < 12 && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '#')) end++;
        var body = text[(at + 1)..end];
        var semicolon = end < text.Length && text[end] == ';' ? 1 : 0;
        char? result = null;
        if (body.StartsWith("#x", StringComparison.OrdinalIgnoreCase) && int.TryParse(body[2..], System.Globalization.NumberStyles.HexNumber, null, out var hex))
            result = hex is > 0 and < 0x10000 ? (char)hex : '\uFFFD';
        else if (body.StartsWith('#') && int.TryParse(body[1..], out var number))
            result = number is > 0 and < 0x10000 ? (char)number : '\uFFFD';
        else
            result = body.ToLowerInvariant() switch { "colon" => ':', "tab" => '\t', "newline" => '\n', _ => null };
        if (result is not null) at = end + semicolon - 1;
        return result;
    }
}
