using System.Threading.Channels;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

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
    private readonly Task writer;

    public RevealJournal(IDbContextFactory<CustosDbContext> dbFactory, AuditLog audit)
    {
        this.dbFactory = dbFactory;
        this.audit = audit;
        writer = Task.Run(WriteLoopAsync);
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
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                await WriteAsync(batch);
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var p in batch) p.Done.TrySetException(e);
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.VaultReveals.AddRange(batch.Select(p => p.Reveal.Row));
        foreach (var rotate in batch.Where(p => p.Reveal.RotationReason is not null).GroupBy(p => p.Reveal.Row.EntryId))
        {
            var reason = rotate.First().Reveal.RotationReason;
            await db.VaultEntries.Where(e => e.Id == rotate.Key && e.RotationReason == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.RotationReason, reason));
        }
        await audit.CommitAsync(db, tx, batch.Select(p => p.Reveal.Event).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
    }
}
