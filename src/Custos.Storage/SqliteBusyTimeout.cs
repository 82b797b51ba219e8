using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Custos.Storage;

/// <summary>
/// Lets SQLite itself wait for the write lock (its busy handler retries within a millisecond or so) instead of
/// Microsoft.Data.Sqlite's retry loop, which sleeps 150 ms whenever a write transaction finds another one running:
/// under concurrent uploads that sleep, not the work, set the pace. Set on every open, as pooled connections may be new.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    // As long as the default command timeout: a writer that waits longer than that fails as before.
    private const string Pragma = "PRAGMA busy_timeout = 30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
