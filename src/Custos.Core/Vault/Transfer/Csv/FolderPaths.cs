namespace Custos.Core.Vault.Transfer.Csv;

/// <summary>Folder paths with '/' between the names, as CSV files and Bitwarden's nested folders write them.</summary>
/// <remarks>A folder name that itself contains '/' is split on import; neither format can escape it.</remarks>
internal static class FolderPaths
{
    public const char Separator = '/';

    public static string[] Split(string? path) =>
        (path ?? "").Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The folder at <paramref name="names"/> below <paramref name="root"/>, created where missing.</summary>
    public static TransferFolder GetOrAdd(TransferFolder root, IEnumerable<string> names)
    {
        TransferFolder folder = root;
        foreach (string name in names)
        {
            TransferFolder? child = folder.Folders.Find(existing => existing.Name == name);
            if (child is null)
            {
                child = new TransferFolder { Name = name };
                folder.Folders.Add(child);
            }

            folder = child;
        }

        return folder;
    }

    /// <summary>Every folder below <paramref name="root"/> (not the root itself) with its path, parents first.</summary>
    public static IEnumerable<(TransferFolder Folder, string Path)> Descendants(TransferFolder root, string prefix = "")
    {
        foreach (TransferFolder child in root.Folders)
        {
            string path = prefix.Length == 0 ? child.Name : prefix + Separator + child.Name;
            yield return (child, path);
            foreach (var descendant in Descendants(child, path))
            {
                yield return descendant;
            }
        }
    }

    public static string Join(string folderPath, string name) =>
        folderPath.Length == 0 ? name : folderPath + Separator + name;
}
