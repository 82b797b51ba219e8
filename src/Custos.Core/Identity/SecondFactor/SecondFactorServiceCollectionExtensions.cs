using Custos.Core.Identity.SecondFactor;
using Microsoft.Extensions.DependencyInjection;

// Beside the other Add<Capability>() methods, so that registering this one needs no extra using at the call site.
namespace Custos.Core;

public static class SecondFactorServiceCollectionExtensions
{
    /// <summary>TOTP enrolment and the second login step (TOM 6.4); needs the keyring, the audit log and identity registered.</summary>
    public static IServiceCollection AddSecondFactor(this IServiceCollection services) =>
        services.AddSingleton<TotpSeedCipher>()
            .AddSingleton<TotpVerifier>()
            .AddSingleton<TotpEnrolment>()
            .AddSingleton<SecondFactorSignIn>();
}
