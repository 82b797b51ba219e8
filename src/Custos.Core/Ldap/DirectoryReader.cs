using System.DirectoryServices.Protocols;
using Custos.Core.Identity;

namespace Custos.Core.Ldap;

/// <summary>One person the directory returned for the user filter.</summary>
/// <param name="MemberOf">Normalised DNs of the groups the entry is a member of, directly or through nested groups.</param>
public sealed record DirectoryUserEntry(string Dn, string UserName, string DisplayName, IReadOnlySet<string> MemberOf);

/// <summary>What one search returned: the usable entries, and those left out with the reason.</summary>
public sealed record DirectoryUserList(IReadOnlyList<DirectoryUserEntry> Users, IReadOnlyList<string> Skipped);

/// <summary>Reads the users the filter selects, with their login name, display name and (nested) group memberships.</summary>
public static class DirectoryReader
{
    private const int DisplayNameMaximumLength = 200;
    /// <summary>Groups looked up while following nesting; far above any real tree, it bounds a hostile or broken one.</summary>
    public const int MaximumNestedGroups = 10_000;

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

        ExpandNestedGroups(connection, users, ct);

        // Two entries with one login name: which person logs in is undecidable, so neither is taken.
        var duplicates = users.GroupBy(u => u.UserName).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var name in duplicates) skipped.Add($"{name}: login name used by more than one directory entry");
        return new DirectoryUserList([.. users.Where(u => !duplicates.Contains(u.UserName))], skipped);
    }

    /// <summary>
    /// AD and OpenLDAP's memberof overlay both put memberOf on a group that is a member of another group. Following it
    /// upwards gives a user every group a mapping may name, as AD's LDAP_MATCHING_RULE_IN_CHAIN would, on any server.
    /// Each group is read once (wherever it lives in the tree), and cycles end where they close.
    /// </summary>
    private static void ExpandNestedGroups(DirectoryConnection connection, List<DirectoryUserEntry> users, CancellationToken ct)
    {
        var parents = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        IReadOnlySet<string> ParentsOf(string group)
        {
            if (parents.TryGetValue(group, out var known)) return known;
            if (parents.Count >= MaximumNestedGroups)
                throw new DirectoryException(DirectoryFailure.OperationFailed,
                    $"More than {MaximumNestedGroups} nested groups; refusing to follow the group tree further.");
            var entry = connection.Search(group, "(objectClass=*)", SearchScope.Base, ["memberOf"], ct).FirstOrDefault();
            var found = entry is null ? new HashSet<string>() : All(entry, "memberOf").Select(DistinguishedNames.Normalize).OfType<string>().ToHashSet();
            parents[group] = found;
            return found;
        }

        for (var i = 0; i < users.Count; i++)
        {
            var all = new HashSet<string>(users[i].MemberOf, StringComparer.Ordinal);
            var pending = new Queue<string>(all);
            while (pending.TryDequeue(out var group))
                foreach (var parent in ParentsOf(group))
                    if (all.Add(parent)) pending.Enqueue(parent);
            if (all.Count > users[i].MemberOf.Count) users[i] = users[i] with { MemberOf = all };
        }
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
