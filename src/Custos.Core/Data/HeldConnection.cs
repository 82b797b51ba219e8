using System.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Data;

/// <summary>
/// Keeps a context's connection open for a run of queries (one open instead of one per query) and closes it again on
/// every way out, early returns included: a pooled context handed back with a connection it opened explicitly keeps that
/// connection, and PostgreSQL's pool runs dry.
/// </summary>
internal readonly struct HeldConnection(CustosDbContext db) : IAsyncDisposable
{
    public static async Task<HeldConnection> OpenAsync(CustosDbContext db, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        return new HeldConnection(db);
    }

    public async ValueTask DisposeAsync()
    {
        if (db.Database.GetDbConnection().State != ConnectionState.Closed) await db.Database.CloseConnectionAsync();
    }
}
