namespace Custos.Core.Sluice.Inspection.Archives;

/// <summary>
/// Entry names that would write outside the folder they are extracted to (zip slip), or that no file system should
/// see: "..", absolute paths, drive letters and UNC paths, NUL and control characters.
/// </summary>
internal static class EntryPaths
{
    /// <summary>Why a name is refused, or null when it is fine.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "empty entry name";
        foreach (var c in name)
        {
            if (c < 0x20 || c == 0x7F) return "control character in entry name";
        }
        if (name[0] is '/' or '\\') return "absolute entry path";
        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':') return "drive letter in entry path";
        foreach (var segment in name.Split('/', '\\'))
        {
            if (segment.Trim() == "..") return "entry path climbs out with ..";
        }
        return null;
    }

    /// <summary>
    /// Why a link target is refused, or null: absolute targets, and relative ones that climb out of the extraction
    /// folder. A symbolic link resolves from its own folder, a hard link from the archive's root.
    /// </summary>
    public static string? LinkProblem(string entryName, string target, bool symbolic)
    {
        if (target.Length == 0) return null;
        foreach (var c in target)
        {
            if (c < 0x20 || c == 0x7F) return "control character in link target";
        }
        if (target[0] is '/' or '\\' || (target.Length >= 2 && char.IsAsciiLetter(target[0]) && target[1] == ':'))
            return "link to an absolute path";
        var depth = symbolic ? entryName.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Length - 1 : 0;
        foreach (var segment in target.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".") continue;
            depth += segment == ".." ? -1 : 1;
            if (depth < 0) return "link points outside the archive";
        }
        return null;
    }
}
