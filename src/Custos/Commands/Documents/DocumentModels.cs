namespace Custos.Commands.Documents;

// The document API's answers as the command line reads them. Its own records rather than Core's views: those carry the
// server's id types, which are not what the JSON holds; and the command line needs only the fields it shows.

internal sealed record DocFolder(Guid Id, Guid? ParentId, string Name, string Rights);

internal sealed record DocLock(string Holder, DateTimeOffset Since, bool Mine);

internal sealed record DocVersion(int Number, long Size, string Sha256, string MediaType, string Author, DateTimeOffset CreatedAt, string? Comment);

internal sealed record DocInfo(Guid Id, Guid FolderId, string Name, int CurrentVersion, long Size, string MediaType, DateTimeOffset ModifiedAt,
    DocLock? Lock, string Rights, IReadOnlyList<DocVersion>? Versions);
