using System.Text;
using Custos.Core.SecureUse.Web;

namespace Custos.Tests.SecureUse;

/// <summary>The masking of secrets in proxied responses: every usual spelling of the password, in the body's own character set.</summary>
public sealed class WebProxyScrubberTests
{
    private const string Password = "Zq7!<pässwört> & \"co\" 'x'+/";
    private static readonly string Basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Password));

    public static TheoryData<string> Spellings => new()
    {
        Password,
        System.Net.WebUtility.HtmlEncode(Password),
        System.Text.Encodings.Web.HtmlEncoder.Default.Encode(Password),
        System.Text.Json.JsonSerializer.Serialize(Password).Trim('"'),
        System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(Password),
        Uri.EscapeDataString(Password),
        System.Text.RegularExpressions.Regex.Replace(Uri.EscapeDataString(Password), "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant()),
        System.Net.WebUtility.UrlEncode(Password),
        Basic,
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)),
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Scrub_EverySpellingInUtf8Body_IsMasked(string spelling)
    {
        var scrubber = SecretScrubber.For(Password, Basic);
        var body = Encoding.UTF8.GetBytes($"<p>before</p><input value=\"{spelling}\"><p>after</p>");
        var masked = scrubber.Scrub(body, [Encoding.UTF8]);
        Assert.NotNull(masked);
        Assert.Equal("<p>before</p><input value=\"********\"><p>after</p>", Encoding.UTF8.GetString(masked));
        Assert.Equal($"Basic ********", scrubber.Scrub($"Basic {Basic}"));
    }

    [Fact]
    public void Scrub_Latin1AndUtf16Bodies_AreSearchedInTheirOwnEncoding()
    {
        var scrubber = SecretScrubber.For(Password, null);
        var latin1 = scrubber.Scrub(Encoding.Latin1.GetBytes($"x{Password}y"), [Encoding.UTF8, Encoding.Latin1]);
        Assert.Equal("x********y", Encoding.Latin1.GetString(latin1!));
        var utf16 = scrubber.Scrub(Encoding.Unicode.GetBytes($"x{Password}y"), [Encoding.Unicode]);
        Assert.Equal("x********y", Encoding.Unicode.GetString(utf16!));
    }

    [Fact]
    public void Scrub_BodyWithoutSecret_ReturnsNullSoTheOriginalIsSent()
    {
        var scrubber = SecretScrubber.For(Password, Basic);
        Assert.Null(scrubber.Scrub("<html>nothing here</html>"u8, [Encoding.UTF8, Encoding.Latin1]));
        Assert.Equal("plain", scrubber.Scrub("plain"));
    }
}
