using Custos.Core.Common;

namespace Custos.Core.Identity.SecurityKeys;

public static class SecurityKeyErrors
{
    /// <summary>One answer for every failed proof (bad signature, unknown key, counter gone back): the reason goes to the audit log.</summary>
    public static readonly Error Invalid = new("security_key.invalid", "The security key could not be verified.");
    /// <summary>No begun ceremony for this session, or it expired, or it was used already.</summary>
    public static readonly Error ChallengeMissing = new("security_key.challenge_missing", "Start again: the request to the security key has expired.");
    public static readonly Error NameInvalid = new("security_key.name_invalid", "Give the security key a name of at most 100 characters.");
    public static readonly Error NoKeys = new("security_key.none", "No security key is registered for this account.");
    public static readonly Error NotFound = new("security_key.not_found", "No such security key.");
    public static readonly Error WrongState = new("security_key.wrong_state", "This session cannot do that now.");
    public static readonly Error PasswordWrong = new("auth.password_wrong", "The password is wrong.");
    public static readonly Error LastSecondFactor = new("security_key.last_second_factor", "An administrator cannot remove their last second factor.");
}
