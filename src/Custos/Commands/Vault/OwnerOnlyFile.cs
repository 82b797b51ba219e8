namespace Custos.Commands.Vault;

/// <summary>Files that hold secrets (exports, attachments): readable by their owner only, from the first byte.</summary>
internal static class OwnerOnlyFile
{
    /// <summary>Refused before any request, so that a taken name costs no recorded reveal.</summary>
    public static string Target(string path, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full) && !overwrite ? throw new CommandException($"'{full}' exists; choose another name or pass --force.") : full;
    }

    public static void Write(string path, byte[] content, bool overwrite)
    {
        try
        {
            // A replaced file would keep its old (perhaps wider) permissions; a new one gets ours. CreateNew also
            // refuses a file that appeared since Target looked.
            if (overwrite) File.Delete(path);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(path, options);
            stream.Write(content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot write '{path}': {e.Message}");
        }
    }
}
