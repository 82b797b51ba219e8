namespace Custos.Storage;

public sealed class DataDirectoryException(string message) : Exception(message);

/// <summary>The one folder that holds an embedded installation's state: database, key files, TLS material, blobs.</summary>
public sealed class DataDirectory
{
    private DataDirectory(string root) => Root = root;

    public string Root { get; }
    public string KeysDirectory => Path.Combine(Root, "keys");
    public string TlsDirectory => Path.Combine(Root, "tls");
    public string DataProtectionDirectory => Path.Combine(Root, "data-protection");
    public string DatabaseFile => Path.Combine(Root, "custos.db");
    /// <summary>Encrypted document content, one file per blob under the hash of its ciphertext.</summary>
    public string BlobsDirectory => Path.Combine(Root, "blobs");

    public static string Resolve(string? option) =>
        Path.GetFullPath(option ?? Environment.GetEnvironmentVariable("CUSTOS_DATA") ?? "data");

    /// <summary>Creates the folder (owner-only) if needed and proves it is writable, with a message an operator can act on.</summary>
    public static DataDirectory Prepare(string path)
    {
        try
        {
            if (File.Exists(path)) throw new DataDirectoryException($"The data directory '{path}' is a file, not a directory.");
            var created = !Directory.Exists(path);
            Directory.CreateDirectory(path);
            if (created && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var probe = Path.Combine(path, $".write-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataDirectoryException($"The data directory '{path}' is not writable: {e.Message}");
        }
        return new DataDirectory(path);
    }
}
