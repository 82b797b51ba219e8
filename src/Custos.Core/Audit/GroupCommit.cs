using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Custos.Core.Audit;

/// <summary>
/// Group commit for audited writes, as the reveal journal does it: items that arrive while a batch is being committed wait
/// and go together into the next one, so many callers share one transaction, one lock of the audit chain head and one
/// fsync. Each caller learns the outcome of its own item only after the transaction that holds it has committed (or
/// failed: then it gets the exception, fail closed).
/// </summary>
/// <remarks>
/// One writer loop: batches never overlap, which also keeps them from competing for SQLite's write lock or the chain head.
/// When a batch of several fails, every item is committed again alone, so that one item that cannot be written (a name
/// another node took meanwhile) fails only its own caller.
/// </remarks>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    /// <summary>Commits a batch in one transaction and returns one result per item, in order.</summary>
    public delegate Task<IReadOnlyList<TResult>> Committer(IReadOnlyList<TItem> batch);

    private static readonly ConditionalWeakTable<object, SemaphoreSlim> Gates = new();

    private readonly Committer commit;
    private readonly SemaphoreSlim gate;
    private readonly int maxBatch;
    private readonly Channel<Pending> queue;
    private readonly Task loop;

    /// <param name="commit">Writes one batch in one transaction.</param>
    /// <param name="database">
    /// Group commits given the same object (the context factory of one database) take turns: their transactions queue here
    /// rather than collide in the database (on SQLite a collision sleeps 150 ms in Microsoft.Data.Sqlite's busy retry).
    /// </param>
    /// <param name="maxBatch">Most items in one transaction.</param>
    public GroupCommit(Committer commit, object database, int maxBatch = 128)
    {
        gate = Gates.GetValue(database, _ => new SemaphoreSlim(1, 1));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        this.commit = commit;
        this.maxBatch = maxBatch;
        queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(maxBatch * 16)
        {
            SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
        });
        loop = Task.Run(WriteLoopAsync);
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);

    /// <summary>Returns once the item's transaction has committed; throws when it could not.</summary>
    /// <remarks><paramref name="ct"/> cancels only the wait for room in the queue: once queued, the item may be on its way into the database.</remarks>
    public async Task<TResult> CommitAsync(TItem item, CancellationToken ct = default)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync(new Pending(item, done), ct);
        return await done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(maxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var next)) batch.Add(next);
            // One item may have spoilt a batch of several: then each alone, so that only its own caller fails.
            if (await TryCommitAsync(batch) is not null && batch.Count > 1)
                foreach (var p in batch) await TryCommitAsync([p]);
        }
    }

    /// <summary>Commits the items and hands out their results; the exception if the transaction failed (nothing handed out).</summary>
    private async Task<Exception?> TryCommitAsync(List<Pending> items)
    {
        await gate.WaitAsync();
        try
        {
            var results = await commit(items.Select(p => p.Item).ToList());
            if (results.Count != items.Count) throw new InvalidOperationException($"A batch of {items.Count} gave {results.Count} results.");
            for (var i = 0; i < items.Count; i++) items[i].Done.TrySetResult(results[i]);
            return null;
        }
        catch (Exception e)
        {
            if (items.Count == 1) items[0].Done.TrySetException(e);
            return e;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }
}
