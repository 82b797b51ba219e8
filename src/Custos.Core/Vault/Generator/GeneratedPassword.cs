namespace Custos.Core.Vault.Generator;

/// <summary>A generated secret and its entropy: log2 of how many equally likely values the generator could have produced
/// with the same options.</summary>
public sealed record GeneratedPassword(string Value, double EntropyBits)
{
    /// <summary>Leaves the secret out, so that logging the record by mistake does not disclose it.</summary>
    public override string ToString() => $"GeneratedPassword {{ EntropyBits = {EntropyBits:F1} }}";
}
