using System.Text;
using Custos.Core.Common;

namespace Custos.Core.Documents;

/// <summary>
/// Names are metadata only: content lives under the hash of its ciphertext, so no name ever becomes a filesystem path.
/// They are still kept printable: Unicode NFC, no control characters, at most <see cref="MaxLength"/> characters.
/// </summary>
public static class DocumentNames
{
    public const int MaxLength = 255;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Result<string> Validate(string? name)
    {
        var n = name?.Trim().Normalize(NormalizationForm.FormC) ?? "";
        if (n.Length == 0) return DocumentErrors.Invalid("A name is required.");
        if (n.Length > MaxLength) return DocumentErrors.Invalid($"A name has at most {MaxLength} characters (this one has {n.Length}).");
        if (n.Any(char.IsControl)) return DocumentErrors.Invalid("A name must not contain control characters.");
        try
        {
            StrictUtf8.GetByteCount(n);
        }
        catch (EncoderFallbackException)
        {
            return DocumentErrors.Invalid("A name must be valid Unicode.");
        }
        if (n is "." or "..") return DocumentErrors.Invalid("'.' and '..' are not names.");
        return n;
    }

    /// <summary>A media type as the client gave it, if it looks like one; otherwise application/octet-stream.</summary>
    public static string MediaType(string? given)
    {
        var t = given?.Split(';')[0].Trim().ToLowerInvariant();
        return t is { Length: > 2 and <= 100 } && t.Count(c => c == '/') == 1 && t.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-')
            ? t
            : "application/octet-stream";
    }
}
