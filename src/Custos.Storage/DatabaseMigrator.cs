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
