using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Keys;

public sealed class KeyringException(string message) : Exception(message);

/// <summary>
/// Master key files in one folder: <c>&lt;id&gt;.key</c>, created with mode 0600 and never overwritten
/// (a new key always gets a new file). Destroying a key overwrites the file with random bytes before removing it.
/// </summary>
public sealed class MasterKeyFileStore(string directory)
{
    private const string Header = "custos-master-key-v1";

    public string Directory { get; } = directory;

    public string PathOf(string id) => Path.Combine(Directory, id + ".key");

    public void Save(MasterKey key)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, // never over an existing key
            Access = FileAccess.Write,
            Options = FileOptions.WriteThrough,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(PathOf(key.Id), options))
        {
            file.Write(Encoding.ASCII.GetBytes($"{Header}\n{key.Id}\n{Convert.ToBase64String(key.Material)}\n"));
            file.Flush(flushToDisk: true);
        }
    }

    public MasterKey Load(string id)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
            throw new KeyringException(
                $"The master key file '{path}' is missing. Custos never creates a new key over existing data: restore the key file from your key backup.");
        string[] lines;
        try
        {
            lines = File.ReadAllText(path, Encoding.ASCII).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException e)
        {
            throw new KeyringException($"The master key file '{path}' cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new KeyringException($"The master key file '{path}' cannot be read: {e.Message}");
        }
        byte[]? material = null;
        if (lines.Length == 3 && lines[0] == Header && lines[1] == id)
        {
            try { material = Convert.FromBase64String(lines[2]); } catch (FormatException) { }
        }
        if (material is not { Length: MasterKey.Size })
            throw new KeyringException($"The master key file '{path}' is corrupt. Restore it from your key backup.");
        return new MasterKey(id, material);
    }

    public bool Exists(string id) => File.Exists(PathOf(id));

    /// <summary>Overwrites the key file with random bytes, flushes, then deletes it, so the old key cannot be read back from the file.</summary>
    public void Destroy(string id)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) return;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            var noise = RandomNumberGenerator.GetBytes((int)Math.Max(file.Length, 64));
            file.Write(noise);
            file.Flush(flushToDisk: true);
        }
        File.Delete(path);
    }
}
