namespace Custos.Core.Documents;

public sealed record RetentionClassView(Guid Id, string Name, int Years, RetentionAction Action, bool KeepVersions, string? Description)
{
    public static RetentionClassView Of(RetentionClass c) => new(c.Id, c.Name, c.Years, c.Action, c.KeepVersions, c.Description);
}

/// <summary>A new class, or the fields of one to change (null: unchanged; on creation Name and Years are required).</summary>
public sealed record RetentionClassInput(string? Name, int? Years, RetentionAction? Action, bool? KeepVersions, string? Description);

/// <param name="LabelId">The document's own label (null: the folder's default applies).</param>
/// <param name="ClassId">The class that applies, from the label or the folder tree.</param>
/// <param name="RetainUntil">The first day the document may be deleted; null when no retention applies.</param>
public sealed record RetentionView(Guid DocumentId, Guid? LabelId, Guid? ClassId, string? ClassName, DateOnly DocumentDate, DateOnly? RetainUntil,
    bool ReviewDue);

public sealed record FolderRetentionView(Guid FolderId, Guid? ClassId, string? ClassName, int DocumentsRecomputed);

/// <param name="Sha256">The checksums of every version that was destroyed, oldest first.</param>
/// <param name="BlobsRemoved">False when a blob could not be removed now; the blob janitor removes it later (its key is gone already).</param>
public sealed record DeletionView(Guid DocumentId, string Name, string? ClassName, IReadOnlyList<string> Sha256, bool BlobsRemoved);

/// <summary>A hold to place on exactly one of a document or a folder.</summary>
public sealed record HoldInput(Guid? DocumentId, Guid? FolderId, string? Reason, string? Owner);

public sealed record HoldView(Guid Id, Guid? DocumentId, Guid? FolderId, string? TargetName, string Reason, string Owner, DateTimeOffset CreatedAt,
    DateTimeOffset? ReleasedAt, string? ReleasedBy)
{
    public static HoldView Of(LegalHold h, string? targetName) =>
        new(h.Id, h.DocumentId, h.FolderId, targetName, h.Reason, h.Owner, h.CreatedAt, h.ReleasedAt, h.ReleasedBy);
}

/// <summary>A document's retention as its page shows it: label, class, end date, state (see <see cref="RetentionStates"/>), holds and tags.</summary>
public sealed record DocumentRetentionState(Guid DocumentId, Guid? LabelId, string? ClassName, DateOnly DocumentDate, DateOnly? RetainUntil, string State,
    IReadOnlyList<HoldView> Holds, IReadOnlyList<string> Tags, bool Restricted);
