using Custos.Core.Common;

namespace Custos.Core.Identity;

/// <summary>
/// TOM 6.4: at least 11 characters with upper case, lower case and digits. Long passphrases are accepted whole
/// (nothing is truncated) up to a bound that keeps hashing cheap enough not to be a denial-of-service lever.
/// </summary>
public sealed record PasswordPolicy(string Name, int MinimumLength, bool RequireUpper, bool RequireLower, bool RequireDigit, int MaximumLength = 1024)
{
    /// <summary>The TOM's rule (the default: it is what the company has promised its customers).</summary>
    public static readonly PasswordPolicy TomDefault = new("tom", 11, true, true, true);

    /// <summary>NIST SP 800-63B / OWASP ASVS style: length and the block list, no composition rules.</summary>
    public static readonly PasswordPolicy LengthAndBlockList = new("length-and-blocklist", 12, false, false, false);

    public static readonly IReadOnlyList<PasswordPolicy> All = [TomDefault, LengthAndBlockList];

    /// <summary>The policy named by the CUSTOS_PASSWORD_POLICY setting; null (no policy) for an unknown name.</summary>
    public static PasswordPolicy? FromName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? TomDefault : All.FirstOrDefault(p => p.Name == name.Trim().ToLowerInvariant());

    public bool HasCompositionRules => RequireUpper || RequireLower || RequireDigit;

    /// <summary>How strong a password is (zxcvbn, 0 to 4) and the first rule it breaks, for the forms' strength meter.</summary>
    public (int Score, Error? Failure) Evaluate(string password, params string?[] userInputs)
    {
        var score = PasswordStrength.Score(password, userInputs);
        return (score, CheckRules(password) ?? (score < MinimumStrength ? Common : null));
    }

    public Error? Check(string password, params string?[] userInputs) =>
        CheckRules(password) ?? (PasswordStrength.Score(password, userInputs) < MinimumStrength ? Common : null);

    private static readonly Error Common = new("password.common", "The password is too common or too easy to guess.");

    /// <summary>zxcvbn scores 0 and 1: on its lists of common passwords and words, or guessable within about a million tries.</summary>
    public const int MinimumStrength = 2;

    private Error? CheckRules(string password)
    {
        if (password.Length < MinimumLength)
            return new Error("password.too_short", $"The password must have at least {MinimumLength} characters.");
        if (password.Length > MaximumLength)
            return new Error("password.too_long", $"The password must have at most {MaximumLength} characters.");
        if (RequireUpper && !password.Any(char.IsUpper))
            return new Error("password.needs_upper", "The password must contain an upper-case letter.");
        if (RequireLower && !password.Any(char.IsLower))
            return new Error("password.needs_lower", "The password must contain a lower-case letter.");
        if (RequireDigit && !password.Any(char.IsDigit))
            return new Error("password.needs_digit", "The password must contain a digit.");
        return null;
    }
}
