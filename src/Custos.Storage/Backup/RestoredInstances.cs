using Custos.Core;
using Custos.Core.Backup;
using Custos.Core.Documents;
using Custos.Core.Documents.Blobs;
using Custos.Core.Vault;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Custos.Storage.Backup;

public sealed class RestoredInstances(DatabaseSettings live, BackupOptions options) : IRestoredInstances
{
    public async Task<RestoredInstance> OpenAsync(BackupManifest manifest, string unpacked, string dataDirectory, string? postgres, string keysDirectory,
        CancellationToken ct)
    {
        var copy = Path.Combine(unpacked, manifest.DatabaseFile);
        if (!File.Exists(copy)) throw new BackupException($"The snapshot holds no database copy ({manifest.DatabaseFile}).");
        DatabaseSettings settings;
        Func<ValueTask> drop = () => ValueTask.CompletedTask;
        switch (manifest.Database)
        {
            case "sqlite":
                if (await SqliteDump.IntegrityProblemAsync(copy, ct) is { } problem)
                    throw new BackupException($"The snapshot's database failed its integrity check: {problem}");
                var file = Path.Combine(dataDirectory, "custos.db");
                if (Path.GetFullPath(copy) != Path.GetFullPath(file)) File.Move(copy, file);
                settings = DatabaseSettings.ForDataDirectory(dataDirectory);
                postgres = null;
                break;
            case "postgresql":
                if (postgres is null)
                {
                    if (live.Provider != DatabaseProvider.PostgreSql)
                        throw new BackupException("This snapshot holds a PostgreSQL dump: name an empty PostgreSQL database to restore it into (--db).");
                    var name = "custos_drill_" + Guid.NewGuid().ToString("N")[..12];
                    await ExecuteAsync(live.ConnectionString, $"CREATE DATABASE {name}", ct);
                    postgres = new NpgsqlConnectionStringBuilder(live.ConnectionString) { Database = name }.ConnectionString;
                    drop = async () =>
                    {
                        NpgsqlConnection.ClearAllPools();
                        await ExecuteAsync(live.ConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
                    };
                }
                settings = DatabaseSettings.Parse(postgres, dataDirectory);
                if (settings.Provider != DatabaseProvider.PostgreSql) throw new BackupException("--db must be a PostgreSQL connection string for this snapshot.");
                try
                {
                    if (await CountTablesAsync(settings.ConnectionString, ct) > 0)
                        throw new BackupException($"The database {settings.Redacted} is not empty; a restore goes into an empty database only.");
                    await ToolProcess.RunAsync(options.PgRestore, ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", new NpgsqlConnectionStringBuilder(settings.ConnectionString).Database!, copy],
                        DatabaseDumps.LibpqEnvironment(settings.ConnectionString), "pg_restore", ct);
                }
                catch
                {
                    await drop();
                    throw;
                }
                break;
            default:
                throw new BackupException($"The snapshot holds a database of an unknown kind ({manifest.Database}).");
        }

        try
        {
            await DatabaseMigrator.MigrateAsync(settings, ct);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            await drop();
            throw new BackupException($"The restored database cannot be brought to this version's schema: {e.Message}", e);
        }
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(DataDirectory.Prepare(dataDirectory))
            .AddSingleton(settings)
            .AddCustosDatabase(settings)
            .AddAudit()
            .AddKeys(keysDirectory)
            .AddIdentity()
            .AddVault()
            .AddDocuments(new LocalBlobStore(Path.Combine(dataDirectory, "blobs")))
            .BuildServiceProvider();
        return new RestoredInstance(services, postgres, async () =>
        {
            await services.DisposeAsync();
            await drop();
        });
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> CountTablesAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }
}
