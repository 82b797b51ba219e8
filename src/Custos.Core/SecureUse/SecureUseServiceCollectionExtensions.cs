using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.SecureUse;

public static class SecureUseServiceCollectionExtensions
{
    /// <summary>Using vault credentials without revealing them (TOM 6.9): SSH commands and recorded interactive sessions with pinned host keys.</summary>
    public static IServiceCollection AddSecureUse(this IServiceCollection services) =>
        services.AddSingleton<SshHostKeys>()
            .AddSingleton<SshCommands>()
            .AddSingleton<SshShells>()
            .AddSingleton<SshRecordingSweep>()
            .AddSingleton<SshFiles>();
}
