using Custos.Core.Common;

namespace Custos.Core.Sluice;

/// <summary>A file in the sluice as its uploader and reviewers see it: state, reason, and the release record.</summary>
public sealed record QuarantineView(
    Guid Id,
    TenantId Tenant,
    string FileName,
    string State,
    string? Waiting,
    string? Reason,
    long Size,
    string Sha256,
    string UploadedBy,
    DateTimeOffset UploadedAt,
    string Target,
    Guid TargetId,
    string? DetectedKind,
    string? Engine,
    IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<ReleasedFile> Released,
    string? FirstApprover,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionNote)
{
    /// <summary>A check flagged the file (it is in review because of a finding, not only because it could not be read).</summary>
    public bool NeedsTwoReviewers { get; init; }

    internal static QuarantineView Of(QuarantineItem q) => new(q.Id, q.TenantId, q.FileName, q.State.ToString(), q.Waiting, q.Reason, q.Size,
        Convert.ToHexStringLower(q.Sha256), q.UploadedByName, q.UploadedAt, q.Target.ToString(), q.TargetId, q.DetectedKind, q.Engine,
        SluiceRecord.Checks(q.Checks), SluiceRecord.Released(q.Released), q.FirstApproverName, q.DecidedBy, q.DecidedAt, q.DecisionNote)
    {
        NeedsTwoReviewers = true,
    };
}
