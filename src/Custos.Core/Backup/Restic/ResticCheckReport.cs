using System.Text.RegularExpressions;

namespace Custos.Core.Backup.Restic;

/// <summary>
/// What <c>restic check</c> (0.14, which has no JSON output for check) wrote to stderr: its error messages, with
/// indented continuation lines joined to the line they belong to, and the packs and trees they name.
/// </summary>
internal sealed partial record ResticCheckReport(bool FoundErrors, IReadOnlyList<string> Errors, IReadOnlyList<string> Packs, IReadOnlyList<string> Trees)
{
    // Progress and retry chatter, not findings.
    private static readonly string[] Noise =
    [
        "using temporary cache in", "returned error, retrying after", "unable to create temporary directory for cache",
        "Fatal: repository contains errors", "create exclusive lock for repository", "load indexes",
    ];

    public static ResticCheckReport Parse(IReadOnlyList<string> errorLines)
    {
        var errors = new List<string>();
        foreach (var line in errorLines)
        {
            if (line.Trim().Length == 0 || Noise.Any(n => line.Contains(n, StringComparison.Ordinal))) continue;
            if (char.IsWhiteSpace(line[0]) && errors.Count > 0) errors[^1] += " " + line.Trim();
            else errors.Add(line.Trim());
        }
        var foundErrors = errorLines.Any(l => l.Contains("repository contains errors", StringComparison.Ordinal));
        var packs = errors.SelectMany(e => PackId().Matches(e)).Select(m => m.Groups[1].Value).Distinct().Order().ToList();
        var trees = errors.SelectMany(e => DamagedTree().Matches(e)).Select(m => m.Groups[1].Value).Distinct().Order().ToList();
        return new ResticCheckReport(foundErrors, errors, packs, trees);
    }

    /// <summary>"Pack ID does not match, want ID", "pack ID: does not exist", "pack ID failed to download", "pack ID: unexpected file size".</summary>
    [GeneratedRegex(@"\bpack (?:ID does not match, want )?([0-9a-f]{64})\b", RegexOptions.IgnoreCase)]
    private static partial Regex PackId();

    /// <summary>"error for tree 1a2b3c4d: decrypting blob FULLID failed: …": the full id of a tree that cannot be read.</summary>
    [GeneratedRegex(@"error for tree [0-9a-f]+:.*?\bdecrypting blob ([0-9a-f]{64}) failed")]
    private static partial Regex DamagedTree();
}
