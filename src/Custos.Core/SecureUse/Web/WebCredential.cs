using System.Text;
using Custos.Core.Common;
using Custos.Core.Vault;
using OtpNet;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// An entry's credential for one web session, held in server memory only for the session's life: the password (for the
/// form login and for masking), the Basic header value, the TOTP seed, and the scrubber built from them.
/// </summary>
internal sealed class WebCredential
{
    private readonly TotpSeed? totp;

    private WebCredential(string userName, string password, TotpSeed? totp)
    {
        UserName = userName;
        Password = password;
        this.totp = totp;
        BasicToken = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}"));
        Scrubber = SecretScrubber.For(password, BasicToken);
    }

    public string UserName { get; }
    public string Password { get; }
    /// <summary>base64(user:password), the value of an <c>Authorization: Basic</c> header.</summary>
    public string BasicToken { get; }
    public SecretScrubber Scrubber { get; }

    public static Result<WebCredential> From(WebTarget target, SecretBundle bundle)
    {
        if (bundle.Password is not { Length: > 0 } password) return WebErrors.NoCredential;
        TotpSeed? seed = null;
        if (target.TotpField is not null && (bundle.Totp is null || (seed = TotpSeed.Parse(bundle.Totp)) is null)) return WebErrors.NoTotp;
        return new WebCredential(target.UserName, password, seed);
    }

    /// <summary>The TOTP code at this moment, computed here so that neither the seed nor the code reaches the browser.</summary>
    public string? TotpCode(DateTimeOffset now) =>
        totp is null ? null : new Totp(totp.Secret, totp.Period, totp.Algorithm, totp.Digits).ComputeTotp(now.UtcDateTime);
}
