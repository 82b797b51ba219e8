using System.Text;
using Microsoft.AspNetCore.StaticFiles;

namespace Custos.Commands.Documents;

/// <summary>The files on this machine that documents come from and go to.</summary>
internal static class LocalFiles
{
    /// <summary>Most file systems allow 255 bytes per name; what is left is for the temporary file's prefix and suffix.</summary>
    private const int MaxNameBytes = 200;

    private static readonly FileExtensionContentTypeProvider MediaTypes = new();

    /// <summary>Opened before any request, so that a wrong path costs nothing on the server.</summary>
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(Path.GetFullPath(path), new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read,
                // Read in the same large blocks the upload sends; the OS reads ahead.
                BufferSize = 0, Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CommandException($"Cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>From the file name's extension; the server keeps application/octet-stream for what it does not recognise.</summary>
    public static string MediaTypeOf(params string?[] names)
    {
        foreach (var name in names)
            if (name is not null && MediaTypes.TryGetContentType(name, out var type)) return type;
        return "application/octet-stream";
    }

    /// <summary>
    /// Where `get` writes: the -o path (into it, when it is a directory), or the document's name in the current directory.
    /// A document's name is only metadata (it may hold slashes, control characters, "..") so it is made a plain file name
    /// first: it can never point anywhere but the directory it is meant for.
    /// </summary>
    public static string Target(string? output, string documentName, Guid documentId, bool overwrite)
    {
        var path = output is null ? SafeFileName(documentName, documentId)
            : Directory.Exists(output) ? Path.Combine(output, SafeFileName(documentName, documentId))
            : output;
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CommandException($"'{full}' is a directory.");
        if (File.Exists(full) && !overwrite) throw new CommandException($"'{full}' exists; choose another name with -o or pass --force.");
        if (Path.GetDirectoryName(full) is { } dir && !Directory.Exists(dir)) throw new CommandException($"The directory '{dir}' does not exist.");
        return full;
    }

    /// <summary>A hidden temporary file beside the target, so that the final rename stays on one file system.</summary>
    public static (string Path, FileStream Stream) CreateTemporary(string target)
    {
        var path = Path.Combine(Path.GetDirectoryName(target)!,
            $".{Path.GetFileName(target)}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}.custos-part");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous,
        };
        // Documents are a tenant's protected data: readable by whoever downloads them, nobody else, from the first byte.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            return (path, new FileStream(path, options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot write to '{Path.GetDirectoryName(target)}': {e.Message}");
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done; the name says what it is (.custos-part).
        }
    }

    public static string SafeFileName(string name, Guid documentId)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(c => c is '/' or '\\' || char.IsControl(c) || invalid.Contains(c) ? '_' : c).ToArray()).Trim();
        if (safe.Length == 0 || safe.All(c => c == '.')) return $"document-{documentId}";
        if (Encoding.UTF8.GetByteCount(safe) <= MaxNameBytes) return safe;
        // Too long for the file system: shorten the stem and keep the extension, which tells programs what the file is.
        var extension = Path.GetExtension(safe) is { Length: <= 16 } e ? e : "";
        var stem = safe[..^extension.Length];
        while (stem.Length > 0 && Encoding.UTF8.GetByteCount(stem) + Encoding.UTF8.GetByteCount(extension) > MaxNameBytes)
            stem = stem[..(char.IsLowSurrogate(stem[^1]) && stem.Length > 1 ? ^2 : ^1)];
        return stem + extension;
    }
}
