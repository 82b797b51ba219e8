using System.Text;
using OtpNet;

namespace Custos.Core.Vault.Transfer.KeePass;

/// <summary>TOTP in KeePass files: KeePassXC keeps an otpauth:// URI in "otp"; KeePass 2.47+ keeps the seed in
/// "TimeOtp-Secret[-Hex|-Base32|-Base64]" with optional "TimeOtp-Length", "-Period" and "-Algorithm".</summary>
internal static class KdbxTotp
{
    private const string Prefix = "TimeOtp-";
    private const string LengthKey = "TimeOtp-Length";
    private const string PeriodKey = "TimeOtp-Period";
    private const string AlgorithmKey = "TimeOtp-Algorithm";

    public sealed record Result(string Uri, IReadOnlySet<string> Consumed);

    /// <summary>An otpauth URI built from KeePass 2's TimeOtp fields, or null when the entry has no TimeOtp seed
    /// (or one that cannot be decoded).</summary>
    public static Result? FromKeePassFields(IReadOnlyList<TransferField> fields, string title)
    {
        var values = fields.Where(f => f.Name.StartsWith(Prefix, StringComparison.Ordinal))
            .GroupBy(f => f.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        if (values.Count == 0 || DecodeSecret(values) is not (string base32, string secretKey))
        {
            return null;
        }

        var uri = new StringBuilder("otpauth://totp/")
            .Append(Uri.EscapeDataString(title.Length > 0 ? title : "Custos"))
            .Append("?secret=").Append(base32);
        var consumed = new HashSet<string>(StringComparer.Ordinal) { secretKey };
        AppendParameter(values, PeriodKey, "period", uri, consumed);
        AppendParameter(values, LengthKey, "digits", uri, consumed);
        if (values.TryGetValue(AlgorithmKey, out var algorithm)
            && algorithm.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant() is var name
            && name is "HMACSHA1" or "HMACSHA256" or "HMACSHA512")
        {
            uri.Append("&algorithm=").Append(name["HMAC".Length..]);
            consumed.Add(AlgorithmKey);
        }

        return new Result(uri.ToString(), consumed);
    }

    private static (string Base32, string Key)? DecodeSecret(Dictionary<string, string> values)
    {
        try
        {
            if (values.TryGetValue("TimeOtp-Secret-Base32", out var base32))
            {
                var normalized = new string(base32.Where(c => !char.IsWhiteSpace(c) && c != '=').ToArray()).ToUpperInvariant();
                // Decoding checks the alphabet; the URI carries the seed as written, without padding.
                Base32Encoding.ToBytes(normalized);
                return (normalized, "TimeOtp-Secret-Base32");
            }

            if (values.TryGetValue("TimeOtp-Secret-Hex", out var hex))
            {
                return (ToBase32(Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))))), "TimeOtp-Secret-Hex");
            }

            if (values.TryGetValue("TimeOtp-Secret-Base64", out var base64))
            {
                return (ToBase32(Convert.FromBase64String(base64)), "TimeOtp-Secret-Base64");
            }

            if (values.TryGetValue("TimeOtp-Secret", out var utf8))
            {
                return (ToBase32(Encoding.UTF8.GetBytes(utf8)), "TimeOtp-Secret");
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }

        return null;
    }

    private static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    private static void AppendParameter(Dictionary<string, string> values, string key, string name, StringBuilder uri,
        HashSet<string> consumed)
    {
        if (values.TryGetValue(key, out var text) && uint.TryParse(text.Trim(), out uint number) && number > 0)
        {
            uri.Append('&').Append(name).Append('=').Append(number);
            consumed.Add(key);
        }
    }

    /// <summary>KeePassXC reads "otp" as an otpauth URI; a bare base32 seed becomes one with the defaults.</summary>
    public static string ToOtpAuthUri(string totp, string title)
    {
        if (totp.StartsWith("otpauth://", StringComparison.OrdinalIgnoreCase))
        {
            return totp;
        }

        var seed = new string(totp.Where(c => !char.IsWhiteSpace(c) && c != '=').ToArray()).ToUpperInvariant();
        return $"otpauth://totp/{Uri.EscapeDataString(title.Length > 0 ? title : "Custos")}?secret={seed}&period=30&digits=6";
    }
}
