using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// Replaces a session's secrets in what the target answers, before it reaches the browser: the password as it is and in
/// the forms a page, a JSON document, a URL or a Basic header would carry it (HTML-escaped by the common encoders, JSON-
/// and JavaScript-escaped, URL-encoded with upper- and lower-case hex, base64), and the Basic credential's base64.
/// Matching is on bytes in the body's own character set, so nothing is decoded and re-encoded.
/// </summary>
public sealed class SecretScrubber
{
    public const string Mask = "********";

    private readonly string[] needles;
    private readonly ConcurrentDictionary<string, (byte[] Needle, byte[] Mask)[]> encoded = new(StringComparer.Ordinal);

    private SecretScrubber(string[] needles) => this.needles = needles;

    public static SecretScrubber For(string password, string? basicToken)
    {
        var set = new HashSet<string>(StringComparer.Ordinal) { password };
        set.Add(WebUtility.HtmlEncode(password));
        set.Add(HtmlEncoder.Default.Encode(password));
        // Minimal HTML escaping as template engines do it, with each of the usual spellings of the apostrophe.
        foreach (var apostrophe in new[] { "&#39;", "&#x27;", "&apos;", "'" })
            set.Add(password.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", apostrophe));
        set.Add(JavaScriptEncoder.Default.Encode(password));
        set.Add(JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(password));
        var json = password.Replace("\\", "\\\\").Replace("\"", "\\\"");
        set.Add(json);
        set.Add(json.Replace("/", "\\/"));
        foreach (var url in new[] { Uri.EscapeDataString(password), WebUtility.UrlEncode(password) })
        {
            set.Add(url);
            set.Add(LowerHex(url));
        }
        set.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)));
        if (basicToken is not null) set.Add(basicToken);
        // Longest first: a needle that contains another is replaced whole, not left half-masked.
        return new SecretScrubber(set.Where(n => n.Length > 0).OrderByDescending(n => n.Length).ToArray());
    }

    /// <summary>The text with every secret masked (response headers: Location, reflected values).</summary>
    public string Scrub(string text)
    {
        foreach (var needle in needles)
            if (text.Contains(needle, StringComparison.Ordinal)) text = text.Replace(needle, Mask, StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// The body with every secret masked, searched in each of the given encodings (the declared one; UTF-8 and Latin-1
    /// when none is declared); null when it holds none, so the caller sends the original bytes.
    /// </summary>
    public byte[]? Scrub(ReadOnlySpan<byte> body, IReadOnlyList<Encoding> encodings)
    {
        var pairs = encoded.GetOrAdd(string.Join(',', encodings.Select(e => e.CodePage)), _ => NeedlesIn(encodings));
        byte[]? result = null;
        foreach (var (needle, mask) in pairs)
        {
            var current = result is null ? body : result;
            if (current.IndexOf(needle) < 0) continue;
            result = Replace(current, needle, mask);
        }
        return result;
    }

    /// <summary>The needles as bytes in each encoding, each distinct byte sequence once, longest first.</summary>
    private (byte[] Needle, byte[] Mask)[] NeedlesIn(IReadOnlyList<Encoding> encodings)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pairs = new List<(byte[] Needle, byte[] Mask)>();
        foreach (var encoding in encodings)
        {
            var mask = encoding.GetBytes(Mask);
            foreach (var needle in needles)
            {
                var bytes = encoding.GetBytes(needle);
                if (bytes.Length > 0 && seen.Add(Convert.ToHexString(bytes))) pairs.Add((bytes, mask));
            }
        }
        return pairs.OrderByDescending(p => p.Needle.Length).ToArray();
    }

    private static byte[] Replace(ReadOnlySpan<byte> source, byte[] needle, byte[] mask)
    {
        var output = new MemoryStream(source.Length);
        int at;
        while ((at = source.IndexOf(needle)) >= 0)
        {
            output.Write(source[..at]);
            output.Write(mask);
            source = source[(at + needle.Length)..];
        }
        output.Write(source);
        return output.ToArray();
    }

    private static string LowerHex(string escaped)
    {
        var chars = escaped.ToCharArray();
        for (var i = 0; i + 2 < chars.Length; i++)
            if (chars[i] == '%')
            {
                chars[i + 1] = char.ToLowerInvariant(chars[i + 1]);
                chars[i + 2] = char.ToLowerInvariant(chars[i + 2]);
            }
        return new string(chars);
    }
}
