using Custos.Core.Identity.SecondFactor;

namespace Custos.Core.Tests.Identity.SecondFactor;

public sealed class RecoveryCodesTests
{
    [Fact]
    public void New_TenDistinctCodesOfAtLeastFiftyBits()
    {
        var codes = RecoveryCodes.New();

        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}$", c));
        Assert.True(RecoveryCodes.Length * Math.Log2(RecoveryCodes.Alphabet.Length) >= 50);
        Assert.Equal(32, RecoveryCodes.Alphabet.Distinct().Count());
    }

    [Fact]
    public void Normalize_TypedDifferently_SameHash()
    {
        var code = RecoveryCodes.New()[0];

        var typed = " " + code.ToUpperInvariant().Replace("-", " ") + " ";

        Assert.Equal(RecoveryCodes.HashOf(RecoveryCodes.Normalize(code)!), RecoveryCodes.HashOf(RecoveryCodes.Normalize(typed)!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("123456")]
    [InlineData("abcd-efgh-ijk")]
    [InlineData("abcd-efgh-ijkm-n")]
    [InlineData("abcd-efgh-ijk0")]
    public void Normalize_NotARecoveryCode_Null(string input) => Assert.Null(RecoveryCodes.Normalize(input));
}
