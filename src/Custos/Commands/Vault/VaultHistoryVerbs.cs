using System.CommandLine;
using Custos.Core.Vault;
using static Custos.Commands.Vault.VaultArguments;

namespace Custos.Commands.Vault;

/// <summary>history: an entry's versions; their secrets are revealed one at a time with `get --version N`.</summary>
internal static class VaultHistoryVerbs
{
    public static IEnumerable<Command> Create(VaultVerbs verbs)
    {
        yield return History(verbs);
    }

    /// <summary>One version as listed: who saved it when, and which plain fields differ from the version before.</summary>
    private sealed record VersionRow(int Version, DateTimeOffset SavedAt, string SavedBy, DateTimeOffset? ReplacedAt, string? ReplacedBy,
        IReadOnlyList<string> Changed);

    private static Command History(VaultVerbs verbs)
    {
        var entry = new Argument<string>("entry") { Description = "Entry: Folder/Sub/Title or id." };
        var json = Json();
        return verbs.Verb("history", "List an entry's versions, newest first: who saved each when, and which fields other than secrets changed.",
            [entry, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var id = await vault.EntryIdAsync(call.Get(entry)!, ct);
            var current = await call.Client.GetAsync<EntryView>($"{vault.Api}/entries/{id}", ct);
            var earlier = await call.Client.GetAsync<List<VaultEntries.VersionInfo>>($"{vault.Api}/entries/{id}/history", ct);
            var rows = Rows(current, earlier);
            if (call.Get(json)) return await call.PrintJsonAsync(new { entry = current.Id, path = await vault.PathOfAsync(current, ct), versions = rows });

            await call.Output.WriteLineAsync($"{"Version",-8} {"Saved (UTC)",-17} {"By",-20} Changed");
            foreach (var row in rows)
            {
                var changed = row.Changed.Count > 0 ? string.Join(", ", row.Changed) : row == rows[^1] ? "(oldest kept)" : "-";
                var version = row.ReplacedAt is null ? $"{row.Version}*" : row.Version.ToString();
                await call.Output.WriteLineAsync($"{version,-8} {row.SavedAt.UtcDateTime:yyyy-MM-dd HH:mm} {row.SavedBy,-20} {changed}");
            }
            // The history carries no secrets, so a change of secrets alone shows as "-".
            if (rows.Count > 1)
                await call.Error.WriteLineAsync("* the current version. Secrets are not compared; reveal an earlier version's with: custos vault get ENTRY --version N --reveal");
            return CustosCommandLine.Success;
        });
    }

    /// <summary>The current version first, then the earlier ones, each compared with the one below it.</summary>
    private static List<VersionRow> Rows(EntryView current, IReadOnlyList<VaultEntries.VersionInfo> earlier)
    {
        var states = new List<(int Version, DateTimeOffset SavedAt, string SavedBy, DateTimeOffset? ReplacedAt, string? ReplacedBy, EntrySnapshot Snapshot)>
        {
            (current.Version, current.ModifiedAt, current.ModifiedBy, null, null, new EntrySnapshot(current.FolderId, current.Title, current.UserName,
                current.Urls, current.Tags, current.TextFields, current.ExpiresAt, current.ServiceLimitation, current.PasswordGenerated)),
        };
        states.AddRange(earlier.OrderByDescending(v => v.Version).Select(v => (v.Version, v.ValidFrom, v.WrittenBy, (DateTimeOffset?)v.ReplacedAt,
            (string?)v.ReplacedBy, v.Snapshot)));
        return states.Select((s, i) => new VersionRow(s.Version, s.SavedAt, s.SavedBy, s.ReplacedAt, s.ReplacedBy,
            i + 1 < states.Count ? Changes(states[i + 1].Snapshot, s.Snapshot) : s.Version == 1 ? ["created"] : [])).ToList();
    }

    /// <summary>The names the server's audit uses for the same fields (see VaultEntries.Apply).</summary>
    private static List<string> Changes(EntrySnapshot before, EntrySnapshot after)
    {
        var changed = new List<string>();
        void Compare(string name, bool same)
        {
            if (!same) changed.Add(name);
        }
        Compare("folder", before.FolderId == after.FolderId);
        Compare("title", before.Title == after.Title);
        Compare("userName", (before.UserName ?? "") == (after.UserName ?? ""));
        Compare("urls", before.Urls.SequenceEqual(after.Urls));
        Compare("tags", before.Tags.SequenceEqual(after.Tags));
        Compare("textFields", before.TextFields.Count == after.TextFields.Count
                              && before.TextFields.All(f => after.TextFields.TryGetValue(f.Key, out var v) && v == f.Value));
        Compare("expiresAt", before.ExpiresAt == after.ExpiresAt);
        Compare("serviceLimitation", (before.ServiceLimitation ?? "") == (after.ServiceLimitation ?? ""));
        Compare("passwordGenerated", before.PasswordGenerated == after.PasswordGenerated);
        return changed;
    }
}
