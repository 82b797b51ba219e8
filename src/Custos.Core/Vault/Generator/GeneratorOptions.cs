namespace Custos.Core.Vault.Generator;

/// <summary>
/// What a generated password is made of. The defaults are the TOM's promise: 20 characters with upper case, lower case,
/// digits and special characters.
/// </summary>
public sealed record GeneratorOptions
{
    public const int MinimumLength = 4;

    /// <summary>Beyond any password field we know of, and small enough that a request cannot make the server work hard.</summary>
    public const int MaximumLength = 1024;

    public const string UpperCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    public const string LowerCharacters = "abcdefghijklmnopqrstuvwxyz";
    public const string DigitCharacters = "0123456789";

    /// <summary>
    /// Printable ASCII punctuation without the space (invisible, trimmed by many forms) and without " ' ` \ (quoting and
    /// escape characters that break CSV, JSON, shell and connection strings, and that portals reject most often).
    /// Everything else stays: each symbol kept adds entropy, and a portal that refuses one can be served with Exclude.
    /// </summary>
    public const string SymbolCharacters = "!#$%&()*+,-./:;<=>?@[]^_{|}~";

    /// <summary>Characters easily confused when read or typed from paper or a screen share. The quotes and backtick
    /// belong here too but are never in <see cref="SymbolCharacters"/>.</summary>
    public const string AmbiguousCharacters = "Il1O0o|";

    public int Length { get; init; } = 20;
    public bool Upper { get; init; } = true;
    public bool Lower { get; init; } = true;
    public bool Digits { get; init; } = true;
    public bool Symbols { get; init; } = true;

    /// <summary>Characters never used, for portals that refuse some of them.</summary>
    public string Exclude { get; init; } = "";

    /// <summary>Leaves out <see cref="AmbiguousCharacters"/>, for passwords that are read aloud or typed by hand.</summary>
    public bool ExcludeAmbiguous { get; init; }

    /// <summary>Every selected class appears at least once, as most portals' composition rules demand.</summary>
    public bool RequireEachClass { get; init; } = true;
}
