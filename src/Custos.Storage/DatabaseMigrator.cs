using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Storage;

public static class DatabaseMigrator
{
    /// <summary>
    /// Applies pending migrations (EF takes a database-wide migration lock, so several nodes may start at once).
    /// SQLite is switched to write-ahead logging first: readers then never wait for the writer.
    /// </summary>
    public static async Task MigrateAsync(DatabaseSettings settings, CancellationToken ct = default)
    {
        await using var db = StorageServiceCollectionExtensions.CreateContext(settings);
        if (settings.Provider == DatabaseProvider.Sqlite)
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.MigrateAsync(ct);
        await CheckRightsTriggersAsync(db, settings.Provider, ct);
    }

    /// <summary>Fails start-up when a trigger that keeps access caches honest is gone (see <see cref="RightsStampTriggers"/>).</summary>
    public static async Task CheckRightsTriggersAsync(CustosDbContext db, DatabaseProvider provider, CancellationToken ct = default)
    {
        var sqlite = provider == DatabaseProvider.Sqlite;
        var tables = await db.Database.SqlQueryRaw<string>(sqlite
                ? "SELECT tbl_name AS \"Value\" FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rights\\_stamp\\_%' ESCAPE '\\'"
                : "SELECT tgrelid::regclass::text AS \"Value\" FROM pg_trigger WHERE tgname = 'rights_stamp'")
            .ToListAsync(ct);
        var missing = RightsStampTriggers.Missing(tables, sqlite);
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The database lacks the access-change triggers on {string.Join(", ", missing)}; Custos will not start with them missing " +
                "(cached access rights could outlive a revocation). Re-create them with the migration RightsStamp.");
    }

    /// <summary>True when the database answers a trivial query.</summary>
    public static async Task<bool> PingAsync(CustosDbContext db, CancellationToken ct = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(ct);
        }
        catch (Exception)
        {
            return false;
        }
    }
}
