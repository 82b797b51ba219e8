using System.Collections.Concurrent;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Backup;

/// <summary>
/// One backup, verification, drill or restore at a time per instance: restic 0.14 cannot wait for a repository lock, so
/// Custos never lets two of its own runs meet. Held in this process (a semaphore per data directory), across processes
/// on this machine (an exclusive lock on a file: the CLI and the server), and on PostgreSQL across nodes (an advisory
/// lock, so only one node runs the schedule).
/// </summary>
public sealed class BackupRunLock(IDbContextFactory<CustosDbContext> dbFactory, BackupOptions options)
{
    private const long AdvisoryKey = 0x4375_7374_6f73_0008; // "Custos", issue 8

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Local = new();

    /// <summary>The held lock, or null when another run holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken ct)
    {
        var gate = Local.GetOrAdd(Path.GetFullPath(options.DataDirectory), _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, ct)) return null;
        FileStream? file = null;
        CustosDbContext? db = null;
        try
        {
            InstanceStaging.CreatePrivate(options.WorkDirectory);
            try
            {
                file = new FileStream(options.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                gate.Release();
                return null;
            }
            db = await dbFactory.CreateDbContextAsync(ct);
            if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
            {
                await db.Database.OpenConnectionAsync(ct);
                var got = await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_lock({AdvisoryKey}) AS \"Value\"").SingleAsync(ct);
                if (!got)
                {
                    await db.DisposeAsync();
                    await file.DisposeAsync();
                    gate.Release();
                    return null;
                }
            }
            else
            {
                await db.DisposeAsync();
                db = null;
            }
            return new Held(gate, file, db);
        }
        catch
        {
            if (db is not null) await db.DisposeAsync();
            if (file is not null) await file.DisposeAsync();
            gate.Release();
            throw;
        }
    }

    private sealed class Held(SemaphoreSlim gate, FileStream file, CustosDbContext? db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (db is not null)
            {
                try
                {
                    await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({AdvisoryKey})");
                    await db.Database.CloseConnectionAsync();
                }
                finally
                {
                    await db.DisposeAsync();
                }
            }
            await file.DisposeAsync();
            gate.Release();
        }
    }
}
