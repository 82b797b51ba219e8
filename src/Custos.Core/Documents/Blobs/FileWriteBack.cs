using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Custos.Core.Documents.Blobs;

/// <summary>
/// Getting a large blob onto the disk while it is still being written, so that the fsync at commit has little left:
/// <see cref="Start"/> is sync_file_range(2) with SYNC_FILE_RANGE_WRITE, which asks Linux to start writing a range of
/// dirty pages (a hint; failures are ignored). That alone is not enough: the pages then sit in the disk's own write
/// cache, and the fsync at commit waited 0.4–1.4 s per GiB for the device to flush it (measured on a virtual disk).
/// <see cref="SyncDataAsync"/> runs fdatasync(2) on another thread meanwhile, so the device flushes as the upload goes.
/// Elsewhere than Linux both do nothing and the final fsync does all.
/// </summary>
internal static class FileWriteBack
{
    private const uint SyncFileRangeWrite = 2;

    private static bool unavailable = !OperatingSystem.IsLinux();

    public static void Start(SafeFileHandle file, long offset, long count)
    {
        if (unavailable || count <= 0 || file.IsInvalid || file.IsClosed) return;
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            _ = SyncFileRange((int)file.DangerousGetHandle(), offset, count, SyncFileRangeWrite);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            unavailable = true;
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>
    /// fdatasync(2) of the file on a thread-pool thread; false if it failed. A failure must fail the blob: Linux reports a
    /// write-back error to one fsync only, so the final fsync could otherwise succeed after this one saw the error.
    /// </summary>
    public static Task<bool> SyncDataAsync(SafeFileHandle file)
    {
        if (unavailable || file.IsInvalid || file.IsClosed) return Task.FromResult(true);
        var added = false;
        file.DangerousAddRef(ref added);
        return Task.Run(() =>
        {
            try
            {
                return FDataSync((int)file.DangerousGetHandle()) == 0;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                unavailable = true;
                return true;
            }
            finally
            {
                if (added) file.DangerousRelease();
            }
        });
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FDataSync(int fd);

    // DllImport rather than LibraryImport, as in DirectorySync.
    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static extern int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
