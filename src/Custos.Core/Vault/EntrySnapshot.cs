using System.Text.Json;

namespace Custos.Core.Vault;

/// <summary>The plain fields of an entry at one version, as kept in its history.</summary>
public sealed record EntrySnapshot(
    Guid FolderId, string Title, string? UserName, IReadOnlyList<string> Urls, IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> TextFields, DateTimeOffset? ExpiresAt, string? ServiceLimitation, bool PasswordGenerated)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static EntrySnapshot Of(VaultEntry e) =>
        new(e.FolderId, e.Title, e.UserName, VaultJson.List(e.Urls), VaultJson.List(e.Tags), VaultJson.Map(e.TextFields), e.ExpiresAt,
            e.ServiceLimitation, e.PasswordGenerated);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static EntrySnapshot FromJson(string json) => JsonSerializer.Deserialize<EntrySnapshot>(json, Json)!;
}

/// <summary>The JSON columns of an entry (lists and maps of strings).</summary>
public static class VaultJson
{
    public static IReadOnlyList<string> List(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    public static IReadOnlyDictionary<string, string> Map(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static string Of(IEnumerable<string> values) => JsonSerializer.Serialize(values);

    public static string Of(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(values);
}
