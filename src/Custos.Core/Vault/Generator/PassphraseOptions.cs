namespace Custos.Core.Vault.Generator;

/// <summary>What a generated passphrase is made of: words drawn from a list of common words, which are easier to
/// remember and type than random characters at the same strength.</summary>
public sealed record PassphraseOptions
{
    /// <summary>Fewer than three 12-bit words is too weak to offer; more than twenty is no longer a phrase.</summary>
    public const int MinimumWords = 3;
    public const int MaximumWords = 20;
    public const int MaximumSeparatorLength = 5;

    /// <summary>Five words are 60 bits, plus about 5.6 for the digit: beyond online guessing and costly offline.</summary>
    public int Words { get; init; } = 5;

    public string Separator { get; init; } = "-";

    /// <summary>Each word starts upper case, which satisfies portals that demand upper case (and adds no entropy).</summary>
    public bool Capitalize { get; init; } = true;

    /// <summary>One word, chosen at random, gets a random digit appended: for portals that demand a digit.</summary>
    public bool IncludeNumber { get; init; } = true;

    /// <summary>"en" or "de": the language of the word list.</summary>
    public string Language { get; init; } = "en";
}
