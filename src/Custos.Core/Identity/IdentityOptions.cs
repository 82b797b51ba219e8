namespace Custos.Core.Identity;

public sealed class IdentityOptions
{
    public TimeSpan SetupLinkLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>TOM 6.8: a session left alone is locked after this long.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(10);
    public PasswordPolicy PasswordPolicy { get; set; } = PasswordPolicy.TomDefault;
    public Argon2Parameters Argon2 { get; set; } = Argon2Parameters.Default;
    public int LockoutThreshold { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan LockoutMaxDuration { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Login attempts per client address and minute before answers become 429.</summary>
    public int LoginAttemptsPerMinutePerAddress { get; set; } = 20;
}
