using Custos.Core.Identity;

namespace Custos.Core.Tests.Identity;

public sealed class PasswordHasherTests
{
    private static readonly PasswordHasher Fast = new(new Argon2Parameters(1024, 1, 1));

    [Fact]
    public void Default_MeetsOwaspMinimum()
    {
        var p = Argon2Parameters.Default;
        Assert.True(p.MemoryKiB >= 19 * 1024 && p.Iterations >= 2 && p.Parallelism == 1);
    }

    [Fact]
    public void Hash_RightPassword_Verifies()
    {
        var hash = Fast.Hash("Correct-Horse-42");
        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", hash);
        Assert.Equal(PasswordCheck.Valid, Fast.Verify("Correct-Horse-42", hash));
    }

    [Fact]
    public void Hash_WrongPassword_Invalid() => Assert.Equal(PasswordCheck.Invalid, Fast.Verify("correct-horse-42", Fast.Hash("Correct-Horse-42")));

    [Fact]
    public void Hash_SamePasswordTwice_DifferentSalt() => Assert.NotEqual(Fast.Hash("Correct-Horse-42"), Fast.Hash("Correct-Horse-42"));

    [Fact]
    public void Hash_LongPassphrase_NotTruncated()
    {
        var phrase = new string('x', 200) + "A1";
        var hash = Fast.Hash(phrase);
        Assert.Equal(PasswordCheck.Invalid, Fast.Verify(new string('x', 200) + "A2", hash));
        Assert.Equal(PasswordCheck.Valid, Fast.Verify(phrase, hash));
    }

    [Fact]
    public void Verify_WeakerStoredParameters_AsksForRehash()
    {
        var old = Fast.Hash("Correct-Horse-42");
        var stronger = new PasswordHasher(new Argon2Parameters(2048, 2, 1));
        Assert.Equal(PasswordCheck.ValidNeedsRehash, stronger.Verify("Correct-Horse-42", old));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=0,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA")]
    public void Verify_MalformedHash_Invalid(string stored) => Assert.Equal(PasswordCheck.Invalid, Fast.Verify("anything", stored));

    [Theory]
    [InlineData("Short1A", "password.too_short")]
    [InlineData("alllowercase1", "password.needs_upper")]
    [InlineData("ALLUPPERCASE1", "password.needs_lower")]
    [InlineData("NoDigitsHereAtAll", "password.needs_digit")]
    public void TomPolicy_WeakPassword_NamesTheRule(string password, string code) =>
        Assert.Equal(code, PasswordPolicy.TomDefault.Check(password)?.Code);

    [Fact]
    public void TomPolicy_GoodPassword_Accepted() => Assert.Null(PasswordPolicy.TomDefault.Check("Correct-Horse-42"));

    [Theory]
    [InlineData("Password123")]
    [InlineData("Qwerty123456")]
    [InlineData("Welcome2024!")]
    public void TomPolicy_CommonPasswordMeetingComposition_Rejected(string password) =>
        Assert.Equal("password.common", PasswordPolicy.TomDefault.Check(password)?.Code);

    [Fact]
    public void TomPolicy_PasswordMadeOfOwnName_Rejected() =>
        Assert.Equal("password.common", PasswordPolicy.TomDefault.Check("Adalovelace1", "ada", "Ada Lovelace")?.Code);

    [Fact]
    public void LengthPolicy_LongLowercasePassphrase_Accepted() =>
        Assert.Null(PasswordPolicy.LengthAndBlockList.Check("correct horse battery staple vineyard"));
}
