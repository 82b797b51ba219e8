using Custos.Core.Common;

namespace Custos.Core.Identity;

/// <summary>
/// TOM 6.4: at least 11 characters with upper case, lower case and digits. Long passphrases are accepted whole
/// (nothing is truncated) up to a bound that keeps hashing cheap enough not to be a denial-of-service lever.
/// </summary>
public sealed record PasswordPolicy(int MinimumLength, bool RequireUpper, bool RequireLower, bool RequireDigit, int MaximumLength = 1024)
{
    /// <summary>The TOM's rule (the default: it is what the company has promised its customers).</summary>
    public static readonly PasswordPolicy TomDefault = new(11, true, true, true);

    /// <summary>NIST SP 800-63B / OWASP ASVS style: length and the block list, no composition rules.</summary>
    public static readonly PasswordPolicy LengthAndBlockList = new(12, false, false, false);

    /// <summary>zxcvbn scores 0 and 1: on its lists of common passwords and words, or guessable within about a million tries.</summary>
    public const int MinimumStrength = 2;

    /// <summary>zxcvbn's estimate (0 weakest to 4), with the user's own names counted as guessable.</summary>
    public static int Strength(string password, params string?[] userInputs) =>
        password.Length == 0 ? 0 : Zxcvbn.Zxcvbn.MatchPassword(password.Length > 100 ? password[..100] : password,
            userInputs.OfType<string>().Where(s => s.Length > 0)).Score;

    public Error? Check(string password, params string?[] userInputs)
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
        // Long passphrases are judged on their first 100 characters: zxcvbn's cost grows with length, and 100 random-ish
        // characters are far beyond any guessing.
        if (Strength(password, userInputs) < MinimumStrength)
            return new Error("password.common", "The password is too common or too easy to guess.");
        return null;
    }
}
