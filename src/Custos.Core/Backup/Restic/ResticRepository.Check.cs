using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Custos.Core.Backup.Restic;

public sealed partial class ResticRepository
{
    /// <summary>
    /// Checks the repository: its structure always, plus the data of one subset of packs (<paramref name="readDataSubset"/>,
    /// e.g. "3/7") or of all packs (<paramref name="readAllData"/>, which wins). Damage is a result, not an exception: the
    /// damaged packs and the snapshots that have data or trees in them. Failing to run the check at all throws.
    /// </summary>
    public async Task<ResticCheckResult> CheckAsync(string? readDataSubset, bool readAllData, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        List<string> arguments = ["check"];
        string scope;
        if (readAllData)
        {
            arguments.Add("--read-data");
            scope = "full";
        }
        else if (readDataSubset is not null)
        {
            arguments.Add("--read-data-subset=" + ResticArguments.Subset(readDataSubset));
            scope = readDataSubset;
        }
        else
        {
            scope = "structure";
        }

        var run = await process.RunAsync(arguments, ct);
        var report = ResticCheckReport.Parse(run.ErrorLines);
        if (run.ExitCode == 0) return new ResticCheckResult(true, scope, [], [], [], Stopwatch.GetElapsedTime(started));
        if (!report.FoundErrors) throw ResticFailures.From(run, "check", location);

        var packs = report.Packs.Union(await PacksHoldingAsync(report.Trees, ct)).Order().ToList();
        var affected = await SnapshotsUsingAsync(packs, ct);
        return new ResticCheckResult(false, scope, report.Errors, packs, affected, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The packs that hold the given trees, from the index (restic find --tree --show-pack-id).</summary>
    private async Task<IReadOnlyList<string>> PacksHoldingAsync(IReadOnlyList<string> trees, CancellationToken ct)
    {
        if (trees.Count == 0) return [];
        return await FindAsync(["--tree", "--show-pack-id", .. trees], [PackOfObject()], ct);
    }

    /// <summary>
    /// The full ids of the snapshots that use the packs: restic find --pack lists the files with data in them, and
    /// reports each snapshot whose trees it cannot load. --no-cache, because a damaged tree pack may still be whole in
    /// the cache, which would hide the snapshots it breaks.
    /// </summary>
    private async Task<IReadOnlyList<string>> SnapshotsUsingAsync(IReadOnlyList<string> packs, CancellationToken ct)
    {
        if (packs.Count == 0) return [];
        return await FindAsync(["--pack", "--no-cache", .. packs], [SnapshotOfMatch(), SnapshotOfUnloadableTree()], ct);
    }

    private async Task<IReadOnlyList<string>> FindAsync(IEnumerable<string> options, Regex[] patterns, CancellationToken ct)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var run = await process.RunAsync(["find", "--json", .. options], ct,
            (stdout, t) => ResticOutputText.ScanAsync(stdout, patterns, found, t));
        if (run.ExitCode != 0) throw ResticFailures.From(run, "find", location);
        return found.ToList();
    }

    [GeneratedRegex(@"""snapshot""\s*:\s*""([0-9a-f]{64})""")]
    private static partial Regex SnapshotOfMatch();

    [GeneratedRegex(@"which belongs to snapshot ([0-9a-f]{64})")]
    private static partial Regex SnapshotOfUnloadableTree();

    [GeneratedRegex(@"Object belongs to pack ([0-9a-f]{64})")]
    private static partial Regex PackOfObject();
}
