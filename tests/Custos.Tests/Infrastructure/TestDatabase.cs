using Custos.Storage;
using Npgsql;

namespace Custos.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database of one kind for one test: a temporary data directory (SQLite) or a new database on the
/// PostgreSQL server that ./test.sh starts (CUSTOS_TEST_PG). Without that server a PostgreSQL test fails; it never skips.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> Both => new() { Sqlite, Postgres };

    private readonly string? postgresName;
    private readonly string? adminConnection;

    private TestDatabase(string kind, string dataDirectory, string? connectionString, string? postgresName, string? adminConnection)
    {
        Kind = kind;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        this.postgresName = postgresName;
        this.adminConnection = adminConnection;
    }

    public string Kind { get; }
    public string DataDirectory { get; }
    /// <summary>The --db value: null for the embedded SQLite database.</summary>
    public string? ConnectionString { get; }
    public DatabaseSettings Settings => DatabaseSettings.Parse(ConnectionString, DataDirectory);

    public static async Task<TestDatabase> CreateAsync(string kind)
    {
        var dir = Path.Combine(Path.GetTempPath(), "custos-test-" + Guid.NewGuid().ToString("N"));
        if (kind == Sqlite) return new TestDatabase(kind, dir, null, null, null);
        var admin = Environment.GetEnvironmentVariable("CUSTOS_TEST_PG");
        if (string.IsNullOrEmpty(admin))
            throw new InvalidOperationException("CUSTOS_TEST_PG is not set: PostgreSQL tests need the server that ./test.sh starts.");
        var name = "custos_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
        return new TestDatabase(kind, dir, cs, name, admin);
    }

    /// <summary>Runs SQL directly against the database, as an attacker with database access (or a failing disk) would.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var db = StorageServiceCollectionExtensions.CreateContext(Settings);
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, sql);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var db = StorageServiceCollectionExtensions.CreateContext(Settings);
        var conn = Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(db.Database);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task<Guid> ScalarGuidAsync(string sql)
    {
        await using var db = StorageServiceCollectionExtensions.CreateContext(Settings);
        var conn = Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(db.Database);
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        var value = await cmd.ExecuteScalarAsync();
        return value is Guid g ? g : Guid.Parse(Convert.ToString(value)!);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
        if (postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(adminConnection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresName} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
