using System.Runtime.InteropServices;

namespace Custos.Core.Documents.Blobs;

/// <summary>
/// fsync(2) on a directory, so that a rename into it (a blob becoming visible) survives a power loss. .NET cannot open a
/// directory as a file, hence the three libc calls; elsewhere than Linux this does nothing.
/// </summary>
internal static class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"Cannot open the directory {directory} to make a rename durable (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of the directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport rather than LibraryImport: the latter's generated marshalling needs unsafe code in the whole project.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
