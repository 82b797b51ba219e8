using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Identity;

/// <summary>Random bearer tokens (256 bits, URL-safe) whose SHA-256 alone is stored.</summary>
public static class SecretToken
{
    public static string New() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
