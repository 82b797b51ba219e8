using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Identity.SecondFactor;

/// <summary>
/// Single-use codes for a lost authenticator: 12 characters from a 32-letter alphabet (60 random bits), shown as
/// <c>xxxx-xxxx-xxxx</c>. Only their SHA-256 is stored; a plain hash suffices because the codes are random, not chosen.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;
    public const int Length = 12;
    /// <summary>Lower-case letters and digits without 0/o, 1/l, so that a code copied from paper reads back unambiguously.</summary>
    public const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public static IReadOnlyList<string> New()
    {
        var codes = new List<string>(Count);
        while (codes.Count < Count)
        {
            var raw = RandomNumberGenerator.GetString(Alphabet, Length);
            var code = $"{raw[..4]}-{raw[4..8]}-{raw[8..]}";
            if (!codes.Contains(code)) codes.Add(code);
        }
        return codes;
    }

    /// <summary>The code as typed, without dashes and spaces and in lower case; null when it cannot be a recovery code.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length > 40) return null;
        var sb = new StringBuilder(Length);
        foreach (var c in input)
        {
            if (c is '-' or ' ') continue;
            var lower = char.ToLowerInvariant(c);
            if (!Alphabet.Contains(lower) || sb.Length == Length) return null;
            sb.Append(lower);
        }
        return sb.Length == Length ? sb.ToString() : null;
    }

    public static byte[] HashOf(string normalizedCode) => SHA256.HashData(Encoding.ASCII.GetBytes(normalizedCode));
}
