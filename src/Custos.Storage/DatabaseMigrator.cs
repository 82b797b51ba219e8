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
        await EnsureRightsTriggersAsync(db, settings.Provider, ct);
    }

    /// <summary>
    /// Creates the triggers that keep access caches honest again when one is missing (a SQLite table rebuild drops
    /// them), before any cache exists; fails start-up if they still are not all there (see <see cref="RightsStampTriggers"/>).
    /// </summary>
    public static async Task EnsureRightsTriggersAsync(CustosDbContext db, DatabaseProvider provider, CancellationToken ct = default)
    {
        var sqlite = provider == DatabaseProvider.Sqlite;
        if ((await MissingRightsTriggersAsync(db, sqlite, ct)).Count == 0) return;
        foreach (var sql in sqlite ? RightsStampTriggers.SqliteUp() : RightsStampTriggers.PostgresUp())
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        var missing = await MissingRightsTriggersAsync(db, sqlite, ct);
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The database lacks the access-change triggers on {string.Join(", ", missing)} and they could not be created; Custos will not " +
                "start without them (cached access rights could outlive a revocation).");
    }

    private static async Task<IReadOnlyList<string>> MissingRightsTriggersAsync(CustosDbContext db, bool sqlite, CancellationToken ct)
    {
        var tables = await db.Database.SqlQueryRaw<string>(sqlite
                ? "SELECT tbl_name AS \"Value\" FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rights\\_stamp\\_%' ESCAPE '\\'"
                : "SELECT tgrelid::regclass::text AS \"Value\" FROM pg_trigger WHERE tgname = 'rights_stamp'")
            .ToListAsync(ct);
        return RightsStampTriggers.Missing(tables, sqlite);
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
