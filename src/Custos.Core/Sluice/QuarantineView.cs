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
    /// <summary>Reviewers may release it: it is in review, or a check blocked it for something other than a virus (then it takes two).</summary>
    public bool CanBeReleased { get; init; }

    /// <summary>A check blocked the file and reviewers may still overrule it: releasing it takes two different reviewers.</summary>
    public bool NeedsTwoReviewers { get; init; }

    internal static bool Releasable(QuarantineItem q) => q.BlobAddress is not null && (q.State == QuarantineState.Review ||
        q.State == QuarantineState.Blocked && q.DecidedBy == "sluice" && q.Reason is not ("antivirus.found" or "sluice.integrity" or "sluice.purged"));

    internal static QuarantineView Of(QuarantineItem q) => new(q.Id, q.TenantId, q.FileName, q.State.ToString(), q.Waiting, q.Reason, q.Size,
        Convert.ToHexStringLower(q.Sha256), q.UploadedByName, q.UploadedAt, q.Target.ToString(), q.TargetId, q.DetectedKind, q.Engine,
        SluiceRecord.Checks(q.Checks), SluiceRecord.Released(q.Released), q.FirstApproverName, q.DecidedBy, q.DecidedAt, q.DecisionNote)
    {
        CanBeReleased = Releasable(q),
        NeedsTwoReviewers = q.State == QuarantineState.Blocked && Releasable(q),
    };
}
