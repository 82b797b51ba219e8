using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Core.Identity;
using Custos.Core.Vault.Generator;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

/// <summary>
/// POST /api/v1/vault/generate as the entry form's generator calls it: the vault:read scope is required of tokens, and
/// every option the form sends (character classes, exclusions, ambiguous characters, words, separator, language)
/// shapes the result.
/// </summary>
public sealed partial class VaultGeneratorApiTests
{
    private const string Route = "/api/v1/vault/generate";
    private const int Draws = 200;

    private static async Task<Reply> GenerateAsync(HttpClient http, object body) => await Reply.Of(await http.PostAsJsonAsync(Route, body));

    private static async Task<(string Value, double Entropy)> GeneratedAsync(HttpClient http, object body)
    {
        var json = (await GenerateAsync(http, body)).AssertOk().Json;
        return (json.GetProperty("value").GetString()!, json.GetProperty("entropyBits").GetDouble());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Generate_TokenWithoutVaultRead_Forbidden(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var writeOnly = await v.ConnectAsync("carol", tenant, AccessTokens.VaultWrite);
        var reader = await v.ConnectAsync("carol", tenant, AccessTokens.VaultRead);

        var refused = (await GenerateAsync(writeOnly.Http, new { length = 20 })).AssertStatus(HttpStatusCode.Forbidden);
        Assert.Contains(AccessTokens.VaultRead, refused.Body);
        Assert.DoesNotContain("\"value\"", refused.Body);
        (await GenerateAsync(reader.Http, new { length = 20 })).AssertOk();

        // The browser's call needs no anti-forgery token: it changes nothing, and a forged one could not read the answer.
        var (browser, _) = await v.BrowserSessionAsync("carol");
        Assert.Equal(20, (await GeneratedAsync(browser, new { length = 20 })).Value.Length);
    }

    [Fact]
    public async Task Generate_CharacterOptionsOfTheForm_AreHonouredOnEveryDraw()
    {
        await using var v = await VaultTestSetup.StartAsync(TestDatabase.Sqlite);
        var tenant = await v.StandardTenantAsync();
        var http = (await v.ConnectAsync("erin", tenant, AccessTokens.VaultRead)).Http;

        // All four classes (the defaults), some characters excluded by hand and the ambiguous ones left out.
        const string exclude = "aeiouAEIOU#$%57";
        var never = exclude + GeneratorOptions.AmbiguousCharacters;
        var full = new { length = 24, upper = true, lower = true, digits = true, symbols = true, exclude, excludeAmbiguous = true };
        for (var i = 0; i < Draws; i++)
        {
            var (value, entropy) = await GeneratedAsync(http, full);
            Assert.Equal(24, value.Length);
            Assert.True(value.IndexOfAny(never.ToCharArray()) < 0, $"'{value}' holds an excluded character");
            Assert.Contains(value, char.IsUpper);
            Assert.Contains(value, char.IsLower);
            Assert.Contains(value, char.IsDigit);
            Assert.Contains(value, c => GeneratorOptions.SymbolCharacters.Contains(c));
            Assert.InRange(entropy, 100, 24 * Math.Log2(94));
        }

        // Unchecked classes are absent; a class the exclusions leave empty is refused rather than silently dropped.
        for (var i = 0; i < Draws / 4; i++)
        {
            var (value, _) = await GeneratedAsync(http, new { length = 12, upper = false, lower = true, digits = true, symbols = false, exclude = "", excludeAmbiguous = false });
            Assert.Matches("^[a-z0-9]{12}$", value);
        }
        foreach (var (body, code) in new (object, string)[]
                 {
                     (new { length = 3 }, "generator.length"),
                     (new { length = 20, upper = false, lower = false, digits = false, symbols = false }, "generator.no-classes"),
                     (new { length = 20, upper = false, lower = true, digits = true, symbols = false, exclude = "0123456789" }, "generator.exclude-empties-class"),
                 })
        {
            (await GenerateAsync(http, body)).AssertStatus(HttpStatusCode.BadRequest, code);
        }
    }

    [Fact]
    public async Task Generate_PassphraseOptionsOfTheForm_AreHonouredOnEveryDraw()
    {
        await using var v = await VaultTestSetup.StartAsync(TestDatabase.Sqlite);
        var tenant = await v.StandardTenantAsync();
        var http = (await v.ConnectAsync("erin", tenant, AccessTokens.VaultRead)).Http;
        var german = GermanWords();
        var english = EnglishWords();

        var notEnglish = 0;
        for (var i = 0; i < Draws / 4; i++)
        {
            var (value, entropy) = await GeneratedAsync(http, new { mode = "passphrase", words = 7, separator = "_", language = "de" });
            var words = value.Split('_');
            Assert.Equal(7, words.Length);
            // Capitalised, and exactly one word carries the digit that portals demand.
            Assert.All(words, w => Assert.Matches("^[A-ZÄÖÜß][a-zäöüß]{3,7}[0-9]?$", w));
            Assert.Single(words, w => char.IsDigit(w[^1]));
            var plain = words.Select(w => w.TrimEnd("0123456789".ToCharArray()).ToLowerInvariant()).ToList();
            Assert.All(plain, w => Assert.Contains(w, german));
            notEnglish += plain.Count(w => !english.Contains(w));
            Assert.Equal(Math.Round(7 * 12 + Math.Log2(10) + Math.Log2(7), 1), entropy);
        }
        Assert.True(notEnglish > 0, "the German passphrases used only English words");

        for (var i = 0; i < Draws / 4; i++)
        {
            var (value, _) = await GeneratedAsync(http, new { mode = "passphrase", words = 3, separator = " + ", language = "en" });
            var words = value.Split(" + ");
            Assert.Equal(3, words.Length);
            Assert.All(words, w => Assert.Contains(w.TrimEnd("0123456789".ToCharArray()).ToLowerInvariant(), english));
        }

        // An emptied separator box sends "": the words are joined directly.
        var (joined, _) = await GeneratedAsync(http, new { mode = "passphrase", words = 4, separator = "", language = "en" });
        Assert.Equal(4, UpperCase().Matches(joined).Count);
        Assert.DoesNotContain("-", joined);

        foreach (var (body, code) in new (object, string)[]
                 {
                     (new { mode = "passphrase", words = 2, separator = "-", language = "en" }, "generator.words"),
                     (new { mode = "passphrase", words = 5, separator = "------", language = "en" }, "generator.separator"),
                     (new { mode = "passphrase", words = 5, separator = "-", language = "fr" }, "generator.language"),
                 })
        {
            (await GenerateAsync(http, body)).AssertStatus(HttpStatusCode.BadRequest, code);
        }
    }

    [Fact]
    public async Task EntryForm_OffersEveryGeneratorOption_WithTheTomDefaults()
    {
        await using var v = await VaultTestSetup.StartAsync(TestDatabase.Sqlite);
        var tenant = await v.StandardTenantAsync();
        var folder = await (await v.ConnectAsync("carol", tenant)).CreateFolderAsync("Servers");
        var (browser, _) = await v.BrowserSessionAsync("carol");
        var path = $"/vault/{tenant}/entry-form?folder={folder}";

        var html = await browser.GetStringAsync(path);
        foreach (var id in new[] { "generate-upper", "generate-lower", "generate-digits", "generate-symbols" })
            Assert.Contains("checked", Tag(html, id));
        Assert.DoesNotContain("checked", Tag(html, "generate-ambiguous"));
        Assert.Contains("value=\"20\"", Tag(html, "generate-length"));
        Assert.Contains("value=\"5\"", Tag(html, "generate-word-count"));
        Assert.Contains("value=\"-\"", Tag(html, "generate-separator"));
        Assert.Contains(" hidden", Tag(html, "generate-words"));
        Assert.DoesNotContain(" hidden", Tag(html, "generate-characters"));
        // The generator's controls are never posted with the entry (nor block its submission with their limits).
        foreach (var id in new[] { "generate-length", "generate-exclude", "generate-word-count", "generate-separator", "generate-language" })
        {
            Assert.Contains("form=\"password-generator\"", Tag(html, id));
            Assert.DoesNotContain(" name=", Tag(html, id));
        }
        Assert.Contains("<form id=\"password-generator\"", html);
        // Every refusal the form can provoke has a message in the page's language; no inline script (CSP).
        foreach (var code in new[] { "generator.length", "generator.no-classes", "generator.exclude-empties-class", "generator.exhausted", "generator.words", "generator.separator" })
            Assert.Contains($"data-code=\"{code}\"", html);
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
        Assert.Contains("<script src=\"/js/vault.js\"", html);

        // German: German labels, and the German word list offered first.
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd("de");
        using var response = await browser.SendAsync(request);
        var german = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Verwechselbare Zeichen vermeiden", german);
        Assert.Contains("Sprache der Wortliste", german);
        Assert.Matches("<option value=\"de\" selected", german);
    }

    /// <summary>The start tag of the element with this id.</summary>
    private static string Tag(string html, string id)
    {
        var match = Regex.Match(html, $"<[a-z]+\\s[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>");
        Assert.True(match.Success, $"the page has no element '{id}'");
        return match.Value;
    }

    /// <summary>The lists the generator draws from (see PassphraseWordLists): zxcvbn's English list and the embedded German one.</summary>
    private static HashSet<string> GermanWords()
    {
        using var stream = typeof(PasswordStrength).Assembly.GetManifestResourceStream("Custos.WordLists.de.commonWords.json")!;
        return [.. JsonSerializer.Deserialize<string[]>(stream)!];
    }

    private static HashSet<string> EnglishWords()
    {
        using var stream = typeof(Zxcvbn.Zxcvbn).Assembly.GetManifestResourceStream("zxcvbn-core.Dictionaries.english.lst")!;
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    [GeneratedRegex("[A-Z]")]
    private static partial Regex UpperCase();
}
