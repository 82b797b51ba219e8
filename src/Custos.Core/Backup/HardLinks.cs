using System.Runtime.InteropServices;

namespace Custos.Core.Backup;

/// <summary>
/// A second name for an existing file (link(2)): the staging folder holds every blob at the moment of the snapshot
/// without copying a byte, and a blob deleted meanwhile from the store stays readable until the staging is cleared.
/// </summary>
internal static class HardLinks
{
    // DllImport as in DirectorySync: LibraryImport would need unsafe code in the whole project.
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);

    /// <summary>Links, or copies where links are impossible (another file system, Windows); false when the source is gone.</summary>
    public static bool LinkOrCopy(string existing, string created)
    {
        if (!OperatingSystem.IsWindows())
        {
            if (Link(existing, created) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == 2) return false; // ENOENT: deleted since it was listed
            if (errno == 17) return true; // EEXIST: linked by an earlier pass
        }
        try
        {
            File.Copy(existing, created);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (IOException) when (File.Exists(created))
        {
            return true;
        }
    }
}
