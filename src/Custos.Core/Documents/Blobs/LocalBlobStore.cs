using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Custos.Core.Documents.Blobs;

/// <summary>
/// Blobs in a local folder: <c>&lt;root&gt;/&lt;aa&gt;/&lt;bb&gt;/&lt;address&gt;</c>, fanned out by the address's first
/// two byte pairs so no directory grows past what file systems list quickly; writers fill a randomly named
/// file under <c>&lt;root&gt;/tmp/</c> and rename it into place, so a blob is either complete or absent.
/// Owner-only on Unix (0700 directories, 0600 files). Safe for concurrent writers and readers, in one
/// process or several, because every change is a single rename.
/// </summary>
/// <remarks>
/// Durability: a blob's bytes are fsynced before the rename, and the directory it was renamed into (with any
/// fan-out directory created for it) after, on Linux through <see cref="DirectorySync"/> (.NET cannot open a
/// directory): once CommitAsync returns, the blob survives a power loss, before the database records it. While a large
/// blob is written, the kernel is asked every <see cref="WriteBackWindow"/> bytes to start writing back what is already
/// there and to flush it through the disk's cache on another thread (<see cref="FileWriteBack"/>), so the disk works
/// while the CPU encrypts and the fsync at commit has little left to wait for; the fsync at commit is still what makes
/// the blob durable.
/// <para>Random addresses (<see cref="CreateUniqueAsync"/>) share their first four hex digits, and so their fan-out
/// directory, with up to <see cref="BlobsPerFanOut"/> others before a new random prefix is drawn: a stream of small
/// blobs then creates (and fsyncs) a directory once per thousand blobs rather than for nearly each one, and no
/// directory grows past a few thousand entries.</para>
/// </remarks>
public sealed class LocalBlobStore(string root, TimeProvider time) : IBlobStore
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const int AddressLength = 64;

    // Large enough that small, odd-sized writes from the encryptor reach the disk in few system calls.
    private const int BufferSize = 1 << 16;

    /// <summary>Bytes written between two requests to start write-back.</summary>
    public const long WriteBackWindow = 32L * 1024 * 1024;

    /// <summary>Random addresses drawn under one fan-out prefix before the next prefix.</summary>
    public const int BlobsPerFanOut = 1024;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private readonly Lock prefixLock = new();
    private string fanOutPrefix = "";
    private int fanOutLeft;

    public LocalBlobStore(string root) : this(root, TimeProvider.System)
    {
    }

    public string Root { get; } = CreateOwnerOnlyDirectory(Path.GetFullPath(root));

    /// <summary>Where writers keep their files until commit; inside the root so the move is a rename on one file system.</summary>
    public string TempDirectory { get; } = CreateOwnerOnlyDirectory(Path.Combine(Path.GetFullPath(root), TempFolderName));

    /// <summary>The folder inside the root that holds uploads in progress (never a blob; a backup leaves it out).</summary>
    public const string TempFolderName = "tmp";

    /// <exception cref="ArgumentException">The address is not 64 lowercase hex characters.</exception>
    public string PathOf(string address)
    {
        // Strict, because the address becomes a path: nothing but hex digits can ever leave the fan-out.
        ArgumentNullException.ThrowIfNull(address);
        if (!IsAddress(address))
            throw new ArgumentException("A blob address is 64 lowercase hexadecimal characters.", nameof(address));
        return Path.Combine(Root, address[..2], address[2..4], address);
    }

    public Task<IBlobWriter> CreateAsync(CancellationToken ct = default) => Create(contentAddressed: true, ct);

    public Task<IBlobWriter> CreateUniqueAsync(CancellationToken ct = default) => Create(contentAddressed: false, ct);

    private Task<IBlobWriter> Create(bool contentAddressed, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var path = NewTempPath();
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = BufferSize,
            // Not WriteThrough: that makes every write synchronous (O_SYNC), far slower for large blobs than
            // the one fsync in CommitAsync, which gives the same guarantee at the moment it matters.
            // Not SequentialScan either: it is a read-ahead hint and does nothing for writing.
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        var file = new FileStream(path, options);
        return Task.FromResult<IBlobWriter>(new LocalBlobWriter(this, path, file,
            contentAddressed ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null));
    }

    public Task<Stream?> OpenReadAsync(string address, CancellationToken ct = default)
    {
        var path = PathOf(address);
        ct.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult<Stream?>(new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                // Delete: a reader must not stop DeleteAsync (on Windows); it keeps reading what it opened.
                Share = FileShare.Read | FileShare.Delete,
                BufferSize = BufferSize,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            }));
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task<bool> ExistsAsync(string address, CancellationToken ct = default)
    {
        var path = PathOf(address);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(path));
    }

    /// <remarks>
    /// While a backup reads the store (<see cref="BlobDeletionHold"/>), the blob stays on disk and is deleted when the
    /// backup has finished; it counts as deleted here.
    /// </remarks>
    public async Task<bool> DeleteAsync(string address, CancellationToken ct = default)
    {
        var path = PathOf(address);
        ct.ThrowIfCancellationRequested();
        await using var shared = await BlobDeletionHold.SharedAsync(Root, ct).ConfigureAwait(false);
        if (BlobDeletionHold.IsOn(Root)) return File.Exists(path) && BlobDeletionHold.Defer(Root, address);
        // Renaming away first makes "was it there?" exact under concurrency: only one rename of a name can
        // succeed, whereas File.Delete is silent about a missing file.
        var doomed = NewTempPath();
        try
        {
            File.Move(path, doomed, overwrite: true);
        }
        catch (IOException) when (!File.Exists(path))
        {
            return false;
        }
        TryDelete(doomed);
        return true;
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var first in FanOut(Root))
        {
            foreach (var second in FanOut(first.FullName))
            {
                var prefix = first.Name + second.Name;
                foreach (var file in second.EnumerateFiles())
                {
                    ct.ThrowIfCancellationRequested();
                    if (!IsAddress(file.Name) || !file.Name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                    long length;
                    try
                    {
                        length = file.Length;
                    }
                    catch (FileNotFoundException)
                    {
                        continue; // deleted while we listed
                    }
                    yield return new BlobInfo(file.Name, length);
                }
                // The file system offers no asynchronous listing; yielding per directory keeps a long scrub
                // from holding the caller's thread for the whole tree.
                await Task.Yield();
            }
        }
    }

    public Task<int> RemoveAbandonedAsync(TimeSpan olderThan, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        var cutoff = time.GetUtcNow().UtcDateTime - olderThan;
        var removed = 0;
        foreach (var file in new DirectoryInfo(TempDirectory).EnumerateFiles())
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                file.Refresh();
                if (!file.Exists || file.LastWriteTimeUtc >= cutoff) continue;
                file.Delete();
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still open by a live writer (Windows) or removed meanwhile: not ours to count.
            }
        }
        return Task.FromResult(removed);
    }

    internal static bool IsAddress(ReadOnlySpan<char> name) =>
        name.Length == AddressLength && !name.ContainsAnyExcept(LowerHex);

    private static IEnumerable<DirectoryInfo> FanOut(string directory) =>
        new DirectoryInfo(directory).EnumerateDirectories()
            .Where(d => d.Name.Length == 2 && !d.Name.AsSpan().ContainsAnyExcept(LowerHex));

    /// <summary>A fresh random address: the current fan-out prefix (see the remarks above) and 60 random hex digits.</summary>
    internal string NewRandomAddress()
    {
        string prefix;
        lock (prefixLock)
        {
            if (fanOutLeft == 0)
            {
                fanOutPrefix = RandomNumberGenerator.GetHexString(4, lowercase: true);
                fanOutLeft = BlobsPerFanOut;
            }
            fanOutLeft--;
            prefix = fanOutPrefix;
        }
        return prefix + RandomNumberGenerator.GetHexString(AddressLength - 4, lowercase: true);
    }

    private string NewTempPath() =>
        Path.Combine(TempDirectory, RandomNumberGenerator.GetHexString(32, lowercase: true) + ".tmp");

    private static string CreateOwnerOnlyDirectory(string path)
    {
        // Level by level, because Directory.CreateDirectory gives the mode only to the last directory and
        // creates missing parents with the default one. An existing directory keeps the mode it has.
        if (Directory.Exists(path)) return path;
        var parent = Path.GetDirectoryName(path);
        if (parent is not null) CreateOwnerOnlyDirectory(parent);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, OwnerOnlyDirectory);
        return path;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left in tmp, where RemoveAbandonedAsync finds it.
        }
    }

    /// <summary>One blob being written; <paramref name="hash"/> is null for a blob that gets a random address.</summary>
    private sealed class LocalBlobWriter : IBlobWriter
    {
        private readonly LocalBlobStore store;
        private readonly string tempPath;
        private readonly FileStream file;
        private readonly IncrementalHash? hash;
        private readonly HashingWriteStream stream;
        private readonly Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        private long writeBackFrom;
        private Task<bool>? dataSync;
        private BlobInfo? committed;
        private bool failed;
        private bool disposed;

        public LocalBlobWriter(LocalBlobStore store, string tempPath, FileStream file, IncrementalHash? hash)
        {
            this.store = store;
            this.tempPath = tempPath;
            this.file = file;
            this.hash = hash;
            // Taken while the file is empty and nothing is buffered.
            handle = file.SafeFileHandle;
            stream = new HashingWriteStream(file, hash, Written);
        }

        public Stream Stream => stream;

        /// <summary>After each write: once a window's worth is in the page cache, ask the kernel to start writing it back.</summary>
        private void Written(long total)
        {
            if (total - writeBackFrom < WriteBackWindow) return;
            try
            {
                file.Flush();
            }
            catch
            {
                failed = true;
                throw;
            }
            FileWriteBack.Start(handle, writeBackFrom, total - writeBackFrom);
            writeBackFrom = total;
            // One background fdatasync at a time; the next window starts another once it is done.
            if (dataSync is { IsCompleted: false }) return;
            if (dataSync is { Result: false }) failed = true;
            dataSync = FileWriteBack.SyncDataAsync(handle);
        }

        public async Task<BlobInfo> CommitAsync(CancellationToken ct = default)
        {
            if (committed is not null) return committed;
            ObjectDisposedException.ThrowIf(disposed, this);
            if (stream.Faulted || failed)
                throw new InvalidOperationException("A write to this blob failed, so its content is unknown; start a new blob.");
            ct.ThrowIfCancellationRequested();
            try
            {
                stream.Dispose(); // no more writes: what is hashed is what gets committed
                if (dataSync is not null && !await dataSync.ConfigureAwait(false))
                    throw new IOException("Writing the blob to the disk failed.");
                await file.FlushAsync(ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                var length = file.Length;
                if (length != stream.BytesWritten)
                    throw new IOException($"The temporary blob file holds {length} bytes, but {stream.BytesWritten} were written.");
                // Closed before the move: Windows cannot rename an open file.
                await file.DisposeAsync().ConfigureAwait(false);
                BlobInfo info;
                if (hash is null) info = MoveToRandomAddress(length);
                else
                {
                    // Content stored again while a backup defers its deletion: kept (under the lock that deletions take).
                    await using var shared = await BlobDeletionHold.SharedAsync(store.Root, ct).ConfigureAwait(false);
                    info = MoveIntoPlace(new BlobInfo(Convert.ToHexStringLower(hash.GetCurrentHash()), length));
                    BlobDeletionHold.Keep(store.Root, info.Address);
                }
                committed = info;
                return info;
            }
            catch
            {
                failed = true;
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (disposed) return;
            disposed = true;
            stream.Dispose();
            if (dataSync is not null) await dataSync.ConfigureAwait(false);
            try
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Flushing the buffer of an abandoned blob failed (a full disk); the handle is closed anyway.
            }
            hash?.Dispose();
            if (committed is null) TryDelete(tempPath);
        }

        /// <summary>The directory a blob goes into, created (durably) if it is new.</summary>
        private string PrepareDirectory(string target)
        {
            var directory = Path.GetDirectoryName(target)!;
            if (Directory.Exists(directory)) return directory;
            CreateOwnerOnlyDirectory(directory);
            // New fan-out directories are entries of their parents: those renames must last too.
            DirectorySync.Flush(Path.GetDirectoryName(directory)!);
            DirectorySync.Flush(Path.GetDirectoryName(Path.GetDirectoryName(directory)!)!);
            return directory;
        }

        /// <summary>Renames the file to a fresh random address; never replaces a blob (another address is drawn if one is taken).</summary>
        private BlobInfo MoveToRandomAddress(long length)
        {
            for (var attempt = 0; ; attempt++)
            {
                var address = store.NewRandomAddress();
                var target = store.PathOf(address);
                var directory = PrepareDirectory(target);
                try
                {
                    File.Move(tempPath, target, overwrite: false);
                }
                catch (IOException) when (attempt < 3 && File.Exists(target))
                {
                    continue;
                }
                DirectorySync.Flush(directory);
                return new BlobInfo(address, length);
            }
        }

        private BlobInfo MoveIntoPlace(BlobInfo info)
        {
            var target = store.PathOf(info.Address);
            var directory = PrepareDirectory(target);
            try
            {
                File.Move(tempPath, target, overwrite: false);
                DirectorySync.Flush(directory);
                return info;
            }
            catch (IOException) when (File.Exists(target))
            {
            }
            var existing = new FileInfo(target);
            if (existing.Exists && existing.Length == info.Length)
            {
                // Same SHA-256, same content: the blob is already stored.
                TryDelete(tempPath);
                return info;
            }
            // A file of the wrong length under this address is damaged (scrub would report it), or it was
            // deleted meanwhile; either way ours is the right content for the name.
            File.Move(tempPath, target, overwrite: true);
            DirectorySync.Flush(directory);
            return info;
        }
    }
}
