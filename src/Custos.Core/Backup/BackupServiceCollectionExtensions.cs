using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Backup;

public static class BackupServiceCollectionExtensions
{
    /// <summary>The backup capability; the storage layer adds <see cref="IDatabaseDump"/> and <see cref="IRestoredInstances"/>.</summary>
    public static IServiceCollection AddBackup(this IServiceCollection services, BackupOptions options) =>
        services.AddSingleton(options)
            .AddSingleton<BackupTargets>()
            .AddSingleton<InstanceStaging>()
            .AddSingleton<BackupRunLock>()
            .AddSingleton<BackupAlarms>()
            .AddSingleton<BackupActivity>()
            .AddSingleton<BackupRunner>()
            .AddSingleton<BackupDrill>()
            .AddSingleton<InstanceRestore>()
            .AddSingleton<DocumentRestore>()
            .AddSingleton<RecoveryKits>()
            .AddSingleton<BackupViews>()
            .AddSingleton<BackupScheduler>();
}
