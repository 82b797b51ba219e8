using Custos.Core.Common;

namespace Custos.Core.Sharing;

/// <summary>Where a link stands, as the sender sees it.</summary>
public enum ShareState { Active, Expired, Revoked, Locked, LimitReached }

/// <summary>A link as its sender and the tenant's managers see it (never the token or a password).</summary>
public sealed record ShareView(
    Guid Id, TenantId TenantId, ShareKind Kind, ShareState State, string? Recipient, string? Message, string CreatedByName, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset ExpiryCeiling, bool HasPassword, string? Handover, string? HandoverBy, DateTimeOffset? HandoverAt,
    int? DownloadLimit, int Downloads, int FailedPasswords, DateTimeOffset? LockedAt, DateTimeOffset? RevokedAt, string? RevokedBy, bool Sensitive,
    bool NotifyOnFirstDownload, Guid? FolderId, int? MaxFiles, long? MaxBytes, int UploadedFiles, long UploadedBytes, DateTimeOffset? EndedAt,
    string? EndReason, IReadOnlyList<ShareItemView> Items)
{
    public static ShareState StateOf(ShareLink link, DateTimeOffset now) =>
        link.RevokedAt is not null ? ShareState.Revoked
        : link.LockedAt is not null ? ShareState.Locked
        : link.ExpiresAt <= now ? ShareState.Expired
        : link.DownloadLimit is { } limit && link.Downloads >= limit ? ShareState.LimitReached
        : ShareState.Active;

    public static ShareView Of(ShareLink l, IEnumerable<ShareItem> items, DateTimeOffset now) => new(
        l.Id, l.TenantId, l.Kind, StateOf(l, now), l.Recipient, l.Message, l.CreatedByName, l.CreatedAt, l.ExpiresAt, l.ExpiryCeiling,
        l.PasswordHash is not null, l.Handover, l.HandoverBy, l.HandoverAt, l.DownloadLimit, l.Downloads, l.FailedPasswords, l.LockedAt, l.RevokedAt,
        l.RevokedBy, l.Sensitive, l.NotifyOnFirstDownload, l.FolderId, l.MaxFiles, l.MaxBytes, l.UploadedFiles, l.UploadedBytes, l.EndedAt, l.EndReason,
        items.OrderBy(i => i.Kind).ThenBy(i => i.Name, StringComparer.Ordinal).Select(ShareItemView.Of).ToList());
}

public sealed record ShareItemView(Guid Id, ShareItemKind Kind, Guid? DocumentId, int? VersionNumber, string Name, long Size, string MediaType, string Sha256)
{
    public static ShareItemView Of(ShareItem i) =>
        new(i.Id, i.Kind, i.DocumentId, i.VersionNumber, i.Name, i.Size, i.MediaType, Convert.ToHexStringLower(i.Sha256));
}

/// <summary>One line of a link's log.</summary>
public sealed record ShareEventView(
    DateTimeOffset At, string Kind, string Visitor, string? ClientAddress, string? UserAgent, string? Name, long Bytes, long? RangeStart, bool? Completed,
    bool Counted)
{
    public static ShareEventView Of(ShareEvent e) => new(e.At, e.Kind, e.Visitor, e.ClientAddress, e.UserAgent, e.Name, e.Bytes, e.RangeStart, e.Completed, e.Counted);
}

/// <summary>
/// A new link, with what is shown once and never again: the token (inside <see cref="Path"/>), the link password when
/// Custos generated it, and the package password of a sensitive link.
/// </summary>
public sealed record CreatedShare(ShareView Share, string Token, string Path, string? Password, string? PackagePassword, string? PackageNote);
