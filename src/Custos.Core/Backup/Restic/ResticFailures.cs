using System.Text.RegularExpressions;

namespace Custos.Core.Backup.Restic;

/// <summary>
/// Turns a failed run into a <see cref="ResticException"/>: the kind from restic's stderr (restic 0.14 has no exit codes
/// that tell the cases apart), and a message that says what happened and what to do, naming the repository only in its
/// redacted form and quoting restic's own last lines, which <see cref="ResticProcess"/> has already scrubbed.
/// </summary>
internal static partial class ResticFailures
{
    private const int MaxDetailChars = 600;

    // Checked in this order: "unable to open config file: … connection refused" is an unreachable target, not a missing repository.
    private static readonly string[] UnreachableSigns =
    [
        "connection refused", "no route to host", "network is unreachable", "i/o timeout", "timed out", "no such host",
        "could not resolve hostname", "unable to start the sftp session", "host key verification failed",
        "permission denied (publickey", "connection reset", "connection closed", "tls handshake", "x509:", "dial tcp",
    ];

    private static readonly string[] NoSpaceSigns =
        ["no space left on device", "disk quota exceeded", "insufficient storage", "not enough space", "quotaexceeded"];

    private static readonly string[] NotFoundSigns =
        ["no matching id found", "not found in snapshot", "no snapshot found", "invalid id"];

    public static ResticException From(ResticRun run, string action, ResticLocation location)
    {
        var text = string.Join('\n', run.ErrorLines);
        var repository = location.Redacted;
        var detail = Detail(run.ErrorLines);
        if (Has(text, "wrong password or no key found"))
            return new(ResticFailureKind.WrongPassword, $"The repository password is wrong (restic: wrong password or no key found). Repository: {repository}.");
        if (Has(text, "repository is already locked"))
            return new(ResticFailureKind.Locked,
                $"Repository {repository} is locked by another restic process ({LockHolder(text)}). If that process is gone, the next run removes its stale lock.");
        if (NoSpaceSigns.Any(s => Has(text, s)))
            return new(ResticFailureKind.NoSpace, $"No space left on the target: {detail}. Free space at {repository} or enlarge it, then run the backup again.");
        if (Has(text, "config file already exists"))
            return new(ResticFailureKind.AlreadyInitialized, $"A restic repository already exists at {repository}; it was left as it is.");
        if (UnreachableSigns.Any(s => Has(text, s)))
            return new(ResticFailureKind.Unreachable,
                $"The repository at {repository} is unreachable: {detail}. Check the network, the host and port, the credentials and the host key.");
        if (Has(text, "unable to open config file") || Has(text, "is there a repository at the following location"))
            return new(ResticFailureKind.NotInitialized, $"There is no restic repository at {repository} ({detail}). Initialise it first, or correct the location.");
        if (NotFoundSigns.Any(s => Has(text, s)))
            return new(ResticFailureKind.NotFound, $"Not found in repository {repository}: {detail}.");
        if (run.ExitCode > 128 && !Has(text, "fatal:"))
            return new(ResticFailureKind.Killed,
                $"restic was killed by signal {run.ExitCode - 128} during {action} on {repository}. If a lock is left, the next run removes it as stale.");
        return new(ResticFailureKind.Failed, $"restic {action} failed on {repository} (exit code {run.ExitCode}): {detail}.");
    }

    /// <summary>restic's last few meaningful lines, without its "Fatal: " prefix and its retry chatter.</summary>
    public static string Detail(IReadOnlyList<string> errorLines, int lines = 3)
    {
        var picked = errorLines
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.Contains("returned error, retrying after", StringComparison.Ordinal)
                && !l.StartsWith("Is there a repository at the following location", StringComparison.Ordinal))
            .Select(l => l.StartsWith("Fatal: ", StringComparison.Ordinal) ? l[7..] : l)
            .TakeLast(lines)
            .ToList();
        var detail = picked.Count == 0 ? "restic gave no reason" : string.Join(" | ", picked);
        return detail.Length <= MaxDetailChars ? detail : detail[..MaxDetailChars] + "…";
    }

    private static bool Has(string text, string sign) => text.Contains(sign, StringComparison.OrdinalIgnoreCase);

    /// <summary>"PID 31340 on vm by root (UID 0, GID 0), created at 2026-… (901ms ago)" from restic's lock message.</summary>
    private static string LockHolder(string text)
    {
        var holder = LockedBy().Match(text);
        var created = LockCreated().Match(text);
        var who = holder.Success ? holder.Groups[1].Value.Trim() : "holder unknown";
        return created.Success ? $"{who}, created at {created.Groups[1].Value.Trim()}" : who;
    }

    [GeneratedRegex(@"already locked (?:exclusively )?by (.+)")]
    private static partial Regex LockedBy();

    [GeneratedRegex(@"lock was created at (.+)")]
    private static partial Regex LockCreated();
}
