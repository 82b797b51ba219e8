namespace Custos.Core.Documents;

/// <summary>
/// What to look for; every given criterion must hold. <paramref name="Text"/> searches names, tags and the text of
/// text-based formats; <paramref name="Name"/> is a part of the name; <paramref name="Retention"/> is one of
/// none, running, expired, review, held, restricted.
/// </summary>
public sealed record SearchInput(string? Text = null, string? Name = null, Guid? Folder = null, Guid? Label = null, string? Tag = null,
    string? Author = null, DateOnly? From = null, DateOnly? To = null, string? Retention = null, int? Limit = null)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Text) && string.IsNullOrWhiteSpace(Name) && Folder is null && Label is null
                           && string.IsNullOrWhiteSpace(Tag) && string.IsNullOrWhiteSpace(Author) && From is null && To is null
                           && string.IsNullOrWhiteSpace(Retention);

    /// <summary>The criteria in a line, for an erasure request's record.</summary>
    public string Describe() => string.Join("; ", new (string Key, object? Value)[]
        {
            ("text", Text), ("name", Name), ("folder", Folder), ("label", Label), ("tag", Tag), ("author", Author),
            ("from", From?.ToString("yyyy-MM-dd")), ("to", To?.ToString("yyyy-MM-dd")), ("retention", Retention),
        }.Where(p => p.Value is not null && p.Value.ToString() != "").Select(p => $"{p.Key}={p.Value}"));
}

/// <summary>A found document with where it is and its retention state.</summary>
public sealed record SearchHit(DocumentView Document, string FolderPath, IReadOnlyList<string> Tags, string? ClassName, DateOnly? RetainUntil,
    string RetentionState);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, bool Truncated, int Pending);

public static class RetentionStates
{
    public const string None = "none";
    public const string Running = "running";
    public const string Expired = "expired";
    public const string Review = "review";
    public const string Held = "held";
    public const string Restricted = "restricted";

    public static readonly IReadOnlyList<string> All = [None, Running, Expired, Review, Held, Restricted];

    /// <summary>The state a document is in: restriction outranks a hold, a hold a review, a review the retention dates.</summary>
    public static string Of(Document d, bool held, DateOnly today) =>
        d.RestrictionId is not null ? Restricted
        : held ? Held
        : d.ReviewDue ? Review
        : d.RetainUntil is null ? None
        : d.RetainUntil > today ? Running : Expired;
}
