using Custos.Core.Common;

namespace Custos.Core.Documents;

/// <summary>A folder of a tenant's documents (or of one project's: then only grants to that project or the whole tenant reach it).</summary>
public sealed class DocumentFolder
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public ProjectId? ProjectId { get; set; }
    public Guid? ParentId { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>The retention class of documents here that have no label of their own (null: the parent folder's).</summary>
    public Guid? RetentionClassId { get; set; }
}

/// <summary>
/// A document: a sequence of immutable versions, the newest of which is current. While checked out, only the holder may
/// add a version (TOM 8.2).
/// </summary>
public sealed class Document
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public ProjectId? ProjectId { get; set; }
    public Guid FolderId { get; set; }
    public required string Name { get; set; }
    public int CurrentVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    /// <summary>The label: the retention class chosen for this document (null: the folder's default applies).</summary>
    public Guid? RetentionClassId { get; set; }
    /// <summary>The date retention counts from (invoice date, letter date); the upload date unless set.</summary>
    public DateOnly DocumentDate { get; set; }
    /// <summary>Until this day (exclusive) the document cannot be deleted; null when no class applies. Kept in step with label and date.</summary>
    public DateOnly? RetainUntil { get; set; }
    /// <summary>The retention ran out under a class whose action is review: a Manage holder decides.</summary>
    public bool ReviewDue { get; set; }
    public UserId? LockedBy { get; set; }
    public string? LockedByName { get; set; }
    public DateTimeOffset? LockedAt { get; set; }
    /// <summary>Optimistic concurrency: two users racing for the lock or for the next version, exactly one wins.</summary>
    public int RowVersion { get; set; }
    /// <summary>The version whose text, name and tags are in the search index (0: none yet); behind <see cref="CurrentVersion"/> while the indexer catches up.</summary>
    public int IndexedVersion { get; set; }
    /// <summary>Set while an erasure request restricts the document (GDPR Art. 18) until its retention ends: hidden from everyone but <see cref="RestrictedTo"/>.</summary>
    public Guid? RestrictionId { get; set; }
    /// <summary>The group whose members still see a restricted document (read-only); null: nobody does.</summary>
    public GroupId? RestrictedTo { get; set; }
}

/// <summary>A free tag on a document (Write), for finding it again; lower-case, at most 50 characters.</summary>
public sealed class DocumentTag
{
    public Guid DocumentId { get; set; }
    public TenantId TenantId { get; set; }
    public required string Tag { get; set; }
}

/// <summary>The search index's handle on a document: the provider-specific full-text row (an FTS5 row on SQLite, a tsvector on PostgreSQL) is keyed by <see cref="Id"/>.</summary>
public sealed class DocumentSearchRow
{
    public long Id { get; set; }
    public Guid DocumentId { get; set; }
    public TenantId TenantId { get; set; }
}

/// <summary>
/// One stored state of a document. The content is encrypted with a key of its own (<see cref="WrappedKey"/>, sealed by the
/// tenant's data key) in segments, kept in the blob store under a random address (per-version keys make equal content
/// differ, so content addressing would never deduplicate); each segment's AES-GCM tag and <see cref="Sha256"/> of the
/// plaintext are checked on every read. Destroying the key makes every copy of the blob unreadable (crypto-shredding).
/// </summary>
public sealed class DocumentVersion
{
    public Guid Id { get; set; }
    public Guid DocumentId { get; set; }
    public TenantId TenantId { get; set; }
    public int Number { get; set; }
    public long Size { get; set; }
    public required byte[] Sha256 { get; set; }
    public required string MediaType { get; set; }
    public required string Author { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? Comment { get; set; }
    public required string BlobAddress { get; set; }
    public required byte[] WrappedKey { get; set; }
}

/// <summary>What a tenant grant lets its group do with the tenant's (or project's) documents.</summary>
[Flags]
public enum DocumentRights
{
    None = 0,
    /// <summary>List and download.</summary>
    Read = 1,
    /// <summary>Check out, check in, upload new documents, create folders.</summary>
    Write = 2,
    /// <summary>Labels, holds, deletion; breaking another user's lock.</summary>
    Manage = 4,
}

public static class DocumentRightsExtensions
{
    /// <summary>Each right includes the ones below it.</summary>
    public static DocumentRights Normalize(this DocumentRights rights) =>
        rights.HasFlag(DocumentRights.Manage) ? DocumentRights.Read | DocumentRights.Write | DocumentRights.Manage
        : rights.HasFlag(DocumentRights.Write) ? DocumentRights.Read | DocumentRights.Write
        : rights & DocumentRights.Read;

    public static bool Allows(this DocumentRights rights, DocumentRights needed) => (rights.Normalize() & needed) == needed;

    public static DocumentRights? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "read" => DocumentRights.Read,
        "write" => DocumentRights.Write,
        "manage" => DocumentRights.Manage,
        "none" => DocumentRights.None,
        _ => null,
    };
}
