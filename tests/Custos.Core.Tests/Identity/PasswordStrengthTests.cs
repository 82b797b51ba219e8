using Custos.Core.Identity;

namespace Custos.Core.Tests.Identity;

public sealed class PasswordStrengthTests
{
    [Theory]
    [InlineData("Krankenhaus2023")]
    [InlineData("Schmetterling7")]
    public void GermanWordWithDigits_EnglishListsAloneAcceptIt_PolicyRefusesIt(string password)
    {
        // The package's own estimate knows no German, so this password passes there; with the German lists it must not.
        Assert.True(Zxcvbn.Zxcvbn.MatchPassword(password, null).Score >= PasswordPolicy.MinimumStrength);

        Assert.Equal("password.common", PasswordPolicy.TomDefault.Check(password)?.Code);
        Assert.True(PasswordStrength.Score(password) < PasswordPolicy.MinimumStrength);
    }

    [Fact]
    public void GermanLists_AllFourEmbeddedAndLarge()
    {
        var lists = PasswordStrength.GermanLists();

        Assert.Equal(["de_commonWords", "de_wikipedia", "de_firstnames", "de_lastnames"], lists.Select(l => l.Name));
        Assert.All(lists, l => Assert.True(l.Words.Length > 1000, $"{l.Name} has {l.Words.Length} words"));
        Assert.Contains("müller", lists.Single(l => l.Name == "de_lastnames").Words);
    }

    [Theory]
    [InlineData("Password123", null)]
    [InlineData("Adalovelace1", "Ada Lovelace")]
    [InlineData("Correct-Horse-42", null)]
    [InlineData("Friends2019xy", null)]
    public void EnglishOnlyPasswords_ScoreNoHigherThanThePackagesOwnEstimate(string password, string? userInput)
    {
        // Our matcher set is zxcvbn's own plus German lists: adding words may only make a password look weaker.
        string[] inputs = userInput is null ? [] : [userInput];
        Assert.True(PasswordStrength.Score(password, inputs) <= Zxcvbn.Zxcvbn.MatchPassword(password, inputs).Score);
    }

    [Fact]
    public void RandomLookingPassword_ScoresHigh() => Assert.Equal(4, PasswordStrength.Score("vT7#qLm2!xWp9$Rz"));

    [Fact]
    public void VeryLongPassphrase_JudgedOnItsStartAndAcceptedWhole()
    {
        var passphrase = "Ruderboot7-Zitronenfalter-quer-durch-Nebelwald & 42 Tassen Kaffee am Bodensee, " +
            string.Join(" ", Enumerable.Range(0, 60).Select(i => $"Wort{i * 7919 % 1000}"));

        Assert.Equal(4, PasswordStrength.Score(passphrase));
        Assert.Null(PasswordPolicy.TomDefault.Check(passphrase));
    }

    [Theory]
    [InlineData(null, "tom")]
    [InlineData("", "tom")]
    [InlineData("tom", "tom")]
    [InlineData(" Length-And-Blocklist ", "length-and-blocklist")]
    public void FromName_KnownNames(string? name, string expected) => Assert.Equal(expected, PasswordPolicy.FromName(name)?.Name);

    [Fact]
    public void FromName_Unknown_Null() => Assert.Null(PasswordPolicy.FromName("nist"));

    [Fact]
    public void LengthPolicy_NoCompositionButStillBlockList()
    {
        var policy = PasswordPolicy.LengthAndBlockList;

        Assert.False(policy.HasCompositionRules);
        Assert.Null(policy.Check("zitronenfalter ruderboot gewitter"));
        Assert.Equal("password.too_short", policy.Check("Xy7#abcdefg")?.Code);
        Assert.Equal("password.common", policy.Check("password1234")?.Code);
    }

    [Fact]
    public void Evaluate_ReportsScoreAndFirstBrokenRule()
    {
        var (weakScore, weak) = PasswordPolicy.TomDefault.Evaluate("alllowercase1");
        var (goodScore, good) = PasswordPolicy.TomDefault.Evaluate("Correct-Horse-42");

        Assert.Equal("password.needs_upper", weak?.Code);
        Assert.InRange(weakScore, 0, 4);
        Assert.Null(good);
        Assert.True(goodScore >= PasswordPolicy.MinimumStrength);
    }
}
