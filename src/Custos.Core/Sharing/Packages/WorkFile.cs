namespace Custos.Core.Sharing.Packages;

/// <summary>
/// A temporary file in the packager's work directory, readable by the server's user only and deleted when it is closed
/// (<see cref="FileOptions.DeleteOnClose"/>), so also when the package fails half-way.
/// </summary>
internal static class WorkFile
{
    public static FileStream Create(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(Path.Combine(workDirectory, $"share-package-{Guid.NewGuid():N}.tmp"), options);
    }
}
