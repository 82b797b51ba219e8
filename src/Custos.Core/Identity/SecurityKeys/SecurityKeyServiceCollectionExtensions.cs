using Custos.Core.Identity.SecurityKeys;
using Microsoft.Extensions.DependencyInjection;

// Beside the other Add<Capability>() methods, so that registering this one needs no extra using at the call site.
namespace Custos.Core;

public static class SecurityKeyServiceCollectionExtensions
{
    /// <summary>Security keys (WebAuthn) as second factor and step-up (TOM 6.4); needs the audit log and identity registered.</summary>
    public static IServiceCollection AddSecurityKeys(this IServiceCollection services) =>
        services.AddSingleton<SecurityKeyChallenges>()
            .AddSingleton<RegisterSecurityKey>()
            .AddSingleton<UseSecurityKey>()
            .AddSingleton<RemoveSecurityKey>()
            .AddSingleton<ListSecurityKeys>();
}
