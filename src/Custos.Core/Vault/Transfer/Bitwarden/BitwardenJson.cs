using System.Globalization;
using System.Text.Json;

namespace Custos.Core.Vault.Transfer.Bitwarden;

/// <summary>Reads the values of a Bitwarden export leniently where the meaning is clear (a missing or null value is
/// absent) and refuses values of the wrong kind with <see cref="BitwardenShapeException"/>, whose message names the
/// property but never its value.</summary>
internal static class BitwardenJson
{
    public static string? Text(JsonElement obj, string name) =>
        Property(obj, name) is not JsonElement value ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new BitwardenShapeException($"\"{name}\" is not text");

    /// <summary>Text, a number or a boolean as text: Bitwarden writes some values one way or the other.</summary>
    public static string? Scalar(JsonElement obj, string name) =>
        Property(obj, name) is not JsonElement value ? null
        : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => throw new BitwardenShapeException($"\"{name}\" is not a simple value"),
        };

    public static int? Number(JsonElement obj, string name) =>
        Property(obj, name) is not JsonElement value ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number
        : throw new BitwardenShapeException($"\"{name}\" is not a whole number");

    public static bool Flag(JsonElement obj, string name) => Property(obj, name)?.ValueKind == JsonValueKind.True;

    public static JsonElement? Object(JsonElement obj, string name) =>
        Property(obj, name) is not JsonElement value ? null
        : value.ValueKind == JsonValueKind.Object ? value
        : throw new BitwardenShapeException($"\"{name}\" is not an object");

    public static IEnumerable<JsonElement> List(JsonElement obj, string name) =>
        Property(obj, name) is not JsonElement value ? []
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray()
        : throw new BitwardenShapeException($"\"{name}\" is not a list");

    /// <summary>An ISO 8601 date; one that does not parse is left out, as it costs the user nothing.</summary>
    public static DateTimeOffset? Date(JsonElement obj, string name) =>
        DateTimeOffset.TryParse(Text(obj, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            ? date
            : null;

    public static Guid? Id(JsonElement obj, string name) => Guid.TryParse(Text(obj, name), out Guid id) ? id : null;

    private static JsonElement? Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;
}

/// <summary>A part of the export that does not have Bitwarden's shape; the message names no secret value.</summary>
internal sealed class BitwardenShapeException(string message) : Exception(message);
