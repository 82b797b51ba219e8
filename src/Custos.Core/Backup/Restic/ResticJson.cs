using System.Globalization;
using System.Text.Json;

namespace Custos.Core.Backup.Restic;

/// <summary>The JSON restic 0.14 prints (--json), read into the public records. Absent fields (restic omits zeros) read as 0.</summary>
internal static class ResticJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The "message_type" of one backup output line, or null for a line that is not a JSON object.</summary>
    public static string? MessageType(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("message_type", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static ResticProgress Progress(string line)
    {
        var status = JsonSerializer.Deserialize<StatusLine>(line, Options)!;
        return new ResticProgress(status.PercentDone, status.TotalFiles, status.FilesDone, status.TotalBytes, status.BytesDone,
            TimeSpan.FromSeconds(status.SecondsElapsed));
    }

    public static ResticBackupSummary Summary(string line)
    {
        var summary = JsonSerializer.Deserialize<SummaryLine>(line, Options)!;
        return new ResticBackupSummary(summary.SnapshotId, summary.FilesNew, summary.FilesChanged, summary.FilesUnmodified,
            summary.DataAdded, summary.TotalFilesProcessed, summary.TotalBytesProcessed, TimeSpan.FromSeconds(summary.TotalDuration));
    }

    public static IReadOnlyList<ResticSnapshot> Snapshots(string json) =>
        (JsonSerializer.Deserialize<List<SnapshotEntry>>(json, Options) ?? [])
        .Select(s => new ResticSnapshot(s.Id, s.ShortId, DateTimeOffset.Parse(s.Time, CultureInfo.InvariantCulture),
            s.Hostname ?? "", s.Paths ?? [], s.Tags ?? []))
        .OrderBy(s => s.Time)
        .ToList();

    private sealed record StatusLine(double PercentDone, long TotalFiles, long FilesDone, long TotalBytes, long BytesDone, double SecondsElapsed);

    private sealed record SummaryLine(string SnapshotId, long FilesNew, long FilesChanged, long FilesUnmodified, long DataAdded,
        long TotalFilesProcessed, long TotalBytesProcessed, double TotalDuration);

    private sealed record SnapshotEntry(string Id, string ShortId, string Time, string? Hostname, List<string>? Paths, List<string>? Tags);
}
