using Custos.Core.Audit;

namespace Custos.Core.Tests.Audit;

public sealed class AuditHashTests
{
    private static byte[] Hash(string? target = "t", string? details = null, string actor = "a", string action = "x", long sequence = 1, byte[]? previous = null) =>
        AuditHash.Compute(sequence, 1_700_000_000_000_000, actor, Guid.Empty, action, target, 1, "127.0.0.1", details, previous ?? AuditHash.Genesis());

    [Fact]
    public void Compute_SameInput_SameHash() => Assert.Equal(Hash(), Hash());

    [Fact]
    public void Compute_NullAndEmpty_Differ() => Assert.NotEqual(Hash(target: null), Hash(target: ""));

    [Fact]
    public void Compute_FieldBoundaryShifted_Differs() =>
        Assert.NotEqual(Hash(actor: "ab", action: "c"), Hash(actor: "a", action: "bc"));

    [Fact]
    public void Compute_OtherSequenceOrPredecessor_Differs()
    {
        Assert.NotEqual(Hash(sequence: 1), Hash(sequence: 2));
        var other = AuditHash.Genesis();
        other[0] = 1;
        Assert.NotEqual(Hash(), Hash(previous: other));
    }

    [Fact]
    public void Compute_NonAsciiText_Stable() =>
        Assert.Equal(Hash(details: "{\"name\":\"Jürgen Prüfer\"}"), Hash(details: "{\"name\":\"Jürgen Prüfer\"}"));
}
