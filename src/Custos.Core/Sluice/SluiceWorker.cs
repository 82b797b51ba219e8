using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Sluice;

/// <summary>
/// The sluice's background work: files whose checks did not finish with their upload (or waited for the scanner) are
/// processed; originals whose keeping time ran out are deleted (blob and key). Runs inside the server's host.
/// </summary>
public sealed class SluiceWorker(
    IDbContextFactory<CustosDbContext> dbFactory,
    SluiceProcessor processor,
    IBlobStore blobs,
    AuditLog audit,
    TimeProvider time,
    SluiceOptions options,
    ILogger<SluiceWorker> log)
{
    private readonly CancellationTokenSource stopping = new();
    private readonly HashSet<Task> running = [];

    /// <summary>Cancelled when the server stops: checks that run on its behalf end then.</summary>
    public CancellationToken Stopping => stopping.Token;

    /// <summary>Keeps a check that runs on the server's behalf, so shutdown can wait for it.</summary>
    public Task<T> Track<T>(Task<T> task)
    {
        lock (running) running.Add(task);
        task.ContinueWith(t => { lock (running) running.Remove(t); }, TaskScheduler.Default);
        return task;
    }

    /// <summary>Empties the work directory (plaintext of an earlier run must not outlive it) and makes it owner-only.</summary>
    public void PrepareWorkDirectory()
    {
        if (Directory.Exists(options.WorkDirectory)) Directory.Delete(options.WorkDirectory, recursive: true);
        Directory.CreateDirectory(options.WorkDirectory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(options.WorkDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await using var _ = ct.Register(stopping.Cancel);
        PrepareWorkDirectory();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var due = await DueAsync(ct);
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
                    async (id, token) => await Track(processor.ProcessAsync(id, token)));
                await PurgeAsync(ct);
                if (due.Count == 0) await Task.Delay(TimeSpan.FromSeconds(2), time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogError(e, "The sluice worker failed; it tries again");
                await Task.Delay(TimeSpan.FromSeconds(5), time, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        Task[] left;
        lock (running) left = running.ToArray();
        await Task.WhenAll(left).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Pending files due for a (new) try, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> DueAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        return await db.QuarantineItems.AsNoTracking()
            .Where(q => q.State == QuarantineState.Pending && (q.NextAttemptAt == null || q.NextAttemptAt <= now) && (q.LeasedUntil == null || q.LeasedUntil < now))
            .OrderBy(q => q.UploadedAt).Select(q => q.Id).Take(options.Concurrency * 4).ToListAsync(ct);
    }

    /// <summary>Deletes the originals of decided files whose keeping time ran out: blob and wrapped key, recorded.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.StoredNow();
        var due = await db.QuarantineItems.Where(q => q.PurgeAfter != null && q.PurgeAfter <= now && q.BlobAddress != null
                && (q.State == QuarantineState.Released || q.State == QuarantineState.Blocked))
            .OrderBy(q => q.PurgeAfter).Take(100).ToListAsync(ct);
        var purged = 0;
        foreach (var item in due)
        {
            var address = item.BlobAddress!;
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                item.BlobAddress = null;
                item.WrappedKey = null;
                item.RowVersion++;
                await db.SaveChangesAsync(ct);
                await audit.CommitAsync(db, tx, SluiceProcessor.Event("sluice.purge", item, "sluice", AuditOutcome.Success, ("state", item.State.ToString())), ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another worker (another node, or a run at the same moment) purged or changed it first: its job, not ours.
                db.ChangeTracker.Clear();
                continue;
            }
            // The key is gone with the row's commit; the blob goes after (a crash in between leaves an orphan the janitor removes).
            await blobs.DeleteAsync(address, ct);
            purged++;
        }
        return purged;
    }
}
