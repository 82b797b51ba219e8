using System.Text.Json;

namespace Custos.Core.Backup;

/// <summary>
/// Prepares what a snapshot holds, in a staging folder inside the data directory, while the service keeps running:
/// the database copy (consistent: <see cref="IDatabaseDump"/>), the document catalog and counts of that same state, the
/// blob store as hard links, the TLS certificate, and the manifest. Never the master key (keys/ is not staged): a stolen
/// repository with its password reveals no tenant data.
/// </summary>
/// <remarks>
/// Blobs are linked before and after the database copy: a blob is written before the row that names it commits, so
/// every blob the copy names existed at the second pass, and one deleted after the first pass is kept by its link.
/// The staging path never changes, so restic finds the previous snapshot as parent and reads only new blobs.
/// </remarks>
public sealed class InstanceStaging(IDatabaseDump dump, BackupOptions options, TimeProvider time)
{
    public sealed record Staged(string Directory, BackupManifest Manifest, long CatalogVersions);

    public async Task<Staged> PrepareAsync(CancellationToken ct)
    {
        var root = options.StagingDirectory;
        Clear();
        CreatePrivate(root);
        var blobs = Path.Combine(root, "blobs");
        CreatePrivate(blobs);
        LinkBlobs(blobs);

        (IReadOnlyList<TenantCounts> Tenants, long Users, long Audit, IReadOnlyList<string> Keys, string? Migration) counts = default;
        long catalog = 0;
        var createdAt = time.GetUtcNow();
        Task<(long Files, long Bytes)>? secondPass = null;
        try
        {
            await dump.DumpAsync(Path.Combine(root, dump.FileName), async db =>
            {
                // The copy's state is fixed from here on, so the second pass runs beside the reads of it.
                secondPass = Task.Run(() => LinkBlobs(blobs), CancellationToken.None);
                counts = await BackupManifest.CountAsync(db, ct);
                catalog = await BackupCatalog.WriteAsync(db, Path.Combine(root, BackupCatalog.FileName), ct);
            }, ct);
        }
        catch when (secondPass is not null)
        {
            // Finished before the caller clears the staging, so no link is made after that.
            try { await secondPass; } catch (Exception) { /* the dump's failure is the one reported */ }
            throw;
        }
        var (files, bytes) = await (secondPass ?? throw new BackupException("The database copy was not read."));
        CopyTls(Path.Combine(root, "tls"));

        if (counts.Tenants is null) throw new BackupException("The database copy was not read.");
        var manifest = new BackupManifest(BackupManifest.CurrentFormat, createdAt, dump.Kind, dump.FileName, counts.Migration, counts.Keys!,
            counts.Tenants, counts.Users, counts.Audit, files, bytes);
        await File.WriteAllBytesAsync(Path.Combine(root, BackupManifest.FileName), JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json), ct);
        return new Staged(root, manifest, catalog);
    }

    /// <summary>Drops the staging folder: its links keep deleted blobs alive, which an erasure must not outlast.</summary>
    public void Clear()
    {
        var root = options.StagingDirectory;
        if (!Directory.Exists(root)) return;
        // Tens of thousands of links and folders: removed a first-level folder per core at a time, then the rest.
        var blobs = Path.Combine(root, "blobs");
        if (Directory.Exists(blobs))
            EachFolder(Directory.EnumerateDirectories(blobs), first => Directory.Delete(first, recursive: true));
        Directory.Delete(root, recursive: true);
    }

    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) };

    /// <summary>One folder per core at a time; a fault comes out as itself (the IOException a run handles), not wrapped.</summary>
    private static void EachFolder(IEnumerable<string> folders, Action<string> action)
    {
        try
        {
            Parallel.ForEach(folders, Parallelism, action);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    /// <summary>
    /// Links every blob not linked yet; returns the blobs and bytes staged. A first-level folder per core at a time:
    /// the cost is listing thousands of folders, not the links.
    /// </summary>
    private (long Files, long Bytes) LinkBlobs(string staged)
    {
        long files = 0, bytes = 0;
        var source = options.BlobsDirectory;
        if (!Directory.Exists(source)) return (0, 0);
        // tmp/ holds uploads in progress; blobs live in two levels of two-character folders.
        var firsts = Directory.EnumerateDirectories(source).Where(d => Path.GetFileName(d).Length == 2);
        EachFolder(firsts, first =>
        {
            var a = Path.GetFileName(first);
            long n = 0, size = 0;
            foreach (var second in Directory.EnumerateDirectories(first))
            {
                var b = Path.GetFileName(second);
                var into = Path.Combine(staged, a, b);
                Directory.CreateDirectory(into);
                foreach (var blob in new DirectoryInfo(second).EnumerateFiles())
                {
                    if (blob.Name.Length != 64) continue;
                    if (HardLinks.LinkOrCopy(blob.FullName, Path.Combine(into, blob.Name)))
                    {
                        n++;
                        size += blob.Length;
                    }
                }
            }
            Interlocked.Add(ref files, n);
            Interlocked.Add(ref bytes, size);
        });
        return (files, bytes);
    }

    private void CopyTls(string into)
    {
        if (!Directory.Exists(options.TlsDirectory)) return;
        CreatePrivate(into);
        foreach (var file in Directory.EnumerateFiles(options.TlsDirectory))
            File.Copy(file, Path.Combine(into, Path.GetFileName(file)));
    }

    internal static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
