namespace Custos.Core.Documents.Blobs;

/// <summary>
/// Keeps deleted blobs on disk while a backup reads the blob store in place. A backup copies the database first and then
/// lets restic read the blobs it names; a blob deleted in between would be missing from the snapshot (and restic would
/// call the snapshot incomplete). While a hold is on, <see cref="LocalBlobStore.DeleteAsync"/> only records the address
/// under <c>held/</c>; the deletions are carried out when the hold ends, or when the next one begins after a run that
/// never ended (a killed process).
/// </summary>
/// <remarks>
/// Between processes (the server and `custos backup run`) through a lock file: deleters hold it shared while they look at
/// the hold and delete, a hold's start and end hold it alone. So a deletion either finished before the hold began (and the
/// database copy, taken after, no longer names the blob: its row was removed before the blob) or is deferred. The lock
/// is the advisory file lock .NET takes for a file opened with <see cref="FileShare"/> (flock on Unix, share modes on
/// Windows), tried again every few milliseconds: both sides hold it for moments only.
/// </remarks>
public static class BlobDeletionHold
{
    /// <summary>The folder inside the blob store with the lock, the hold's marker and the deferred addresses; never backed up.</summary>
    public const string FolderName = "held";

    private const string LockName = "lock";
    private const string ActiveName = "active";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Starts a hold on the blob store at <paramref name="root"/>; the caller must be the only backup (the run lock).
    /// Deletions deferred by an earlier hold that never ended are carried out first.
    /// </summary>
    public static async Task<Hold> BeginAsync(string root, CancellationToken ct)
    {
        var folder = Folder(root);
        await using (await LockAsync(folder, FileShare.None, ct))
        {
            CarryOut(root, folder);
            await File.WriteAllTextAsync(Path.Combine(folder, ActiveName), $"{Environment.ProcessId}\n", ct);
        }
        return new Hold(root, folder);
    }

    /// <summary>
    /// Whether deletions are deferred now (exact under <see cref="SharedAsync"/>). Seen by a caller that holds the run lock,
    /// a hold left by a run that never ended.
    /// </summary>
    public static bool IsOn(string root) => File.Exists(Path.Combine(root, FolderName, ActiveName));

    /// <summary>Ends a hold left by a run that never ended, carrying out what it deferred; the caller holds the run lock.</summary>
    public static Task EndStaleAsync(string root, CancellationToken ct) => new Hold(root, Folder(root)).EndAsync(ct);

    /// <summary>The shared side, for deleters: while it is held, no hold begins or ends.</summary>
    internal static Task<FileStream> SharedAsync(string root, CancellationToken ct) => LockAsync(Folder(root), FileShare.ReadWrite, ct);

    /// <summary>Under <see cref="SharedAsync"/>: records <paramref name="address"/> for deletion when the hold ends; false when it already was.</summary>
    internal static bool Defer(string root, string address)
    {
        try
        {
            using (new FileStream(Path.Combine(root, FolderName, address), FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
            return true;
        }
        catch (IOException) when (File.Exists(Path.Combine(root, FolderName, address)))
        {
            return false;
        }
    }

    /// <summary>Under <see cref="SharedAsync"/>: a blob stored again under its address is no longer to be deleted.</summary>
    internal static void Keep(string root, string address) => File.Delete(Path.Combine(root, FolderName, address));

    private static string Folder(string root)
    {
        var folder = Path.Combine(root, FolderName);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }

    private static async Task<FileStream> LockAsync(string folder, FileShare share, CancellationToken ct)
    {
        var path = Path.Combine(folder, LockName);
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share, bufferSize: 1);
            }
            catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException) && DateTime.UtcNow < until)
            {
                // Held the other way by another deleter or a backup starting or ending: moments.
                await Task.Delay(Retry, ct);
            }
        }
    }

    /// <summary>Deletes every blob whose address is recorded, then the record; one that cannot be deleted now stays recorded.</summary>
    private static void CarryOut(string root, string folder)
    {
        foreach (var marker in Directory.EnumerateFiles(folder))
        {
            var address = Path.GetFileName(marker);
            if (!LocalBlobStore.IsAddress(address)) continue;
            try
            {
                File.Delete(Path.Combine(root, address[..2], address[2..4], address));
                File.Delete(marker);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Tried again when the next hold begins or ends.
            }
        }
    }

    /// <summary>A hold on; ending it (once) carries out the deferred deletions.</summary>
    public sealed class Hold : IAsyncDisposable
    {
        private readonly string root;
        private readonly string folder;
        private bool ended;

        internal Hold(string root, string folder)
        {
            this.root = root;
            this.folder = folder;
        }

        public async Task EndAsync(CancellationToken ct = default)
        {
            if (ended) return;
            await using (await LockAsync(folder, FileShare.None, ct))
            {
                CarryOut(root, folder);
                File.Delete(Path.Combine(folder, ActiveName));
            }
            ended = true;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await EndAsync(CancellationToken.None);
            }
            catch (IOException)
            {
                // The marker stays: deletions wait for the next run's hold to begin, which carries them out.
            }
        }
    }
}
