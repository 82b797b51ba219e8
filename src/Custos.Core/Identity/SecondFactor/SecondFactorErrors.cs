using Custos.Core.Common;

namespace Custos.Core.Identity.SecondFactor;

public static class SecondFactorErrors
{
    /// <summary>One answer for a wrong, malformed, replayed or used-up code: which it was goes to the audit log only.</summary>
    public static readonly Error CodeInvalid = new("auth.second_factor_invalid", "The code is wrong or was already used.");
    public static readonly Error NotPending = new("auth.second_factor_not_pending", "This session owes no second factor.");
    public static readonly Error TotpNotStarted = new("totp.not_started", "Start setting up the authenticator app first.");
    public static readonly Error TotpNotEnabled = new("totp.not_enabled", "No authenticator app is set up.");
    public static readonly Error PasswordWrong = new("auth.password_wrong", "The password is wrong.");
    public static readonly Error LastSecondFactor = new("totp.last_second_factor", "An administrator cannot turn off their last second factor.");
}
