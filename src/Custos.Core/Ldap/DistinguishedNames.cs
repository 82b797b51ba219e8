using System.Text;
using System.Text.Json;

namespace Custos.Core.Ldap;

/// <summary>
/// Comparing DNs as the directory does: attribute types and (for the cn/ou/dc values AD and OpenLDAP use) values are
/// case-insensitive, and spaces around separators do not count. Without this, "CN=Admins, OU=Groups" in a mapping would
/// never match the memberOf value "cn=admins,ou=groups".
/// </summary>
public static class DistinguishedNames
{
    public const int MaximumLength = 400;

    /// <summary>The comparison form of a DN, or null when it is not one (empty, an RDN without '=', too long).</summary>
    public static string? Normalize(string? dn)
    {
        if (string.IsNullOrWhiteSpace(dn) || dn.Length > MaximumLength) return null;
        var rdns = Split(dn, ',');
        var result = new StringBuilder(dn.Length);
        foreach (var rdn in rdns)
        {
            var equals = IndexOfUnescaped(rdn, '=');
            if (equals <= 0) return null;
            var type = rdn[..equals].Trim();
            var value = rdn[(equals + 1)..].Trim();
            if (type.Length == 0 || value.Length == 0 || !type.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')) return null;
            if (result.Length > 0) result.Append(',');
            result.Append(type.ToLowerInvariant()).Append('=').Append(value.ToLowerInvariant());
        }
        return result.ToString();
    }

    private static List<string> Split(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\') i++;
            else if (value[i] == separator)
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }
        parts.Add(value[start..]);
        return parts;
    }

    private static int IndexOfUnescaped(string value, char c)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\') i++;
            else if (value[i] == c) return i;
        }
        return -1;
    }
}

/// <summary>The stored mapping "directory group DN → Custos group name", keyed by the DN as the operator wrote it.</summary>
public static class GroupMappings
{
    public const int MaximumGroupNameLength = 100;

    public static IReadOnlyDictionary<string, string> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static string Serialize(IReadOnlyDictionary<string, string> mappings) =>
        JsonSerializer.Serialize(mappings.OrderBy(m => m.Key, StringComparer.Ordinal).ToDictionary(m => m.Key, m => m.Value));

    /// <summary>
    /// Parses "DN=Group name": the group name follows the last '=' (a DN always contains '=' itself, a group name must not).
    /// </summary>
    public static bool TryParseOption(string option, out string dn, out string groupName)
    {
        var split = option.LastIndexOf('=');
        dn = split > 0 ? option[..split].Trim() : "";
        groupName = split > 0 ? option[(split + 1)..].Trim() : "";
        return dn.Length > 0 && groupName.Length > 0;
    }

    public static bool IsValidGroupName(string name) =>
        name.Length is > 0 and <= MaximumGroupNameLength && name == name.Trim() && !name.Any(char.IsControl);
}
