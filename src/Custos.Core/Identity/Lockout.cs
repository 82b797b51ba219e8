namespace Custos.Core.Identity;

/// <summary>
/// Account lockout after repeated failed logins (TOM 6.9): after <see cref="IdentityOptions.LockoutThreshold"/> failures
/// the account is locked for <see cref="IdentityOptions.LockoutDuration"/>, each further lock within a day of the last
/// one twice as long (capped), even with successful logins in between, so a guesser who knows one password of the
/// pattern gains nothing by waiting. A successful login clears the failure count; an administrator can unlock.
/// </summary>
public static class Lockout
{
    public static bool IsLocked(User user, DateTimeOffset now) => user.LockedUntil is { } until && until > now;

    /// <summary>Counts a failure; returns true when this failure locked the account.</summary>
    public static bool RegisterFailure(User user, DateTimeOffset now, IdentityOptions options)
    {
        user.FailedLogins++;
        if (user.FailedLogins < options.LockoutThreshold) return false;
        if (user.LockedUntil is not { } last || last + TimeSpan.FromDays(1) < now) user.Lockouts = 0;
        var factor = Math.Pow(2, Math.Min(user.Lockouts, 16));
        var duration = TimeSpan.FromTicks((long)Math.Min(options.LockoutDuration.Ticks * factor, options.LockoutMaxDuration.Ticks));
        user.LockedUntil = now + duration;
        user.Lockouts++;
        user.FailedLogins = 0;
        return true;
    }

    /// <summary>Clears the failure count; the end of the last lock stays, for the doubling rule.</summary>
    public static void RegisterSuccess(User user) => user.FailedLogins = 0;
}
