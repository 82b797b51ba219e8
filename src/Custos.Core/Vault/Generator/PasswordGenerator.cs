using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Custos.Core.Common;

namespace Custos.Core.Vault.Generator;

/// <summary>
/// The vault's password and passphrase generator. All randomness comes from <see cref="RandomNumberGenerator"/> (the
/// operating system's CSPRNG) through GetItems and GetInt32, which draw without modulo bias.
/// </summary>
public static class PasswordGenerator
{
    /// <summary>
    /// <see cref="Generate"/> gives up with probability at most 2^-100. The least likely case the bounds allow (length 4,
    /// four classes, three of them excluded down to one character) accepts one candidate in about 1,400; the cap is then
    /// about 95,000 attempts, well under a second. Defaults accept nine candidates in ten.
    /// </summary>
    internal const int FailureBits = 100;

    /// <summary>
    /// A password drawn uniformly from all passwords the options allow: candidates are drawn uniformly over the whole
    /// alphabet and rejected until every required class appears. Placing one character of each class first and
    /// shuffling would favour passwords with few characters of the small classes (digits) and is not uniform.
    /// </summary>
    public static Result<GeneratedPassword> Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Length is < GeneratorOptions.MinimumLength or > GeneratorOptions.MaximumLength)
            return new Error("generator.length",
                $"The length must be between {GeneratorOptions.MinimumLength} and {GeneratorOptions.MaximumLength}.");

        var classes = SelectedClasses(options);
        if (classes.Count == 0)
            return new Error("generator.no-classes", "At least one character class must be selected.");
        // The minimum length is the number of classes, so a length within bounds can always hold one of each.
        if (classes.All(c => c.Length == 0) || (options.RequireEachClass && classes.Any(c => c.Length == 0)))
            return new Error("generator.exclude-empties-class", "The excluded characters leave a selected class empty.");

        // The classes are disjoint, so the alphabet has no duplicates and every character is equally likely.
        var alphabet = string.Concat(classes);
        string[] required = options.RequireEachClass ? [.. classes] : [];
        var acceptance = AcceptanceProbability([.. required.Select(c => c.Length)], alphabet.Length, options.Length);

        Span<char> candidate = stackalloc char[options.Length];
        for (var attempt = AttemptCap(acceptance); attempt > 0; attempt--)
        {
            RandomNumberGenerator.GetItems(alphabet, candidate);
            if (ContainsEach(candidate, required))
                // Exact: log2 of the number of valid passwords, alphabet^length times the share that is valid.
                return new GeneratedPassword(new string(candidate),
                    options.Length * Math.Log2(alphabet.Length) + Math.Log2(acceptance));
        }
        return new Error("generator.exhausted", "No password with every required class was drawn; try again.");
    }

    /// <summary>
    /// Words drawn independently and uniformly (with repetition, so each word is exactly log2(list size) bits) from the
    /// language's list of <see cref="PassphraseWordLists.Size"/> words. The entropy is exact unless the separator is
    /// empty or contains letters, where two different draws can (rarely) read the same; it is then an upper bound.
    /// </summary>
    public static Result<GeneratedPassword> GeneratePassphrase(PassphraseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Words is < PassphraseOptions.MinimumWords or > PassphraseOptions.MaximumWords)
            return new Error("generator.words",
                $"The number of words must be between {PassphraseOptions.MinimumWords} and {PassphraseOptions.MaximumWords}.");
        if (options.Separator.Length > PassphraseOptions.MaximumSeparatorLength || options.Separator.Any(char.IsControl))
            return new Error("generator.separator",
                $"The separator must have at most {PassphraseOptions.MaximumSeparatorLength} characters and no control characters.");
        if (PassphraseWordLists.For(options.Language) is not { } list)
            return new Error("generator.language", "The language must be \"en\" or \"de\".");

        var words = new string[options.Words];
        for (var i = 0; i < words.Length; i++)
        {
            var word = list[RandomNumberGenerator.GetInt32(list.Count)];
            words[i] = options.Capitalize ? char.ToUpperInvariant(word[0]) + word[1..] : word;
        }
        var entropy = words.Length * Math.Log2(list.Count);
        if (options.IncludeNumber)
        {
            words[RandomNumberGenerator.GetInt32(words.Length)] += RandomNumberGenerator.GetInt32(10).ToString(CultureInfo.InvariantCulture);
            entropy += Math.Log2(10) + Math.Log2(words.Length); // the digit and the word that carries it
        }
        return new GeneratedPassword(string.Join(options.Separator, words), entropy);
    }

    /// <summary>The selected classes in a fixed order, each without the excluded characters (possibly empty).</summary>
    private static List<string> SelectedClasses(GeneratorOptions options)
    {
        var excluded = options.ExcludeAmbiguous ? options.Exclude + GeneratorOptions.AmbiguousCharacters : options.Exclude;
        List<string> classes = [];
        if (options.Upper) classes.Add(GeneratorOptions.UpperCharacters);
        if (options.Lower) classes.Add(GeneratorOptions.LowerCharacters);
        if (options.Digits) classes.Add(GeneratorOptions.DigitCharacters);
        if (options.Symbols) classes.Add(GeneratorOptions.SymbolCharacters);
        return [.. classes.Select(c => string.Concat(c.Where(ch => !excluded.Contains(ch))))];
    }

    private static bool ContainsEach(ReadOnlySpan<char> candidate, string[] classes)
    {
        foreach (var characters in classes)
            if (!candidate.ContainsAny(characters))
                return false;
        return true;
    }

    /// <summary>
    /// The probability that a uniform string of <paramref name="length"/> characters over the alphabet contains every
    /// class, by inclusion–exclusion over the classes that are missing. At most 16 terms; the smallest result the bounds
    /// allow is about 7e-4, far above where the alternating sum loses precision.
    /// </summary>
    internal static double AcceptanceProbability(IReadOnlyList<int> classSizes, int alphabetSize, int length)
    {
        var probability = 0.0;
        for (var missing = 0; missing < 1 << classSizes.Count; missing++)
        {
            var absent = 0;
            for (var i = 0; i < classSizes.Count; i++)
                if ((missing & (1 << i)) != 0)
                    absent += classSizes[i];
            var sign = BitOperations.PopCount((uint)missing) % 2 == 0 ? 1 : -1;
            probability += sign * Math.Pow((alphabetSize - absent) / (double)alphabetSize, length);
        }
        return probability;
    }

    /// <summary>The fewest attempts n with (1 - acceptance)^n ≤ 2^-<see cref="FailureBits"/>.</summary>
    internal static int AttemptCap(double acceptance) =>
        acceptance >= 1 ? 1 : (int)Math.Ceiling(FailureBits / -Math.Log2(1 - acceptance));
}
