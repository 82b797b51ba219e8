namespace Custos.Core.Vault;

/// <summary>Rights for a group or a user (exactly one), optionally only between two times.</summary>
public sealed record PermissionInput(string? Group, string? User, VaultRights Rights, DateTimeOffset? NotBefore = null, DateTimeOffset? NotAfter = null);

/// <summary>A new folder. <see cref="Permissions"/> must be given, even empty: the caller chooses rights explicitly (TOM 6.10.4).</summary>
public sealed record FolderInput(
    string Name, Guid? ParentId, IReadOnlyList<PermissionInput>? Permissions, bool InheritRights = true, bool IsSensitive = false,
    FolderPolicy? Policy = null);

public sealed record CustomFieldInput(string Name, string? Value, bool Secret);

/// <summary>
/// A new entry, or (with <see cref="ExpectedVersion"/>) a change to one. In a change, null means "unchanged" for every
/// property, and a secret custom field with a null value keeps its old value.
/// </summary>
public sealed record EntryInput
{
    public Guid FolderId { get; init; }
    public string? Title { get; init; }
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public IReadOnlyList<string>? Urls { get; init; }
    public string? Notes { get; init; }
    public string? Totp { get; init; }
    public IReadOnlyList<CustomFieldInput>? Fields { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>In a change: true removes the expiry date (null <see cref="ExpiresAt"/> alone means unchanged).</summary>
    public bool ClearExpiry { get; init; }
    public string? ServiceLimitation { get; init; }
    public bool? PasswordGenerated { get; init; }
    public bool? RotateAfterReveal { get; init; }
    public IReadOnlyList<PermissionInput>? Permissions { get; init; }
    public bool InheritRights { get; init; } = true;
    public int? ExpectedVersion { get; init; }
}

/// <summary>An entry as a caller with at least Use sees it: never a secret, only which secrets exist.</summary>
public sealed record EntryView(
    Guid Id, Guid TenantId, Guid FolderId, string Title, string? UserName, IReadOnlyList<string> Urls, IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> TextFields, IReadOnlyList<string> SecretFields, IReadOnlyList<AttachmentView> Attachments,
    DateTimeOffset? ExpiresAt, string ExpiryState, string? ServiceLimitation, bool PasswordGenerated, int? PasswordStrength,
    bool RotateAfterReveal, string? RotationReason, int Version, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset ModifiedAt, string ModifiedBy, string Rights, bool Sensitive);

public sealed record AttachmentView(Guid Id, string Name, long Size);

public sealed record FolderView(Guid Id, Guid? ParentId, string Name, bool InheritRights, bool Sensitive, string Rights, FolderPolicy? Policy);

/// <summary>A saved entry, with the policy or strength warnings the caller should see.</summary>
public sealed record EntrySaved(EntryView Entry, IReadOnlyList<string> Warnings);
