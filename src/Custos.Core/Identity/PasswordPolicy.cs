using Custos.Core.Common;

namespace Custos.Core.Identity;

/// <summary>
/// TOM 6.4: at least 11 characters with upper case, lower case and digits. Long passphrases are accepted whole
/// (nothing is truncated) up to a bound that keeps hashing cheap enough not to be a denial-of-service lever.
/// </summary>
public sealed record PasswordPolicy(int MinimumLength, bool RequireUpper, bool RequireLower, bool RequireDigit, int MaximumLength = 1024)
{
    public static readonly PasswordPolicy TomDefault = new(11, true, true, true);

    public Error? Check(string password)
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
