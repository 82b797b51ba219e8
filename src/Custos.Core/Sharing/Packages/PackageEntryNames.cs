using System.Text;

namespace Custos.Core.Sharing.Packages;

/// <summary>
/// The names a recipient's unpacker turns into files: plain file names only (no directories, nothing that climbs out of
/// the folder they unpack into, nothing that hides or reorders characters), unique even on case-insensitive file systems.
/// </summary>
internal static class PackageEntryNames
{
    /// <summary>Most file systems refuse longer names (ext4, NTFS, APFS: 255 bytes or UTF-16 units).</summary>
    public const int MaxUtf8Bytes = 255;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks every file's name and returns the entry names in order, later duplicates as "name (2).ext".</summary>
    public static IReadOnlyList<string> Assign(IReadOnlyList<PackageFile> files)
    {
        // Windows and macOS unpack "Vertrag.pdf" and "vertrag.pdf" into the same file: one would overwrite the other.
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files) taken.Add(Checked(file.Name, "files"));

        var assigned = new List<string>(files.Count);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            var name = file.Name;
            if (!used.Add(name))
            {
                // Skip numbers that another given name already has, so a renamed entry never collides with a later one.
                for (var n = 2; ; n++)
                {
                    var candidate = Numbered(file.Name, n);
                    if (!taken.Contains(candidate) && used.Add(candidate))
                    {
                        name = candidate;
                        break;
                    }
                }
            }
            assigned.Add(name);
        }
        return assigned;
    }

    /// <summary>Returns <paramref name="name"/> if it is a plain file name; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static string Checked(string? name, string paramName)
    {
        // The messages never repeat the name: it came from outside and may carry control characters into a log.
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A file name is empty.", paramName);
        if (name.Contains('/') || name.Contains('\\')) throw new ArgumentException("A file name contains a path separator.", paramName);
        // With separators gone, only "." and ".." themselves still mean a directory ("Bericht..final.pdf" is a plain name).
        if (name is "." or "..") throw new ArgumentException("A file name is \".\" or \"..\".", paramName);
        foreach (var c in name)
        {
            if (char.IsControl(c) || IsBidiControl(c))
            {
                throw new ArgumentException("A file name contains a control character.", paramName);
            }
        }
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(name);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException("A file name is not valid Unicode.", paramName);
        }
        if (bytes > MaxUtf8Bytes) throw new ArgumentException($"A file name is longer than {MaxUtf8Bytes} bytes.", paramName);
        return name;
    }

    /// <summary>
    /// A name <see cref="Checked"/> accepts, made from any document name: separators, control and bidi characters become
    /// "_", "." and ".." become "_", and a name too long is shortened before its extension.
    /// </summary>
    public static string Sanitized(string name)
    {
        var chars = name.Select(c => c is '/' or '\\' || char.IsControl(c) || IsBidiControl(c) || char.IsSurrogate(c) ? '_' : c).ToArray();
        var clean = new string(chars).Trim();
        if (clean is "" or "." or "..") clean = "_";
        var extension = Path.GetExtension(clean);
        if (extension.Length > 20) extension = "";
        var stem = clean[..^extension.Length];
        while (StrictUtf8.GetByteCount(stem + extension) > MaxUtf8Bytes && stem.Length > 1) stem = stem[..^1];
        return stem + extension;
    }

    /// <summary>"Vertrag.pdf", 2 → "Vertrag (2).pdf"; a name without extension (or a dot file) gets the number at its end.</summary>
    private static string Numbered(string name, int n)
    {
        var dot = name.LastIndexOf('.');
        return dot <= 0 ? $"{name} ({n})" : $"{name[..dot]} ({n}){name[dot..]}";
    }

    // Right-to-left overrides turn "rechnung\u202Efdp.exe" into what looks like "rechnungexe.pdf".
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F';
}
