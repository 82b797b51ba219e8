using System.Text.Json;
using Zxcvbn;
using Zxcvbn.Matcher;

namespace Custos.Core.Identity;

/// <summary>
/// zxcvbn's strength estimate (0 weakest to 4) with its English lists plus German ones: many users here are German, and
/// "Sommerferien2024" should count as the guessable phrase it is. The German lists come from @zxcvbn-ts/language-de,
/// embedded at build time (build/GermanWordLists.targets).
/// </summary>
public static class PasswordStrength
{
    /// <summary>zxcvbn's cost grows with length; 100 random-ish characters are far beyond any guessing.</summary>
    public const int EvaluatedLength = 100;

    private static readonly Lazy<Zxcvbn.Zxcvbn> Estimator = new(() => new Zxcvbn.Zxcvbn(new MatcherFactory(GermanLists())));

    public static int Score(string password, params string?[] userInputs) =>
        password.Length == 0 ? 0 : Estimator.Value.EvaluatePassword(
            password.Length > EvaluatedLength ? password[..EvaluatedLength] : password,
            userInputs.OfType<string>().Where(s => s.Length > 0)).Score;

    /// <summary>The German lists by name, each in frequency order (zxcvbn ranks a word by its position).</summary>
    internal static IReadOnlyList<(string Name, string[] Words)> GermanLists()
    {
        var assembly = typeof(PasswordStrength).Assembly;
        string[] names = ["commonWords", "wikipedia", "firstnames", "lastnames"];
        return names
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream($"Custos.WordLists.de.{name}.json")
                    ?? throw new InvalidOperationException($"The German word list '{name}' is not embedded; the build fetches it.");
                return ($"de_{name}", JsonSerializer.Deserialize<string[]>(stream)!);
            })
            .ToList();
    }

    /// <summary>zxcvbn's own matchers and lists, with the German lists added as dictionaries (and to the l33t matcher).</summary>
    private sealed class MatcherFactory(IReadOnlyList<(string Name, string[] Words)> extra) : IMatcherFactory
    {
        private readonly List<DictionaryMatcher> dictionaries =
        [
            new("passwords", "passwords.lst"),
            new("english", "english.lst"),
            new("male_names", "male_names.lst"),
            new("female_names", "female_names.lst"),
            new("surnames", "surnames.lst"),
            new("us_tv_and_film", "us_tv_and_film.lst"),
            .. extra.Select(list => new DictionaryMatcher(list.Name, list.Words)),
        ];

        public IEnumerable<IMatcher> CreateMatchers(IEnumerable<string> userInputs) =>
        [
            new RepeatMatcher(),
            new SequenceMatcher(),
            new RegexMatcher(@"\d{3,}", 10, true, "digits"),
            new RegexMatcher(@"19\d\d|20\d\d", 119, false, "year"),
            new DateMatcher(),
            new SpatialMatcher(),
            .. dictionaries,
            new L33tMatcher(dictionaries),
            new DictionaryMatcher("user_inputs", userInputs),
        ];
    }
}
