using Custos.Core.Audit;
using Custos.Core.Identity;
using Custos.Core.Keys;
using Custos.Core.Ldap;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core;

public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddAudit(this IServiceCollection services) =>
        services.AddSingleton<AuditLog>().AddSingleton<AuditQuery>();

    public static IServiceCollection AddKeys(this IServiceCollection services, string keysDirectory) =>
        services.AddSingleton(new MasterKeyFileStore(keysDirectory)).AddSingleton<Keyring>();

    public static IServiceCollection AddIdentity(this IServiceCollection services, IdentityOptions? options = null)
    {
        options ??= new IdentityOptions();
        return services.AddSingleton(options)
            .AddSingleton(new PasswordHasher(options.Argon2))
            .AddSingleton<FirstAdministratorSetup>()
            .AddSingleton<SignIn>()
            .AddDirectory()
            .AddSingleton<PasswordProof>()
            .AddSingleton<Sessions>()
            .AddSecondFactor()
            .AddSecurityKeys()
            .AddSingleton<AccessTokens>()
            .AddSingleton<ChangePassword>()
            .AddSingleton<UserAdministration>()
            .AddSingleton<GroupAdministration>()
            .AddSingleton<Tenants.AccessPolicy>()
            .AddSingleton<Tenants.TenantAdministration>();
    }
}
