using System.Text.Json;

namespace Custos.Core.Backup;

/// <summary>
/// Prepares what a snapshot holds besides the blobs, in a staging folder inside the data directory, while the service
/// keeps running: the database copy (consistent: <see cref="IDatabaseDump"/>), the document catalog and counts of that
/// same state, the TLS certificate, and the manifest. Never the master key (keys/ is not staged): a stolen repository
/// with its password reveals no tenant data. The blob store is read by restic where it is, in the same snapshot
/// (<see cref="BackupRunner"/>), under a <see cref="Documents.Blobs.BlobDeletionHold"/> that begins before the copy, so
/// every blob the copy names is still there when restic reads it.
/// </summary>
public sealed class InstanceStaging(IDatabaseDump dump, BackupOptions options, TimeProvider time)
{
    public sealed record Staged(string Directory, BackupManifest Manifest, long CatalogVersions);

    /// <summary>Blob store folders a snapshot leaves out: uploads in progress, and the deletion hold's own records.</summary>
    public IReadOnlyList<string> BlobExcludes =>
        [Path.Combine(Path.GetFullPath(options.BlobsDirectory), Documents.Blobs.LocalBlobStore.TempFolderName),
         Path.Combine(Path.GetFullPath(options.BlobsDirectory), Documents.Blobs.BlobDeletionHold.FolderName)];

    public async Task<Staged> PrepareAsync(CancellationToken ct)
    {
        var root = options.StagingDirectory;
        Clear();
        CreatePrivate(root);

        (IReadOnlyList<TenantCounts> Tenants, long Users, long Audit, IReadOnlyList<string> Keys, string? Migration) counts = default;
        long catalog = 0, blobs = 0;
        var createdAt = time.GetUtcNow();
        await dump.DumpAsync(Path.Combine(root, dump.FileName), async db =>
        {
            counts = await BackupManifest.CountAsync(db, ct);
            blobs = await BackupManifest.CountBlobsAsync(db, ct);
            catalog = await BackupCatalog.WriteAsync(db, Path.Combine(root, BackupCatalog.FileName), ct);
        }, ct);
        CopyTls(Path.Combine(root, "tls"));

        if (counts.Tenants is null) throw new BackupException("The database copy was not read.");
        var manifest = new BackupManifest(BackupManifest.CurrentFormat, createdAt, dump.Kind, dump.FileName, counts.Migration, counts.Keys!,
            counts.Tenants, counts.Users, counts.Audit, blobs, null);
        await File.WriteAllBytesAsync(Path.Combine(root, BackupManifest.FileName), JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.Json), ct);
        return new Staged(root, manifest, catalog);
    }

    /// <summary>Drops the staging folder: it holds a copy of the database, which must not outlast the run.</summary>
    public void Clear()
    {
        var root = options.StagingDirectory;
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
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
