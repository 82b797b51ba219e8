using Custos.Core.Vault.Generator;

namespace Custos.Core.Tests.Vault.Generator;

public sealed class PasswordGeneratorTests
{
    private const string All = GeneratorOptions.UpperCharacters + GeneratorOptions.LowerCharacters
        + GeneratorOptions.DigitCharacters + GeneratorOptions.SymbolCharacters;

    private static string Generate(GeneratorOptions options)
    {
        var result = PasswordGenerator.Generate(options);
        Assert.True(result.Succeeded, result.Error?.Code);
        return result.Value!.Value;
    }

    [Fact]
    public void SymbolSet_IsPrintableAsciiPunctuationWithoutQuotesBackslashOrSpace()
    {
        Assert.Equal("!#$%&()*+,-./:;<=>?@[]^_{|}~", GeneratorOptions.SymbolCharacters);
        Assert.Equal(90, All.Distinct().Count());
    }

    [Fact]
    public void Defaults_TwentyCharactersWithEveryClass()
    {
        for (var i = 0; i < 2000; i++)
        {
            var password = Generate(new GeneratorOptions());

            Assert.Equal(20, password.Length);
            Assert.Contains(password, char.IsAsciiLetterUpper);
            Assert.Contains(password, char.IsAsciiLetterLower);
            Assert.Contains(password, char.IsAsciiDigit);
            Assert.Contains(password, c => GeneratorOptions.SymbolCharacters.Contains(c));
            Assert.All(password, c => Assert.Contains(c, All));
        }
    }

    [Fact]
    public void ExcludedAndAmbiguousCharacters_NeverAppear_AllOthersDo()
    {
        var options = new GeneratorOptions { Length = 64, Exclude = "aeiouAEIOU<>&", ExcludeAmbiguous = true };
        var expected = All.Where(c => !"aeiouAEIOU<>&Il1O0o|".Contains(c)).ToHashSet();
        var seen = new HashSet<char>();

        // 64,000 characters over 69: a character missing by chance has probability below e^-900.
        for (var i = 0; i < 1000; i++)
            seen.UnionWith(Generate(options));

        Assert.Equal(expected.Order(), seen.Order());
    }

    [Fact]
    public void MinimumLength_FourClasses_EachAppearsOnce()
    {
        var options = new GeneratorOptions { Length = 4 };
        for (var i = 0; i < 2000; i++)
        {
            var password = Generate(options);

            Assert.Single(password, char.IsAsciiLetterUpper);
            Assert.Single(password, char.IsAsciiLetterLower);
            Assert.Single(password, char.IsAsciiDigit);
            Assert.Single(password, c => GeneratorOptions.SymbolCharacters.Contains(c));
        }
    }

    [Fact]
    public void RequiredClass_CutToOneCharacter_StillAlwaysPresent()
    {
        // The least likely case the bounds allow: about one candidate in 1,400 is accepted.
        var options = new GeneratorOptions
        {
            Length = 4,
            Exclude = GeneratorOptions.UpperCharacters[1..] + GeneratorOptions.LowerCharacters[1..] + GeneratorOptions.DigitCharacters[1..],
        };
        for (var i = 0; i < 50; i++)
        {
            var password = Generate(options);

            Assert.Contains('A', password);
            Assert.Contains('a', password);
            Assert.Contains('0', password);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1025)]
    [InlineData(0)]
    [InlineData(-1)]
    public void LengthOutOfBounds_Fails(int length) =>
        Assert.Equal("generator.length", PasswordGenerator.Generate(new GeneratorOptions { Length = length }).Error?.Code);

    [Theory]
    [InlineData(4)]
    [InlineData(1024)]
    public void LengthAtBounds_Succeeds(int length) => Assert.Equal(length, Generate(new GeneratorOptions { Length = length }).Length);

    [Fact]
    public void NoClasses_Fails() =>
        Assert.Equal("generator.no-classes", PasswordGenerator.Generate(
            new GeneratorOptions { Upper = false, Lower = false, Digits = false, Symbols = false }).Error?.Code);

    [Fact]
    public void ExclusionEmptiesRequiredClass_Fails() =>
        Assert.Equal("generator.exclude-empties-class", PasswordGenerator.Generate(
            new GeneratorOptions { Exclude = "23456789", ExcludeAmbiguous = true }).Error?.Code);

    [Fact]
    public void ExclusionEmptiesClass_NotRequired_ClassIsDropped()
    {
        var password = Generate(new GeneratorOptions { Exclude = GeneratorOptions.DigitCharacters, RequireEachClass = false, Length = 200 });

        Assert.DoesNotContain(password, char.IsAsciiDigit);
    }

    [Fact]
    public void ExclusionEmptiesEveryClass_Fails_EvenWhenNotRequired() =>
        Assert.Equal("generator.exclude-empties-class", PasswordGenerator.Generate(
            new GeneratorOptions { Upper = false, Lower = false, Symbols = false, Exclude = "0123456789", RequireEachClass = false }).Error?.Code);

    [Fact]
    public void DigitsOnly_EachDigitEquallyFrequent()
    {
        var options = new GeneratorOptions { Length = 1000, Upper = false, Lower = false, Symbols = false };
        var counts = new long[10];
        for (var i = 0; i < 200; i++)
            foreach (var c in Generate(options))
                counts[c - '0']++;

        // Chi-square with 9 degrees of freedom exceeds 45 with probability 9.2e-7 for a uniform source; a bias of one
        // percentage point on one digit (e.g. modulo reduction) gives about 220.
        Assert.True(ChiSquare(counts) < 45, string.Join(", ", counts));
    }

    [Fact]
    public void RequiredClasses_NoPositionFavoursAnyClass()
    {
        // At length 4 with four required classes every valid password is one character of each class, and each order of
        // the classes is equally likely: every class is at every position with probability 1/4. Placing required
        // characters first and not shuffling, or shuffling badly, shows up here.
        var counts = new long[4, 4];
        for (var i = 0; i < 10_000; i++)
        {
            var password = Generate(new GeneratorOptions { Length = 4 });
            for (var position = 0; position < 4; position++)
                counts[position, ClassOf(password[position])]++;
        }

        // Chi-square with 3 degrees of freedom exceeds 36 with probability 7.5e-8; over four positions below 1e-6.
        for (var position = 0; position < 4; position++)
        {
            long[] row = [counts[position, 0], counts[position, 1], counts[position, 2], counts[position, 3]];
            Assert.True(ChiSquare(row) < 36, $"position {position}: {string.Join(", ", row)}");
        }
    }

    [Theory]
    [InlineData(true, true, true, true, 90)]
    [InlineData(false, true, true, false, 36)]
    [InlineData(false, false, true, false, 10)]
    public void Entropy_WithoutRequiredClasses_IsLengthTimesLog2OfAlphabet(bool upper, bool lower, bool digits, bool symbols, int size)
    {
        var options = new GeneratorOptions { Upper = upper, Lower = lower, Digits = digits, Symbols = symbols, RequireEachClass = false };

        Assert.Equal(20 * Math.Log2(size), PasswordGenerator.Generate(options).Value!.EntropyBits, 9);
    }

    [Fact]
    public void Entropy_Defaults_SlightlyBelowTheUnconstrainedValue()
    {
        // About one in ten strings of 20 characters over 90 lacks a class (mostly a digit); those are never produced.
        var entropy = PasswordGenerator.Generate(new GeneratorOptions()).Value!.EntropyBits;
        var unconstrained = 20 * Math.Log2(90);

        Assert.InRange(unconstrained - entropy, 0.14, 0.16);
    }

    [Fact]
    public void Entropy_MinimumLength_CountsExactlyTheValidPasswords()
    {
        // One character of each class in any of 4! orders.
        var expected = Math.Log2(24.0 * 26 * 26 * 10 * 28);

        Assert.Equal(expected, PasswordGenerator.Generate(new GeneratorOptions { Length = 4 }).Value!.EntropyBits, 9);
    }

    [Fact]
    public void AttemptCap_WorstCase_FailureBelowTwoToTheMinus100()
    {
        var acceptance = PasswordGenerator.AcceptanceProbability([1, 1, 1, 28], 31, 4);
        var cap = PasswordGenerator.AttemptCap(acceptance);

        Assert.Equal(24.0 * 28 / Math.Pow(31, 4), acceptance, 12);
        Assert.True(cap * -Math.Log2(1 - acceptance) >= PasswordGenerator.FailureBits);
        Assert.InRange(cap, 90_000, 100_000);
        Assert.Equal(1, PasswordGenerator.AttemptCap(1));
    }

    [Fact]
    public void TwoPasswords_Differ() => Assert.NotEqual(Generate(new GeneratorOptions()), Generate(new GeneratorOptions()));

    [Fact]
    public void ToString_LeavesTheSecretOut()
    {
        var result = PasswordGenerator.Generate(new GeneratorOptions());

        Assert.DoesNotContain(result.Value!.Value, result.Value.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(result.Value.Value, result.ToString(), StringComparison.Ordinal);
    }

    private static int ClassOf(char c) =>
        char.IsAsciiLetterUpper(c) ? 0 : char.IsAsciiLetterLower(c) ? 1 : char.IsAsciiDigit(c) ? 2 : 3;

    /// <summary>Pearson's statistic against equal expected counts.</summary>
    internal static double ChiSquare(IReadOnlyCollection<long> counts)
    {
        var expected = counts.Sum() / (double)counts.Count;
        return counts.Sum(count => (count - expected) * (count - expected) / expected);
    }
}
