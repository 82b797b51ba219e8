namespace Custos.Core.Identity;

public sealed class IdentityOptions
{
    public TimeSpan SetupLinkLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>TOM 6.8: a session left alone is locked after this long.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(10);
    public PasswordPolicy PasswordPolicy { get; set; } = PasswordPolicy.TomDefault;
    public Argon2Parameters Argon2 { get; set; } = Argon2Parameters.Default;
}
