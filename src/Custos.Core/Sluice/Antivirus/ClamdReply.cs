using System.Text;

namespace Custos.Core.Sluice.Antivirus;

/// <summary>What clamd's answer to INSTREAM means. Anything not understood is Unavailable, never Clean.</summary>
internal static class ClamdReply
{
    // With AlertExceedsMax, clamd names a file it could not scan completely (MaxFileSize, MaxScanSize, MaxRecursion,
    // MaxFiles, MaxScanTime …) like a virus; such a file is unscanned, not infected.
    private const string LimitPrefix = "Heuristics.Limits.Exceeded";

    // clamd's answer when the stream passes StreamMaxLength; it closes the connection right after it.
    private const string StreamTooLong = "INSTREAM size limit exceeded. ERROR";

    private const int MaxShownChars = 200;

    public static (ScanOutcome Outcome, string? Signature, string Detail) OfScan(string reply)
    {
        string? found = null, limit = null, error = null, unexpected = null;
        bool clean = false, streamTooLong = false;
        foreach (var raw in reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var line = raw.StartsWith("stream: ", StringComparison.Ordinal) ? raw[8..] : raw;
            if (line == "OK") clean = true;
            else if (line == StreamTooLong) streamTooLong = true;
            else if (line.EndsWith(" FOUND", StringComparison.Ordinal))
            {
                var name = Shown(line[..^6].Trim());
                if (name.StartsWith(LimitPrefix, StringComparison.Ordinal)) limit ??= name;
                else found ??= name;
            }
            else if (line.EndsWith(" ERROR", StringComparison.Ordinal) || line == "ERROR") error ??= Shown(line);
            else unexpected ??= Shown(line);
        }

        if (found is not null) return (ScanOutcome.Infected, found, $"clamd found {found}.");
        if (streamTooLong)
            return (ScanOutcome.LimitExceeded, null, "The file is longer than clamd's StreamMaxLength, so clamd did not scan it.");
        if (limit is not null)
            return (ScanOutcome.LimitExceeded, null, $"clamd stopped at one of its limits ({limit}), so it did not scan all of the file.");
        if (error is not null) return (ScanOutcome.Unavailable, null, $"clamd reported an error: {error}");
        if (unexpected is not null || !clean)
            return (ScanOutcome.Unavailable, null, $"clamd sent an answer this client does not understand: '{unexpected ?? ""}'.");
        return (ScanOutcome.Clean, null, "clamd found nothing.");
    }

    /// <summary>Printable ASCII only and bounded, since a reply lands in logs and the audit trail.</summary>
    public static string Shown(string text)
    {
        var shown = new StringBuilder(Math.Min(text.Length, MaxShownChars));
        foreach (var c in text)
        {
            if (shown.Length == MaxShownChars)
            {
                shown.Append('…');
                break;
            }
            shown.Append(c is >= ' ' and <= '~' ? c : '?');
        }
        return shown.ToString();
    }
}
