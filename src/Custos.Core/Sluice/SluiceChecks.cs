namespace Custos.Core.Sluice;

/// <summary>What one check of the sluice concluded about a file.</summary>
public enum CheckOutcome
{
    /// <summary>Nothing found.</summary>
    Pass,

    /// <summary>Found something that must not reach a user (a virus, a macro, an executable, a bomb).</summary>
    Block,

    /// <summary>Cannot decide (an encrypted archive, a file beyond the scanner's limits): a reviewer decides.</summary>
    Review,
}

/// <summary>
/// One line of a release record. <paramref name="Code"/> is stable and machine-readable (it is also the key of the
/// localised reason shown to users, e.g. <c>active.macro</c>); <paramref name="Detail"/> is English text for reviewers
/// and the audit log, naming where the finding is (an archive entry's path, a PDF keyword). Never file content.
/// </summary>
public sealed record CheckResult(string Check, CheckOutcome Outcome, string Code, string Detail);

/// <summary>The names of the checks, in the order the pipeline runs them.</summary>
public static class SluiceChecks
{
    public const string Type = "type";
    public const string Archive = "archive";
    public const string Antivirus = "antivirus";
    public const string ActiveContent = "active-content";
    public const string Disarm = "disarm";

    /// <summary>The worst of several outcomes: any Block blocks, else any Review goes to review.</summary>
    public static CheckOutcome Worst(IEnumerable<CheckResult> results)
    {
        var worst = CheckOutcome.Pass;
        foreach (var r in results)
        {
            if (r.Outcome == CheckOutcome.Block) return CheckOutcome.Block;
            if (r.Outcome == CheckOutcome.Review) worst = CheckOutcome.Review;
        }
        return worst;
    }
}
