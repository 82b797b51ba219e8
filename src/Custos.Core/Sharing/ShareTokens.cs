using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Sharing;

/// <summary>
/// The token of a link: 32 random bytes (256 bits) as base64url, 43 characters. Only its SHA-256 is stored: the token
/// has full entropy, so a plain hash cannot be reversed by guessing, and the lookup stays one index probe.
/// </summary>
public static class ShareTokens
{
    public const int Bytes = 32;
    public const int Length = 43;

    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>The stored form of a token; null for anything that cannot be a token (wrong length or alphabet).</summary>
    public static byte[]? Hash(string? token)
    {
        if (token is null || token.Length != Length) return null;
        foreach (var c in token)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        return SHA256.HashData(Encoding.ASCII.GetBytes(token));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
