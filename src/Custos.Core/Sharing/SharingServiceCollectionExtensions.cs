using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Sharing;

public static class SharingServiceCollectionExtensions
{
    public static IServiceCollection AddSharing(this IServiceCollection services, SharingOptions options) =>
        services.AddSingleton(options)
            .AddSingleton<SharePolicies>()
            .AddSingleton<SharePackaging>()
            .AddSingleton<ShareCreation>()
            .AddSingleton<ShareManagement>()
            .AddSingleton<ShareThrottle>()
            .AddSingleton<ShareLog>()
            .AddSingleton<ShareGate>()
            .AddSingleton<ShareDownloads>()
            .AddSingleton<ShareUploads>()
            .AddSingleton<ShareTransfers>()
            .AddSingleton<ShareSweep>();
}
