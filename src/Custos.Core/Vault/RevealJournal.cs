using System.Threading.Channels;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Custos.Core.Vault;

/// <summary>
/// Records reveals durably before the secret is handed out, with group commit: reveals that arrive while a transaction
/// is being written wait and go together into the next one (their reveal rows and chained audit events, one commit,
/// one fsync). Each caller learns only after its own record is committed; if the commit fails, every caller of that
/// batch fails and no secret leaves (fail closed). One writer per node keeps the audit chain head uncontended.
/// </summary>
public sealed class RevealJournal : IAsyncDisposable
{
    /// <summary>Enough to absorb a burst, small enough that one transaction stays short.</summary>
    public const int MaxBatch = 256;

    private readonly IDbContextFactory<CustosDbContext> dbFactory;
    private readonly AuditLog audit;
    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(MaxBatch * 16)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Task loop;

    public RevealJournal(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit)
    {
        this.dbFactory = dbFactory;
        this.audit = audit;
        loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>What one reveal records; <see cref="RotationReason"/> set when the entry asks to be rotated after it.</summary>
    public sealed record Reveal(VaultReveal Row, AuditEntry Event, string? RotationReason);

    private sealed record Pending(Reveal Reveal, TaskCompletionSource Done);

    /// <summary>Returns once the reveal is committed; throws when it could not be.</summary>
    public async Task RecordAsync(Reveal reveal, CancellationToken ct = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync(new Pending(reveal, done), ct);
        // Not cancellable once queued: the record may already be on its way into the database.
        await done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        Writer? writer = null;
        try
        {
            while (await queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next)) batch.Add(next);
                try
                {
                    writer ??= await Writer.OpenAsync(dbFactory, audit);
                    await writer.WriteAsync(batch);
                    foreach (var p in batch) p.Done.TrySetResult();
                }
                catch (Exception e)
                {
                    // Start over on a fresh connection: this one may be broken (a restarted database server).
                    if (writer is not null) await writer.DisposeAsync();
                    writer = null;
                    foreach (var p in batch) p.Done.TrySetException(e);
                }
            }
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
        }
    }

    /// <summary>The journal's own connection with its statements compiled once (a reveal costs two row inserts, not two compilations).</summary>
    private sealed class Writer(CustosDbContext db, PreparedInsert<VaultReveal> insertReveal, PreparedAuditChain chain) : IAsyncDisposable
    {
        public static async Task<Writer> OpenAsync(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit)
        {
            var db = await dbFactory.CreateDbContextAsync();
            try
            {
                await db.Database.OpenConnectionAsync();
                return new Writer(db, new PreparedInsert<VaultReveal>(db), new PreparedAuditChain(db, audit));
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }

        public async Task WriteAsync(List<Pending> batch)
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var transaction = tx.GetDbTransaction();
            var events = await chain.ChainAsync(transaction, batch.Select(p => p.Reveal.Event).ToList());
            if (insertReveal.CanBatch && chain.CanBatch)
            {
                // PostgreSQL: every row and the head's move in one round trip.
                await using var statements = transaction.Connection!.CreateBatch();
                statements.Transaction = transaction;
                foreach (var p in batch) insertReveal.AddTo(statements, p.Reveal.Row);
                chain.AddTo(statements, events);
                var written = await statements.ExecuteNonQueryAsync();
                if (written != 2 * batch.Count + 1) throw new InvalidOperationException($"The journal wrote {written} rows for {batch.Count} reveals.");
            }
            else
            {
                foreach (var p in batch) await insertReveal.InsertAsync(p.Reveal.Row, transaction);
                await chain.WriteAsync(transaction, events);
            }
            foreach (var rotate in batch.Where(p => p.Reveal.RotationReason is not null).GroupBy(p => p.Reveal.Row.EntryId))
            {
                var reason = rotate.First().Reveal.RotationReason;
                await db.VaultEntries.Where(e => e.Id == rotate.Key && e.RotationReason == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.RotationReason, reason));
            }
            await tx.CommitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            insertReveal.Dispose();
            chain.Dispose();
            await db.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }
}
