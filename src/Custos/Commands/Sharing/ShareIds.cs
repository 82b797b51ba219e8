using System.CommandLine;
using Custos.Commands.Documents;
using Custos.Commands.Vault;

namespace Custos.Commands.Sharing;

/// <summary>
/// Links named by their id or by the start of it (at least 8 hex digits, hyphens optional), as `share ls` shows them.
/// Ids are time-ordered, so links made within the same minute share their first 8 digits: `ls` shows as many as tell
/// the listed links apart, and a prefix that fits several links is refused with their ids.
/// </summary>
internal static class ShareIds
{
    public const int MinimumDigits = 8;

    public static Argument<string> Argument() => new("id")
    {
        Description = $"The link: its id, or the start of it ({MinimumDigits} hex digits or more) as 'custos share ls' shows it.",
    };

    /// <summary>
    /// The id a text names. A prefix is looked up among the caller's own links, then among all the tenant's (which only
    /// its managers may list).
    /// </summary>
    public static async Task<Guid> ResolveAsync(DocumentClient client, string api, string text, CancellationToken ct)
    {
        if (Guid.TryParse(text, out var id)) return id;
        var digits = text.Trim().Replace("-", "").ToLowerInvariant();
        if (digits.Length < MinimumDigits || !digits.All(char.IsAsciiHexDigit))
            throw new VaultUsageException($"'{text}' is no link id: give the whole id or its first {MinimumDigits} hex digits or more ('custos share ls').");
        var found = Matching(await client.GetAsync<List<ShareInfo>>(api, ct), digits);
        if (found.Count == 0)
        {
            try
            {
                found = Matching(await client.GetAsync<List<ShareInfo>>($"{api}?all=true", ct), digits);
            }
            catch (CommandException)
            {
                // Not one of the tenant's managers: the caller's own links were all there was to search.
            }
        }
        return found.Count switch
        {
            1 => found[0].Id,
            0 => throw new CommandException($"No link whose id starts with '{text}' among the ones you can see ('custos share ls')."),
            _ => throw new CommandException($"'{text}' fits several links; give more of the id: " +
                                            string.Join("; ", found.Select(s => $"{s.Id} ({Label(s)})")) + "."),
        };
    }

    /// <summary>The ids shortened as far as they stay apart among <paramref name="ids"/> (never below <see cref="MinimumDigits"/> digits).</summary>
    public static Func<Guid, string> Shortener(IReadOnlyCollection<Guid> ids)
    {
        var digits = MinimumDigits;
        var all = ids.Select(i => i.ToString("N")).ToList();
        while (digits < 32 && all.GroupBy(i => i[..digits]).Any(g => g.Count() > 1)) digits++;
        // The id as written (8-4-4-4-12), cut after that many digits.
        var length = digits + (digits > 8 ? 1 : 0) + (digits > 12 ? 1 : 0) + (digits > 16 ? 1 : 0) + (digits > 20 ? 1 : 0);
        return id => id.ToString("D")[..length];
    }

    /// <summary>"download for Max Muster, 2026-11-27 10:15 UTC": enough to tell links apart in a message.</summary>
    public static string Label(ShareInfo s) =>
        $"{s.Kind.ToLowerInvariant()}{(s.Recipient is { } r ? $" for {r}" : "")}, created {DocumentBrowseVerbs.Time(s.CreatedAt)}";

    private static List<ShareInfo> Matching(IEnumerable<ShareInfo> links, string digits) =>
        links.Where(s => s.Id.ToString("N").StartsWith(digits, StringComparison.Ordinal)).ToList();
}
