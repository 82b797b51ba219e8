using System.Text.Json;
using Custos.Core.Backup;

namespace Custos.Web.Backup.Pages;

/// <summary>What a verification found, as <see cref="BackupRunner"/> records it in <see cref="BackupRun.Report"/>.</summary>
public sealed record VerifyFindings(IReadOnlyList<string>? Errors, IReadOnlyList<string>? DamagedPacks, IReadOnlyList<string>? AffectedSnapshots);

/// <summary>Reads the JSON reports of runs for the pages; a report that cannot be read is shown as missing, not as an error page.</summary>
public static class BackupReports
{
    public static DrillReport? Drill(BackupRun run) => Read<DrillReport>(run, BackupRunKind.Drill);

    public static VerifyFindings? Verify(BackupRun run) => Read<VerifyFindings>(run, BackupRunKind.Verify);

    private static T? Read<T>(BackupRun run, BackupRunKind kind) where T : class
    {
        if (run.Kind != kind || string.IsNullOrEmpty(run.Report)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(run.Report, BackupManifest.Compact);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
