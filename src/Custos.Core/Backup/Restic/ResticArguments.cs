using System.Text;
using System.Text.RegularExpressions;

namespace Custos.Core.Backup.Restic;

/// <summary>
/// Checks what callers put into restic's command line. Values go as "--flag=value", so none can pass for another flag;
/// snapshot ids are positional, so they must look like ids; a tag may not hold restic's list separator.
/// </summary>
internal static partial class ResticArguments
{
    public static string SnapshotId(string id) =>
        id == "latest" || SnapshotIdPattern().IsMatch(id) ? id : throw new ArgumentException("A snapshot id is 1 to 64 hexadecimal digits, or \"latest\".", nameof(id));

    public static string Tag(string tag) =>
        tag.Length > 0 && !tag.Contains(',') && !tag.Any(char.IsControl) ? tag : throw new ArgumentException($"A restic tag must be non-empty, without commas or control characters: \"{tag}\".", nameof(tag));

    public static string Host(string host) =>
        host.Length > 0 && !host.Any(char.IsControl) ? host : throw new ArgumentException("A host name for restic must be non-empty, without control characters.", nameof(host));

    /// <summary>"n/t" (one of t groups), "x%"/"x.y%" or a size such as "500M", as restic's --read-data-subset takes it.</summary>
    public static string Subset(string subset) =>
        SubsetPattern().IsMatch(subset) ? subset : throw new ArgumentException($"\"{subset}\" is not a restic read-data subset (\"n/t\", \"x%\" or a size).", nameof(subset));

    /// <summary>An absolute path inside a snapshot as a restic --include pattern that matches that path only: glob characters escaped.</summary>
    public static string ExactPattern(string path)
    {
        if (!path.StartsWith('/')) throw new ArgumentException($"A path inside a snapshot is absolute (starts with '/'): \"{path}\".", nameof(path));
        var pattern = new StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            if (c is '\\' or '*' or '?' or '[') pattern.Append('\\');
            pattern.Append(c);
        }
        return pattern.ToString();
    }

    [GeneratedRegex("^[0-9a-f]{1,64}$")]
    private static partial Regex SnapshotIdPattern();

    [GeneratedRegex(@"^([1-9][0-9]*/[1-9][0-9]*|[0-9]+(\.[0-9]+)?%|[1-9][0-9]*[kKmMgGtT]?)$")]
    private static partial Regex SubsetPattern();
}
