using System.Web;
using OtpNet;

namespace Custos.Core.Vault;

/// <summary>A stored TOTP seed: an otpauth:// URI (as KeePassXC and Bitwarden store it) or a bare base32 secret.</summary>
public sealed record TotpSeed(byte[] Secret, int Period, int Digits, OtpHashMode Algorithm)
{
    public static TotpSeed? Parse(string value)
    {
        value = value.Trim();
        try
        {
            if (!value.StartsWith("otpauth://", StringComparison.OrdinalIgnoreCase))
                return new TotpSeed(Base32Encoding.ToBytes(value.Replace(" ", "")), 30, 6, OtpHashMode.Sha1);
            var uri = new Uri(value);
            var query = HttpUtility.ParseQueryString(uri.Query);
            var secret = query["secret"];
            if (string.IsNullOrEmpty(secret)) return null;
            var period = int.TryParse(query["period"], out var p) && p is > 0 and <= 300 ? p : 30;
            var digits = int.TryParse(query["digits"], out var d) && d is >= 6 and <= 10 ? d : 6;
            var algorithm = (query["algorithm"] ?? "SHA1").ToUpperInvariant() switch
            {
                "SHA256" => OtpHashMode.Sha256,
                "SHA512" => OtpHashMode.Sha512,
                _ => OtpHashMode.Sha1,
            };
            return new TotpSeed(Base32Encoding.ToBytes(secret), period, digits, algorithm);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or UriFormatException)
        {
            return null;
        }
    }
}
