namespace Custos.Core.Backup;

/// <summary>
/// A consistent copy of the live database, taken while the service runs: the provider knows how (SQLite's VACUUM INTO,
/// PostgreSQL's pg_dump), the backup only where to put it.
/// </summary>
public interface IDatabaseDump
{
    /// <summary>"sqlite" or "postgresql": recorded in the manifest, so a restore knows what it holds.</summary>
    string Kind { get; }

    /// <summary>The file name inside a snapshot: custos.db or custos.pgdump.</summary>
    string FileName { get; }

    /// <summary>
    /// Writes the copy to <paramref name="path"/> (which must not exist) and checks it; throws <see cref="BackupException"/>
    /// when it is not sound. <paramref name="read"/> runs on a context that sees exactly what the copy holds (the copy
    /// itself, or the same PostgreSQL snapshot), for the manifest's counts and the document catalog.
    /// </summary>
    Task DumpAsync(string path, Func<Data.CustosDbContext, Task> read, CancellationToken ct);
}

/// <summary>A backup, restore or drill step failed, with a message for the operator (never a secret).</summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The database of an unpacked snapshot, opened as an instance of its own (with the given key files) for a restore or
/// a drill. Provided by the storage layer, which knows how to put each kind of copy in place.
/// </summary>
public interface IRestoredInstances
{
    /// <summary>
    /// SQLite: checks the copy's integrity and moves it to <paramref name="dataDirectory"/>/custos.db. PostgreSQL: restores
    /// the dump into <paramref name="postgres"/> (an empty database), or, when null, into a scratch database on the live
    /// server that disposing drops. Then applies pending migrations, so the current code can read an older copy.
    /// </summary>
    Task<RestoredInstance> OpenAsync(BackupManifest manifest, string unpacked, string dataDirectory, string? postgres, string keysDirectory, CancellationToken ct);
}

/// <summary>An opened restored instance: its services (database, keyring with the given key files, blob store) and the --db value to serve it with.</summary>
public sealed class RestoredInstance(IServiceProvider services, string? database, Func<ValueTask> cleanup) : IAsyncDisposable
{
    public IServiceProvider Services { get; } = services;
    /// <summary>The connection string to pass as --db (null: the SQLite file in the data directory).</summary>
    public string? Database { get; } = database;

    public ValueTask DisposeAsync() => cleanup();
}
