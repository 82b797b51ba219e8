using Custos.Core.Common;

namespace Custos.Core.Documents;

public sealed record FolderView(Guid Id, Guid? ParentId, string Name, Guid? ProjectId, string Rights);

public sealed record LockView(string Holder, DateTimeOffset Since, bool Mine);

public sealed record VersionView(int Number, long Size, string Sha256, string MediaType, string Author, DateTimeOffset CreatedAt, string? Comment);

public sealed record DocumentView(Guid Id, Guid FolderId, string Name, int CurrentVersion, long Size, string MediaType, DateTimeOffset ModifiedAt,
    LockView? Lock, string Rights)
{
    public IReadOnlyList<VersionView>? Versions { get; init; }
}

internal static class DocumentViewing
{
    public static string Hex(byte[] sha256) => Convert.ToHexStringLower(sha256);

    public static VersionView View(DocumentVersion v) => new(v.Number, v.Size, Hex(v.Sha256), v.MediaType, v.Author, v.CreatedAt, v.Comment);

    public static DocumentView View(Document d, DocumentVersion current, DocumentRights rights, UserId viewer) =>
        new(d.Id, d.FolderId, d.Name, d.CurrentVersion, current.Size, current.MediaType, d.ModifiedAt,
            d.LockedBy is { } holder ? new LockView(d.LockedByName ?? "?", d.LockedAt!.Value, holder == viewer) : null, rights.ToString());
}
