using System.DirectoryServices.Protocols;
using Custos.Core.Identity;

namespace Custos.Core.Ldap;

/// <summary>One person the directory returned for the user filter.</summary>
/// <param name="MemberOf">Normalised DNs of the groups the entry is a direct member of.</param>
public sealed record DirectoryUserEntry(string Dn, string UserName, string DisplayName, IReadOnlySet<string> MemberOf);

/// <summary>What one search returned: the usable entries, and those left out with the reason.</summary>
public sealed record DirectoryUserList(IReadOnlyList<DirectoryUserEntry> Users, IReadOnlyList<string> Skipped);

/// <summary>Reads the users the filter selects, with their login name, display name and memberOf.</summary>
public static class DirectoryReader
{
    private const int DisplayNameMaximumLength = 200;

    public static DirectoryUserList ReadUsers(DirectoryConnection connection, DirectorySettings settings, CancellationToken ct)
    {
        string[] attributes = [.. new[] { settings.UserNameAttribute, settings.DisplayNameAttribute, "cn", "memberOf" }
            .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)];
        var entries = connection.Search(settings.BaseDn, settings.UserFilter, SearchScope.Subtree, attributes, ct);

        var skipped = new List<string>();
        var users = new List<DirectoryUserEntry>();
        foreach (var entry in entries)
        {
            var name = UserNames.Normalize(First(entry, settings.UserNameAttribute));
            if (name is null)
            {
                skipped.Add($"{entry.DistinguishedName}: no usable {settings.UserNameAttribute}");
                continue;
            }
            if (entry.DistinguishedName.Length > DistinguishedNames.MaximumLength)
            {
                skipped.Add($"{name}: DN longer than {DistinguishedNames.MaximumLength} characters");
                continue;
            }
            var display = (settings.DisplayNameAttribute is null ? null : First(entry, settings.DisplayNameAttribute)) ?? First(entry, "cn") ?? name;
            if (display.Length > DisplayNameMaximumLength) display = display[..DisplayNameMaximumLength];
            var memberOf = All(entry, "memberOf").Select(DistinguishedNames.Normalize).OfType<string>().ToHashSet();
            users.Add(new DirectoryUserEntry(entry.DistinguishedName, name, display, memberOf));
        }

        // Two entries with one login name: which person logs in is undecidable, so neither is taken.
        var duplicates = users.GroupBy(u => u.UserName).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var name in duplicates) skipped.Add($"{name}: login name used by more than one directory entry");
        return new DirectoryUserList([.. users.Where(u => !duplicates.Contains(u.UserName))], skipped);
    }

    private static string? First(SearchResultEntry entry, string attribute) =>
        All(entry, attribute).Select(v => v.Trim()).FirstOrDefault(v => v.Length > 0);

    // The attribute collection's keys are spelled as the server sent them; compare names as LDAP does, ignoring case.
    private static IEnumerable<string> All(SearchResultEntry entry, string attribute)
    {
        foreach (DirectoryAttribute a in entry.Attributes.Values)
        {
            if (!string.Equals(a.Name, attribute, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var value in a.GetValues(typeof(string))) yield return (string)value;
        }
    }
}
