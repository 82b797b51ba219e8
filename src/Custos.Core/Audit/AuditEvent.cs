using Custos.Core.Common;

namespace Custos.Core.Audit;

/// <summary>
/// One entry of the tamper-evident log. Rows are only ever inserted; <see cref="Hash"/> covers the canonical form
/// of every other field including <see cref="PreviousHash"/>, so altering, removing or reordering rows breaks the chain.
/// </summary>
public sealed class AuditEvent
{
    public long Sequence { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public required string Actor { get; set; }
    public TenantId TenantId { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public AuditOutcome Outcome { get; set; }
    public string? ClientAddress { get; set; }
    /// <summary>JSON object of non-secret details (never a secret: audit records that a secret was used, not the secret).</summary>
    public string? Details { get; set; }
    public required byte[] PreviousHash { get; set; }
    public required byte[] Hash { get; set; }
}

public enum AuditOutcome
{
    Success = 1,
    Failure = 2,
    Denied = 3,
}

/// <summary>The single row that holds the end of the chain; writers lock it to append in one order.</summary>
public sealed class AuditChainHead
{
    public const int SingletonId = 1;
    public int Id { get; set; }
    public long LastSequence { get; set; }
    public required byte[] LastHash { get; set; }
}
