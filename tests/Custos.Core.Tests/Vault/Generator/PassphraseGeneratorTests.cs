using Custos.Core.Identity;
using Custos.Core.Vault.Generator;

namespace Custos.Core.Tests.Vault.Generator;

public sealed class PassphraseGeneratorTests
{
    private static GeneratedPassword Generate(PassphraseOptions options)
    {
        var result = PasswordGenerator.GeneratePassphrase(options);
        Assert.True(result.Succeeded, result.Error?.Code);
        return result.Value!;
    }

    [Fact]
    public void Defaults_FiveCapitalisedWords_OneCarriesADigit()
    {
        var english = PassphraseWordLists.For("en")!.ToHashSet();
        for (var i = 0; i < 500; i++)
        {
            var words = Generate(new PassphraseOptions()).Value.Split('-');

            Assert.Equal(5, words.Length);
            Assert.Single(words, w => char.IsAsciiDigit(w[^1]));
            Assert.Single(string.Concat(words), char.IsAsciiDigit);
            Assert.All(words, w => Assert.True(char.IsAsciiLetterUpper(w[0]), w));
            Assert.All(words, w => Assert.Contains(w.ToLowerInvariant().TrimEnd("0123456789".ToCharArray()), english));
        }
    }

    [Fact]
    public void DigitIsOnEveryWordAndEveryDigitOccurs()
    {
        var positions = new HashSet<int>();
        var digits = new HashSet<char>();
        // 2,000 draws: a position (1 in 5) or a digit (1 in 10) missing by chance has probability below 1e-90.
        for (var i = 0; i < 2000; i++)
        {
            var words = Generate(new PassphraseOptions()).Value.Split('-');
            var carrier = Array.FindIndex(words, w => char.IsAsciiDigit(w[^1]));
            positions.Add(carrier);
            digits.Add(words[carrier][^1]);
        }

        Assert.Equal([0, 1, 2, 3, 4], positions.Order());
        Assert.Equal("0123456789", string.Concat(digits.Order()));
    }

    [Theory]
    [InlineData(3, "_")]
    [InlineData(20, " :: ")]
    [InlineData(7, ".")]
    public void WordCountAndSeparator(int count, string separator)
    {
        var options = new PassphraseOptions { Words = count, Separator = separator, Capitalize = false, IncludeNumber = false };
        var words = Generate(options).Value.Split(separator);

        Assert.Equal(count, words.Length);
        Assert.All(words, w => Assert.Matches("^[a-z]{4,8}$", w));
    }

    [Fact]
    public void EmptySeparator_Allowed() =>
        Assert.Matches("^([A-Z][a-z]{3,7}){4}$", Generate(new PassphraseOptions { Words = 4, Separator = "", IncludeNumber = false }).Value);

    [Fact]
    public void German_WordsAreLettersOnlyFromTheCommonWordsList()
    {
        var common = PasswordStrength.GermanLists().Single(l => l.Name == "de_commonWords").Words.ToHashSet();
        var options = new PassphraseOptions { Language = "de", Capitalize = false, IncludeNumber = false, Separator = " " };
        for (var i = 0; i < 500; i++)
            Assert.All(Generate(options).Value.Split(' '), w =>
            {
                Assert.Matches("^[a-zäöüß]{4,8}$", w);
                Assert.Contains(w, common);
            });
    }

    [Fact]
    public void German_Capitalised_OnlyTheFirstLetterUpperCase()
    {
        var options = new PassphraseOptions { Language = "de", IncludeNumber = false, Separator = " " };
        for (var i = 0; i < 500; i++)
            Assert.All(Generate(options).Value.Split(' '), w =>
            {
                Assert.True(char.IsUpper(w[0]), w);
                Assert.Equal(w[1..].ToLowerInvariant(), w[1..]);
            });
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("DE")]
    public void WordLists_4096DistinctWordsInFrequencyOrder(string language)
    {
        var list = PassphraseWordLists.For(language)!;

        Assert.Equal(PassphraseWordLists.Size, list.Count);
        Assert.Equal(list.Count, list.Distinct().Count());
        Assert.DoesNotContain(list, w => w.Length is < 4 or > 8);
    }

    [Fact]
    public void EnglishList_StartsWithTheMostFrequentWords() =>
        Assert.Equal(["with", "from", "were", "which"], PassphraseWordLists.For("en")!.Take(4));

    [Fact]
    public void Entropy_TwelveBitsPerWordPlusTheDigitAndItsWord()
    {
        Assert.Equal(5 * 12 + Math.Log2(10) + Math.Log2(5), Generate(new PassphraseOptions()).EntropyBits, 9);
        Assert.Equal(7 * 12, Generate(new PassphraseOptions { Words = 7, IncludeNumber = false }).EntropyBits, 9);
    }

    [Fact]
    public void TwoPassphrases_Differ() =>
        Assert.NotEqual(Generate(new PassphraseOptions()).Value, Generate(new PassphraseOptions()).Value);

    [Theory]
    [InlineData(2)]
    [InlineData(21)]
    [InlineData(0)]
    public void WordsOutOfBounds_Fails(int words) =>
        Assert.Equal("generator.words", PasswordGenerator.GeneratePassphrase(new PassphraseOptions { Words = words }).Error?.Code);

    [Theory]
    [InlineData("------")]
    [InlineData("\n")]
    [InlineData("a\tb")]
    public void BadSeparator_Fails(string separator) =>
        Assert.Equal("generator.separator", PasswordGenerator.GeneratePassphrase(new PassphraseOptions { Separator = separator }).Error?.Code);

    [Theory]
    [InlineData("fr")]
    [InlineData("")]
    [InlineData("english")]
    public void UnknownLanguage_Fails(string language) =>
        Assert.Equal("generator.language", PasswordGenerator.GeneratePassphrase(new PassphraseOptions { Language = language }).Error?.Code);
}
