namespace Custos.Core.Documents;

/// <summary>An erasure request: documents by id, or every document a search finds (as the requester sees them), and why.</summary>
/// <param name="RestrictTo">The group (name) whose members may still see documents that must be kept (Art. 18); none: nobody.</param>
public sealed record ErasureInput(IReadOnlyList<Guid>? Documents, SearchInput? Search, string? Reason, string? RestrictTo);

public sealed record ErasureItemView(Guid DocumentId, string Name, string Outcome, string Detail, DateOnly? RestrictedUntil, string? Sha256,
    DateTimeOffset DecidedAt, DateTimeOffset? ErasedAt)
{
    public static ErasureItemView Of(ErasureItem i) =>
        new(i.DocumentId, i.DocumentName, i.Outcome.ToString().ToLowerInvariant(), i.Detail, i.RestrictedUntil, i.Sha256, i.DecidedAt, i.ErasedAt);
}

/// <summary>The report of an erasure request: what was erased, what is restricted until when, what was refused, and why.</summary>
public sealed record ErasureReport(Guid Id, string Reason, string? Query, string? RestrictedTo, string RequestedBy, DateTimeOffset CreatedAt,
    int Erased, int Restricted, int Refused, IReadOnlyList<ErasureItemView> Items);
