using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Storage;

public static class StorageServiceCollectionExtensions
{
    // Pooled: a context's internal services are built once and reset between uses instead of per request (a reveal
    // creates two contexts; building them cost more CPU than the queries they ran).
    public static IServiceCollection AddCustosDatabase(this IServiceCollection services, DatabaseSettings settings) =>
        services.AddPooledDbContextFactory<CustosDbContext>(options => Configure(options, settings));

    public static void Configure(DbContextOptionsBuilder options, DatabaseSettings settings)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(settings.ConnectionString, o => o.MigrationsAssembly("Custos.Storage.Sqlite"));
                options.AddInterceptors(SqliteBusyTimeout.Instance);
                break;
            case DatabaseProvider.PostgreSql:
                options.UseNpgsql(settings.ConnectionString, o => o.MigrationsAssembly("Custos.Storage.Postgres"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(settings));
        }
        options.UseSnakeCaseNamingConvention();
    }

    /// <summary>A context on a connection the caller opened (and holds a transaction on): a backup reads inside pg_dump's snapshot.</summary>
    public static CustosDbContext CreateContext(DatabaseSettings settings, System.Data.Common.DbConnection connection)
    {
        var builder = new DbContextOptionsBuilder<CustosDbContext>();
        if (settings.Provider == DatabaseProvider.PostgreSql) builder.UseNpgsql(connection, o => o.MigrationsAssembly("Custos.Storage.Postgres"));
        else builder.UseSqlite(connection, o => o.MigrationsAssembly("Custos.Storage.Sqlite"));
        builder.UseSnakeCaseNamingConvention();
        return new CustosDbContext(builder.Options);
    }

    public static CustosDbContext CreateContext(DatabaseSettings settings)
    {
        var builder = new DbContextOptionsBuilder<CustosDbContext>();
        Configure(builder, settings);
        return new CustosDbContext(builder.Options);
    }
}
