using System.Text.Json.Serialization;

namespace Custos.Commands.Sharing;

// The share API's answers as the command line reads them (the server's ShareView and friends without its id types;
// enums arrive as their names).

/// <param name="Kind">Download or Upload.</param>
/// <param name="State">Active, Expired, Revoked, Locked or LimitReached.</param>
internal sealed record ShareInfo(
    Guid Id, string Kind, string State, string? Recipient, string? Message, string CreatedByName, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset ExpiryCeiling, bool HasPassword, string? Handover, string? HandoverBy, DateTimeOffset? HandoverAt, int? DownloadLimit, int Downloads,
    int FailedPasswords, DateTimeOffset? LockedAt, DateTimeOffset? RevokedAt, string? RevokedBy, bool Sensitive, bool NotifyOnFirstDownload,
    Guid? FolderId, int? MaxFiles, long? MaxBytes, int UploadedFiles, long UploadedBytes, DateTimeOffset? EndedAt, string? EndReason,
    IReadOnlyList<ShareFile> Items)
{
    [JsonIgnore]
    public bool IsUpload => Kind == "Upload";
}

/// <param name="Kind">Document, or Package (the encrypted package of a sensitive link).</param>
internal sealed record ShareFile(Guid Id, string Kind, Guid? DocumentId, int? VersionNumber, string Name, long Size, string MediaType, string Sha256);

/// <param name="Kind">open, password.wrong, password.ok, download, upload, locked.</param>
/// <param name="Completed">Downloads and uploads: whether all bytes went (null while one runs).</param>
internal sealed record ShareEvent(
    DateTimeOffset At, string Kind, string Visitor, string? ClientAddress, string? UserAgent, string? Name, long Bytes, long? RangeStart, bool? Completed,
    bool Counted);

/// <summary>A new link: its URL (with the token) and the passwords Custos made, which the server shows this once.</summary>
internal sealed record ShareCreated(ShareInfo Share, string Url, string? Password, string? PackagePassword, string? PackageNote);
