using System.Data;
using Custos.Core.Backup;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Custos.Storage.Backup;

public static class DatabaseDumps
{
    public static IDatabaseDump For(DatabaseSettings settings, BackupOptions options) => settings.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDump(settings),
        DatabaseProvider.PostgreSql => new PostgresDump(settings, options.PgDump),
        _ => throw new ArgumentOutOfRangeException(nameof(settings)),
    };

    /// <summary>libpq's environment for a connection string: the password goes to the child's environment, never its arguments.</summary>
    internal static Dictionary<string, string> LibpqEnvironment(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = b.Host ?? "localhost", ["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGDATABASE"] = b.Database ?? "postgres", ["PGUSER"] = b.Username ?? Environment.UserName,
            ["PGCONNECT_TIMEOUT"] = "15",
        };
        if (!string.IsNullOrEmpty(b.Password)) env["PGPASSWORD"] = b.Password;
        if (b.SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull) env["PGSSLMODE"] = b.SslMode.ToString().ToLowerInvariant().Replace("verifyca", "verify-ca").Replace("verifyfull", "verify-full");
        return env;
    }
}

/// <summary>
/// SQLite's VACUUM INTO writes a transactionally consistent, compacted copy while readers and writers go on (WAL mode);
/// the copy is then opened on its own and must pass PRAGMA integrity_check. VACUUM INTO rather than the online backup
/// API: the backup API copies free pages too, and with them what deleted rows left behind, which a backup would then
/// keep for months.
/// </summary>
internal sealed class SqliteDump(DatabaseSettings settings) : IDatabaseDump
{
    public string Kind => "sqlite";
    public string FileName => "custos.db";

    public async Task DumpAsync(string path, Func<CustosDbContext, Task> read, CancellationToken ct)
    {
        await using (var conn = new SqliteConnection(settings.ConnectionString))
        {
            await conn.OpenAsync(ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "VACUUM INTO $path";
            cmd.Parameters.AddWithValue("$path", path);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // The check and the caller's reads run side by side on the read-only copy; a copy that fails the check fails the
        // dump whatever the reads did, so what they read from it is never used.
        var checking = Task.Run(() => IntegrityProblemAsync(path, ct), ct);
        Exception? failed = null;
        try
        {
            var copy = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
            await using var db = StorageServiceCollectionExtensions.CreateContext(new DatabaseSettings(DatabaseProvider.Sqlite, copy));
            await read(db);
        }
        catch (Exception e)
        {
            failed = e;
        }
        var problem = await checking;
        if (problem is not null) throw new BackupException($"The database copy failed its integrity check: {problem}", failed);
        if (failed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
    }

    /// <summary>Null when PRAGMA integrity_check says "ok"; its first lines otherwise.</summary>
    internal static async Task<string?> IntegrityProblemAsync(string file, CancellationToken ct)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var conn = new SqliteConnection(cs);
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct) && lines.Count < 5) lines.Add(reader.GetString(0));
        return lines is ["ok"] ? null : string.Join("; ", lines);
    }
}

/// <summary>pg_dump's custom format: one consistent snapshot (a single repeatable-read transaction), compressed, restorable table by table.</summary>
internal sealed class PostgresDump(DatabaseSettings settings, string pgDump) : IDatabaseDump
{
    public string Kind => "postgresql";
    public string FileName => "custos.pgdump";

    /// <summary>
    /// Exports a snapshot from a repeatable-read transaction held open while pg_dump runs in it (--snapshot), so the
    /// counts and the catalog read here describe exactly what the dump holds.
    /// </summary>
    public async Task DumpAsync(string path, Func<CustosDbContext, Task> read, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(settings.ConnectionString);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        string snapshot;
        await using (var cmd = new NpgsqlCommand("SELECT pg_export_snapshot()", conn, tx))
            snapshot = (string)(await cmd.ExecuteScalarAsync(ct))!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var dumping = ToolProcess.RunAsync(pgDump, ["--format=custom", "--no-owner", "--no-privileges", "--snapshot", snapshot, "--file", path],
            DatabaseDumps.LibpqEnvironment(settings.ConnectionString), "pg_dump", stop.Token);
        try
        {
            await using var db = StorageServiceCollectionExtensions.CreateContext(settings, conn);
            await db.Database.UseTransactionAsync(tx, ct);
            await read(db);
        }
        catch
        {
            await stop.CancelAsync();
            try { await dumping; } catch (Exception) when (stop.IsCancellationRequested) { }
            throw;
        }
        await dumping;
        await tx.CommitAsync(ct);
    }
}
