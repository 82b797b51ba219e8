using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Ldap;

public static class DirectoryServiceCollectionExtensions
{
    /// <summary>The LDAP / Active Directory capability: configuration, sync and the login check for directory users.</summary>
    public static IServiceCollection AddDirectory(this IServiceCollection services) =>
        services.AddSingleton<DirectoryConfiguration>()
            .AddSingleton<DirectorySync>()
            .AddSingleton<DirectoryAuthenticator>();
}
