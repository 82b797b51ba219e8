using Custos.Core.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Storage.Backup;

public static class BackupStorageServiceCollectionExtensions
{
    /// <summary>Backups with this database's copy and restore (SQLite file or pg_dump / pg_restore).</summary>
    public static IServiceCollection AddBackupStorage(this IServiceCollection services, DatabaseSettings database, BackupOptions options) =>
        services.AddBackup(options)
            .AddSingleton(DatabaseDumps.For(database, options))
            .AddSingleton<IRestoredInstances>(new RestoredInstances(database, options));
}
