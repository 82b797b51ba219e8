using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Custos.Core.Documents.Blobs;

/// <summary>
/// sync_file_range(2) with SYNC_FILE_RANGE_WRITE: asks Linux to start writing a range of a file's dirty pages back to the
/// disk, without waiting for it. A large blob's bytes then reach the disk while the next ones are encrypted, instead of
/// all at once in the fsync at commit. Only a hint: durability still comes from that fsync. Failures are ignored, and
/// elsewhere than Linux this does nothing.
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

    // DllImport rather than LibraryImport, as in DirectorySync.
    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static extern int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
