using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Backup.Restic;

/// <summary>
/// The password and repository string of one restic run, as files restic reads through --password-file and
/// --repository-file: a fresh directory (0700) with files (0600) under the settings' secrets directory, deleted when the
/// run is over. Neither ever appears in a process argument (world-readable in /proc/PID/cmdline) or the environment.
/// </summary>
internal sealed class ResticSecretFiles : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string directory;

    private ResticSecretFiles(string directory)
    {
        this.directory = directory;
    }

    public string PasswordFile => Path.Combine(directory, "password");
    public string RepositoryFile => Path.Combine(directory, "repository");

    public static ResticSecretFiles Create(string secretsDirectory, string password, string repository)
    {
        // Owner-only modes are what keeps the password private; Custos runs restic on Linux only.
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Custos runs restic on Linux only.");
        if (!Directory.Exists(secretsDirectory)) Directory.CreateDirectory(secretsDirectory, OwnerOnlyDirectory);
        var directory = Path.Combine(secretsDirectory, "restic-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        var files = new ResticSecretFiles(directory);
        try
        {
            Write(files.PasswordFile, password);
            Write(files.RepositoryFile, repository);
            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // The files first: should the directory survive an error, it holds nothing.
        foreach (var file in new[] { PasswordFile, RepositoryFile })
        {
            try
            {
                File.Delete(file);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static void Write(string path, string content)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Custos runs restic on Linux only.");
        // CreateNew with the mode set at creation: there is no moment in which the file exists with wider permissions.
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = OwnerOnlyFile,
        });
        stream.Write(Encoding.UTF8.GetBytes(content + "\n"));
    }
}
