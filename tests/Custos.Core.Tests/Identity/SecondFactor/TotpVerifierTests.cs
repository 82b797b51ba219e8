using System.Text;
using Custos.Core.Identity.SecondFactor;
using Microsoft.Extensions.Time.Testing;
using OtpNet;

namespace Custos.Core.Tests.Identity.SecondFactor;

public sealed class TotpVerifierTests
{
    /// <summary>The SHA-1 seed of RFC 6238, appendix B.</summary>
    private static readonly byte[] RfcSeed = Encoding.ASCII.GetBytes("12345678901234567890");

    private static readonly byte[] Seed = Base32Encoding.ToBytes("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

    // Unix time and the 8-digit SHA-1 code from RFC 6238, appendix B.
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Compute_RfcTestVectors_Match(long unixSeconds, string expected)
    {
        var step = TotpVerifier.StepOf(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, TotpVerifier.Compute(RfcSeed, step, 8));
        // Six digits are the same number modulo 10^6, which is what apps show.
        Assert.Equal(expected[2..], TotpVerifier.Compute(RfcSeed, step));
    }

    [Theory]
    [InlineData(1111111109L)]
    [InlineData(2000000000L)]
    public void Verify_RfcVectorAtItsTime_Accepted(long unixSeconds)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        var verifier = new TotpVerifier(time);
        var code = TotpVerifier.Compute(RfcSeed, verifier.CurrentStep);

        var match = verifier.Verify(RfcSeed, code, 0);

        Assert.Equal(TotpOutcome.Accepted, match.Outcome);
        Assert.Equal(unixSeconds / 30, match.Step);
    }

    [Fact]
    public void Verify_SameCodeAsAnAuthenticatorApp_Accepted()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 7, TimeSpan.Zero));
        var app = new Totp(Seed).ComputeTotp(time.GetUtcNow().UtcDateTime);

        Assert.Equal(TotpOutcome.Accepted, new TotpVerifier(time).Verify(Seed, app, 0).Outcome);
        Assert.Equal(TotpOutcome.Accepted, new TotpVerifier(time).Verify(Seed, app[..3] + " " + app[3..], 0).Outcome);
    }

    [Fact]
    public void Verify_WrongCode_Refused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 7, TimeSpan.Zero));
        var verifier = new TotpVerifier(time);
        var right = TotpVerifier.Compute(Seed, verifier.CurrentStep);
        var wrong = ((int.Parse(right) + 1) % 1_000_000).ToString("D6");

        Assert.Equal(TotpOutcome.Wrong, verifier.Verify(Seed, wrong, 0).Outcome);
        Assert.Equal(TotpOutcome.Wrong, verifier.Verify(Base32Encoding.ToBytes("KRUGKIDXOJXW4ZZAONSWKZBAMJ2XIIDTMFWWKIDMMVXGO5DI"), right, 0).Outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("１２３４５６")]
    public void Verify_NotSixDigits_Refused(string code)
    {
        var verifier = new TotpVerifier(new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 7, TimeSpan.Zero)));

        Assert.Equal(TotpOutcome.Wrong, verifier.Verify(Seed, code, 0).Outcome);
    }

    [Fact]
    public void Verify_CodeReusedWithinItsWindow_RefusedAsReplay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 1, TimeSpan.Zero));
        var verifier = new TotpVerifier(time);
        var code = TotpVerifier.Compute(Seed, verifier.CurrentStep);
        var first = verifier.Verify(Seed, code, 0);
        Assert.Equal(TotpOutcome.Accepted, first.Outcome);

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TotpOutcome.Replayed, verifier.Verify(Seed, code, first.Step).Outcome);
        // Still within the drift window a step later, and still used.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TotpOutcome.Replayed, verifier.Verify(Seed, code, first.Step).Outcome);
    }

    [Fact]
    public void Verify_CodeOfPreviousStep_AcceptedOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 25, TimeSpan.Zero));
        var verifier = new TotpVerifier(time);
        var issued = verifier.CurrentStep;
        var code = TotpVerifier.Compute(Seed, issued);

        time.Advance(TimeSpan.FromSeconds(30));
        var match = verifier.Verify(Seed, code, 0);

        Assert.Equal(TotpOutcome.Accepted, match.Outcome);
        Assert.Equal(issued, match.Step);
        Assert.Equal(TotpOutcome.Replayed, verifier.Verify(Seed, code, match.Step).Outcome);
    }

    [Fact]
    public void Verify_CodeOfTwoStepsAgo_Refused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 25, TimeSpan.Zero));
        var verifier = new TotpVerifier(time);
        var code = TotpVerifier.Compute(Seed, verifier.CurrentStep);

        time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(TotpOutcome.Wrong, verifier.Verify(Seed, code, 0).Outcome);
    }

    [Fact]
    public void Verify_CodeOfNextStep_AcceptedForClockDrift()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 25, TimeSpan.Zero));
        var verifier = new TotpVerifier(time);

        Assert.Equal(TotpOutcome.Accepted, verifier.Verify(Seed, TotpVerifier.Compute(Seed, verifier.CurrentStep + 1), 0).Outcome);
        Assert.Equal(TotpOutcome.Wrong, verifier.Verify(Seed, TotpVerifier.Compute(Seed, verifier.CurrentStep + 2), 0).Outcome);
    }

    [Fact]
    public void Verify_LaterStepUsed_EarlierCodeRefused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 25, TimeSpan.Zero));
        var verifier = new TotpVerifier(time);
        var previous = TotpVerifier.Compute(Seed, verifier.CurrentStep - 1);

        // The current step was used: a code from before it must not be accepted afterwards either.
        Assert.Equal(TotpOutcome.Replayed, verifier.Verify(Seed, previous, verifier.CurrentStep).Outcome);
    }
}
