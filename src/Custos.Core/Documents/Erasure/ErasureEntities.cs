using Custos.Core.Common;

namespace Custos.Core.Documents;

/// <summary>
/// A GDPR erasure request (Art. 17/18): documents named directly or found by a search, and the reason. Documents
/// without a retention duty are crypto-shredded at once; documents under one (or a legal hold) are restricted until it
/// ends and erased then. Each document's outcome is an <see cref="ErasureItem"/>: together they are the report.
/// </summary>
public sealed class ErasureRequest
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public required string Reason { get; set; }
    /// <summary>The search that chose the documents, as entered (null: named one by one).</summary>
    public string? Query { get; set; }
    public GroupId? RestrictedTo { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ErasureItem
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public TenantId TenantId { get; set; }
    public Guid DocumentId { get; set; }
    public required string DocumentName { get; set; }
    public ErasureOutcome Outcome { get; set; }
    /// <summary>Why: the class and end date of a retention, the hold's owner, or what refused it.</summary>
    public required string Detail { get; set; }
    /// <summary>For a restriction: the day the retention ends (null: until a hold is released).</summary>
    public DateOnly? RestrictedUntil { get; set; }
    /// <summary>"number:sha256" of every version destroyed, oldest first, once erased.</summary>
    public string? Sha256 { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }
}

public enum ErasureOutcome
{
    /// <summary>Content keys destroyed, version rows and blobs removed, search index rows deleted.</summary>
    Erased = 1,
    /// <summary>Kept under a retention duty or legal hold, hidden (Art. 18); erased when that ends.</summary>
    Restricted = 2,
    /// <summary>Not done: out of the requester's reach, or changed meanwhile. The detail says why.</summary>
    Refused = 3,
}
