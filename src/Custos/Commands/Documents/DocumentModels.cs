namespace Custos.Commands.Documents;

// The document API's answers as the command line reads them. Its own records rather than Core's views: those carry the
// server's id types, which are not what the JSON holds; and the command line needs only the fields it shows.

internal sealed record DocFolder(Guid Id, Guid? ParentId, string Name, string Rights);

internal sealed record DocLock(string Holder, DateTimeOffset Since, bool Mine);

internal sealed record DocVersion(int Number, long Size, string Sha256, string MediaType, string Author, DateTimeOffset CreatedAt, string? Comment);

internal sealed record DocInfo(Guid Id, Guid FolderId, string Name, int CurrentVersion, long Size, string MediaType, DateTimeOffset ModifiedAt,
    DocLock? Lock, string Rights, IReadOnlyList<DocVersion>? Versions);

/// <param name="Action">"Delete" or "Review" (the server writes enums as names).</param>
internal sealed record DocRetentionClass(Guid Id, string Name, int Years, string Action, bool KeepVersions, string? Description);

internal sealed record DocRetention(Guid DocumentId, Guid? LabelId, Guid? ClassId, string? ClassName, DateOnly DocumentDate, DateOnly? RetainUntil,
    bool ReviewDue);

internal sealed record DocHold(Guid Id, Guid? DocumentId, Guid? FolderId, string? TargetName, string Reason, string Owner, DateTimeOffset CreatedAt,
    DateTimeOffset? ReleasedAt, string? ReleasedBy);

/// <param name="FolderPath">"/Folder/Sub", from the tenant's root.</param>
internal sealed record DocSearchHit(DocInfo Document, string FolderPath, IReadOnlyList<string>? Tags, string? ClassName, DateOnly? RetainUntil,
    string RetentionState);

/// <param name="Pending">Documents of the tenant whose current version the search index does not hold yet.</param>
internal sealed record DocSearchResult(IReadOnlyList<DocSearchHit> Hits, bool Truncated, int Pending);

/// <param name="Outcome">erased, restricted or refused.</param>
/// <param name="Sha256">The checksums of the destroyed versions, comma-separated, once erased.</param>
internal sealed record DocErasureItem(Guid DocumentId, string Name, string Outcome, string Detail, DateOnly? RestrictedUntil, string? Sha256,
    DateTimeOffset DecidedAt, DateTimeOffset? ErasedAt);

internal sealed record DocErasureReport(Guid Id, string Reason, string? Query, string? RestrictedTo, string RequestedBy, DateTimeOffset CreatedAt,
    int Erased, int Restricted, int Refused, IReadOnlyList<DocErasureItem>? Items);

/// <summary>What an upload through the sluice came to: a released document, or the file's quarantine entry.</summary>
internal sealed record SluiceUpload(DocInfo? Document, SluiceItem? Item)
{
    public Guid? QuarantineId { get; init; }
}

internal sealed record SluiceCheck(string Check, string Outcome, string Code, string Detail);

internal sealed record SluiceReleased(Guid DocumentId, int Version, string Name, string Sha256, string As);

/// <summary>A file in the sluice (the server's QuarantineView).</summary>
internal sealed record SluiceItem(Guid Id, string FileName, string State, string? Waiting, string? Reason, long Size, string Sha256, string UploadedBy,
    DateTimeOffset UploadedAt, string? DetectedKind, string? Engine, IReadOnlyList<SluiceCheck> Checks, IReadOnlyList<SluiceReleased> Released,
    string? FirstApprover, string? DecidedBy, DateTimeOffset? DecidedAt);
