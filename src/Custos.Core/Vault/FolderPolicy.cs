using System.Text.Json;

namespace Custos.Core.Vault;

public enum PolicyMode
{
    /// <summary>A password that breaks the policy is refused unless a service limitation is recorded with it.</summary>
    Enforce,
    /// <summary>It is saved, with the broken rules returned as warnings.</summary>
    Warn,
}

/// <summary>
/// The password rules of a folder and everything below it (until a folder sets its own). The default follows the TOM's
/// generator rule loosely enough for existing customer portals: 12 characters with three of the four classes.
/// </summary>
public sealed record FolderPolicy
{
    public int MinimumLength { get; init; } = 12;
    /// <summary>How many of upper case, lower case, digits and symbols must appear.</summary>
    public int MinimumClasses { get; init; } = 3;
    public bool ExpiryRequired { get; init; }
    /// <summary>An expired password must be changed before anyone may reveal it.</summary>
    public bool BlockRevealWhenExpired { get; init; }
    public PolicyMode Mode { get; init; } = PolicyMode.Enforce;

    /// <summary>SSH use of the folder's entries: at most this long per session or command (default 8 hours).</summary>
    public int? SessionMaxMinutes { get; init; }
    /// <summary>An interactive session without input or output for this long is closed.</summary>
    public int? SessionIdleMinutes { get; init; }
    /// <summary>When SSH use is allowed, "HH:mm-HH:mm" in the server's time zone (e.g. "07:00-19:00"); null: any time.</summary>
    public string? SessionHours { get; init; }
    /// <summary>Every SSH use must name a reason or ticket number, which is recorded with it.</summary>
    public bool SessionReasonRequired { get; init; }
    /// <summary>Every SSH use needs an approved session request (Manage holders approve; they need none themselves).</summary>
    public bool SessionApprovalRequired { get; init; }
    /// <summary>
    /// Interactive sessions record what the user types too (asciicast "i" events), not only what the target shows. Off
    /// by default: keystrokes hold whatever is typed at a prompt that does not echo, such as the user's own sudo password.
    /// </summary>
    public bool SessionRecordInput { get; init; }
    /// <summary>
    /// The name of the retention class (as for documents) whose period SSH recordings are kept for, counted from the
    /// session's date; when it has run out the retention sweep destroys the recording and keeps the session record. Null:
    /// recordings are kept indefinitely (the period is an obligation to delete, so it is never assumed; Custos has no
    /// manual deletion of recordings). Only a class whose action is "delete" fits: there is no review of recordings.
    /// </summary>
    public string? RecordingRetentionClass { get; init; }

    public static readonly FolderPolicy Default = new();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static FolderPolicy? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<FolderPolicy>(json, Json);

    public string? Validate() =>
        MinimumLength is < 1 or > 1024 ? "The minimum length must be between 1 and 1024."
        : MinimumClasses is < 0 or > 4 ? "The number of character classes must be between 0 and 4."
        : SessionMaxMinutes is < 1 or > 1440 ? "A session lasts between 1 and 1,440 minutes."
        : SessionIdleMinutes is < 1 or > 1440 ? "The idle timeout is between 1 and 1,440 minutes."
        : SessionHours is not null && ParseHours(SessionHours) is null ? "Session hours are written like 07:00-19:00."
        : RecordingRetentionClass is { } cls && (cls.Trim().Length == 0 || cls.Length > 200) ? "A retention class name has 1 to 200 characters."
        : null;

    /// <summary>Whether SSH use is allowed at this local time of day.</summary>
    public bool AllowsSessionAt(TimeOnly time) => ParseHours(SessionHours) is not { } hours ||
        (hours.From <= hours.To ? time >= hours.From && time < hours.To : time >= hours.From || time < hours.To);

    private static (TimeOnly From, TimeOnly To)? ParseHours(string? text)
    {
        var parts = text?.Split('-', 2, StringSplitOptions.TrimEntries);
        return parts is [var from, var to] && TimeOnly.TryParseExact(from, "HH:mm", out var f) && TimeOnly.TryParseExact(to, "HH:mm", out var t) && f != t
            ? (f, t)
            : null;
    }

    /// <summary>Which rules the password breaks (empty when none), in words for the user.</summary>
    public IReadOnlyList<string> Check(string? password, DateTimeOffset? expiresAt)
    {
        var broken = new List<string>();
        if (password is { Length: > 0 })
        {
            if (password.Length < MinimumLength) broken.Add($"shorter than {MinimumLength} characters");
            var classes = (password.Any(char.IsUpper) ? 1 : 0) + (password.Any(char.IsLower) ? 1 : 0)
                + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
            if (classes < MinimumClasses) broken.Add($"uses {classes} of the {MinimumClasses} character classes required");
        }
        if (ExpiryRequired && expiresAt is null) broken.Add("has no expiry date");
        return broken;
    }
}
