using System.Threading.Channels;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Custos.Core.SecureUse.Web;

/// <summary>
/// The request log of web sessions, written off the hot path: requests are queued and a writer stores them in batches
/// (one INSERT transaction per batch). The queue is bounded; when the database falls behind, requests wait for room
/// instead of going unlogged.
/// </summary>
public sealed class WebRequestLog(IDbContextFactory<CustosDbContext> dbFactory, ILogger<WebRequestLog> log)
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    private readonly Channel<WebRequestRecord> queue = Channel.CreateBounded<WebRequestRecord>(
        new BoundedChannelOptions(20_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public ValueTask AddAsync(WebRequestRecord record, CancellationToken ct = default) => queue.Writer.WriteAsync(record, ct);

    /// <summary>Stores batches until <paramref name="ct"/> is cancelled, then what is still queued.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<WebRequestRecord>(BatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(ct))
            {
                // Gather for a moment: one transaction (and one disk flush) per interval under load, not one per request.
                if (queue.Reader.Count < BatchSize) await Task.Delay(FlushInterval, ct);
                while (batch.Count < BatchSize && queue.Reader.TryRead(out var record)) batch.Add(record);
                try
                {
                    await WriteAsync(batch, ct);
                }
                catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException && !ct.IsCancellationRequested)
                {
                    // The batch is kept and tried again; meanwhile the bounded queue holds requests back.
                    log.LogWarning("The web request log cannot be written ({Count} rows waiting): {Message}", batch.Count, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        while (queue.Reader.TryRead(out var rest))
        {
            batch.Add(rest);
            if (batch.Count == BatchSize) await WriteAsync(batch, CancellationToken.None);
        }
        await WriteAsync(batch, CancellationToken.None);
    }

    /// <summary>
    /// One transaction per batch with a prepared INSERT (PostgreSQL: all rows in one round trip): at thousands of
    /// proxied requests a second, SaveChanges's change tracking cost more CPU than the proxying around it.
    /// </summary>
    private async Task WriteAsync(List<WebRequestRecord> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        using var insert = new PreparedInsert<WebRequestRecord>(db);
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var transaction = tx.GetDbTransaction();
        if (insert.CanBatch)
        {
            await using var statements = transaction.Connection!.CreateBatch();
            statements.Transaction = transaction;
            foreach (var row in batch) insert.AddTo(statements, row);
            await statements.ExecuteNonQueryAsync(CancellationToken.None);
        }
        else
        {
            foreach (var row in batch) await insert.InsertAsync(row, transaction, CancellationToken.None);
        }
        await tx.CommitAsync(CancellationToken.None);
        batch.Clear();
    }
}
