using Microsoft.Data.Sqlite;
using Npgsql;

namespace Custos.Storage;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// Which database Custos uses, chosen by the connection string alone: none means the embedded SQLite file in the data
/// directory; a PostgreSQL string (Host=…) means PostgreSQL; anything else is refused rather than guessed.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseSettings ForDataDirectory(string dataDirectory) =>
        new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "custos.db"),
            Pooling = true,
            ForeignKeys = true,
        }.ToString());

    public static DatabaseSettings Parse(string? connectionString, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return ForDataDirectory(dataDirectory);
        var keys = ParseKeys(connectionString);
        if (keys.Contains("host") || keys.Contains("server"))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The PostgreSQL connection string is invalid: {e.Message}");
            }
            // Prepared statements for the queries every request repeats: measured to halve PostgreSQL's CPU per vault
            // reveal (docs/performance.md). An explicit setting in the string wins.
            if (!keys.Contains("max auto prepare") && !keys.Contains("maxautoprepare")) builder.MaxAutoPrepare = 32;
            return new(DatabaseProvider.PostgreSql, builder.ConnectionString);
        }
        if (keys.Contains("data source") || keys.Contains("datasource") || keys.Contains("filename"))
            return new(DatabaseProvider.Sqlite, connectionString);
        throw new ArgumentException(
            "Unknown database: give a PostgreSQL connection string (\"Host=…;Database=…;Username=…\") or none for the embedded SQLite database.");
    }

    /// <summary>The connection string without its password, for messages and logs.</summary>
    public string Redacted => Provider == DatabaseProvider.PostgreSql
        ? new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ToString()
        : ConnectionString;

    private static HashSet<string> ParseKeys(string cs) =>
        cs.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)[0].Trim().ToLowerInvariant())
            .ToHashSet();
}
