using Custos.Core.Identity;

namespace Custos.Core.Vault.Generator;

/// <summary>
/// The passphrase word lists: the most frequent words of zxcvbn's English list and of the German common-words list that
/// <see cref="PasswordStrength"/> already embeds, so no extra list has to be shipped or kept up to date. Frequent words are
/// familiar, hence memorable; 4 to 8 lower-case letters are long enough to be real words and short enough to type.
/// Loaded once, on first use.
/// </summary>
internal static class PassphraseWordLists
{
    /// <summary>2^12 words: each word is exactly 12 bits, and both source lists have more than enough candidates.</summary>
    public const int Size = 4096;

    private const string EnglishResource = "zxcvbn-core.Dictionaries.english.lst";

    private static readonly Lazy<string[]> English = new(() => Select(ReadEnglish(), ""));

    private static readonly Lazy<string[]> German = new(() =>
        Select(PasswordStrength.GermanLists().Single(list => list.Name == "de_commonWords").Words, "äöüß"));

    /// <summary>The list for "en" or "de" (any case); null for any other language.</summary>
    public static IReadOnlyList<string>? For(string language) =>
        string.Equals(language, "en", StringComparison.OrdinalIgnoreCase) ? English.Value
        : string.Equals(language, "de", StringComparison.OrdinalIgnoreCase) ? German.Value
        : null;

    /// <summary>The first <see cref="Size"/> distinct words that qualify, keeping the source's frequency order.</summary>
    private static string[] Select(IEnumerable<string> frequencyOrdered, string extraLetters)
    {
        var words = frequencyOrdered
            .Where(word => word.Length is >= 4 and <= 8 && word.All(c => c is >= 'a' and <= 'z' || extraLetters.Contains(c)))
            .Distinct(StringComparer.Ordinal)
            .Take(Size)
            .ToArray();
        return words.Length == Size
            ? words
            : throw new InvalidOperationException($"The word list has only {words.Length} usable words; {Size} are needed.");
    }

    private static string[] ReadEnglish()
    {
        using var stream = typeof(Zxcvbn.Zxcvbn).Assembly.GetManifestResourceStream(EnglishResource)
            ?? throw new InvalidOperationException($"zxcvbn-core no longer embeds '{EnglishResource}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
