using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Core.Sluice;

/// <summary>One file that a release put into a document: which, as what, with which checksum.</summary>
public sealed record ReleasedFile(Guid DocumentId, int Version, string Name, string Sha256, string As);

/// <summary>The JSON forms of a quarantine item's checks and released files, as stored on the row and shown in the release record.</summary>
public static class SluiceRecord
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Write(IReadOnlyList<CheckResult> checks) => JsonSerializer.Serialize(checks, Json);

    public static IReadOnlyList<CheckResult> Checks(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<CheckResult>>(json, Json) ?? [];

    public static string Write(IReadOnlyList<ReleasedFile> files) => JsonSerializer.Serialize(files, Json);

    public static IReadOnlyList<ReleasedFile> Released(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<ReleasedFile>>(json, Json) ?? [];

    /// <summary>"type:pass,archive:pass,antivirus:block(av.found)…": the checks in one audit detail.</summary>
    public static string Summary(IEnumerable<CheckResult> checks) =>
        string.Join(",", checks.Select(c => c.Outcome == CheckOutcome.Pass ? $"{c.Check}:pass" : $"{c.Check}:{c.Outcome.ToString().ToLowerInvariant()}({c.Code})"));
}
