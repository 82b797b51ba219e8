using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Vault;

public static class VaultServiceCollectionExtensions
{
    public static IServiceCollection AddVault(this IServiceCollection services, VaultOptions? options = null) =>
        services.AddSingleton(options ?? new VaultOptions())
            .AddSingleton<VaultAccessCache>()
            .AddSingleton<SecretSealer>()
            .AddSingleton<PasswordFingerprints>()
            .AddSingleton<VaultFolders>()
            .AddSingleton<VaultEntries>()
            .AddSingleton<RevealJournal>()
            .AddSingleton<VaultReveals>()
            .AddSingleton<VaultAttachments>()
            .AddSingleton<VaultGrants>()
            .AddSingleton<VaultAccessRequests>()
            .AddSingleton<VaultReports>()
            .AddSingleton<StrengthRating>()
            .AddSingleton<VaultTransfer>()
            .AddSingleton<VaultNotifications>();
}
