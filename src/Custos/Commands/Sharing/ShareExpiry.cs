using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Custos.Commands.Sharing;

/// <summary>
/// When a link ends, as typed: "7d" or "2w" from now by the server's clock (sent as days, so that the server counts),
/// "12h" from now, a date (the link works to the end of that day, UTC, as every time here is shown) or a time.
/// </summary>
internal sealed record ShareExpiry(int? InDays, DateTimeOffset? At)
{
    private const string Forms = "7d, 2w, 12h, a date (2026-12-24: to the end of that day, UTC) or a time (2026-12-24T18:00, UTC unless it names an offset)";

    public static Option<ShareExpiry?> Option(string description) => new("--expires")
    {
        Description = description, HelpName = "7d|12h|2026-12-24", CustomParser = r => Parse(r, "--expires"),
    };

    public static Argument<ShareExpiry?> Argument(string description) => new("when")
    {
        Description = description, CustomParser = r => Parse(r, "The expiry"),
    };

    /// <summary>The moment meant, for an API that takes only one (a relative expiry counted from this machine's clock).</summary>
    public DateTimeOffset From(DateTimeOffset now) => At ?? now.AddDays(InDays!.Value);

    public static ShareExpiry? Parse(string text)
    {
        var t = text.Trim();
        if (t.Length >= 2 && int.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 3650)
        {
            switch (char.ToLowerInvariant(t[^1]))
            {
                case 'd': return new ShareExpiry(n, null);
                case 'w' when n <= 520: return new ShareExpiry(n * 7, null);
                case 'h': return new ShareExpiry(null, DateTimeOffset.UtcNow.AddHours(n));
            }
        }
        if (DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new ShareExpiry(null, new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero));
        if (t.Contains(':') && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return new ShareExpiry(null, at);
        return null;
    }

    private static ShareExpiry? Parse(ArgumentResult result, string name)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (Parse(text) is { } expiry) return expiry;
        result.AddError($"{name} takes {Forms}; not '{text}'.");
        return null;
    }
}
