using Custos.Core.Common;

namespace Custos.Core.Vault;

/// <summary>A folder of a tenant's vault; folders form a tree, and rights flow down it unless a folder breaks inheritance.</summary>
public sealed class VaultFolder
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    /// <summary>Null for a folder at the top of the tenant's vault.</summary>
    public Guid? ParentId { get; set; }
    public required string Name { get; set; }
    /// <summary>False: only grants on this folder itself count here and below (inheritance broken).</summary>
    public bool InheritRights { get; set; } = true;
    /// <summary>Acting here or below needs a security-key step-up within 15 minutes (TOM 6.4).</summary>
    public bool IsSensitive { get; set; }
    /// <summary>The password policy entries here must meet (JSON of <see cref="FolderPolicy"/>); null: the parent's.</summary>
    public string? Policy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>
/// One credential. Title, user name, URLs, tags, text fields and dates are plain (Use may see them); everything secret
/// — password, notes, TOTP seed, secret fields — is one sealed <see cref="SecretBundle"/> bound to the row and version.
/// </summary>
public sealed class VaultEntry
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid FolderId { get; set; }
    public required string Title { get; set; }
    public string? UserName { get; set; }
    /// <summary>JSON array of strings; the first is the main URL.</summary>
    public string Urls { get; set; } = "[]";
    /// <summary>JSON array of strings.</summary>
    public string Tags { get; set; } = "[]";
    /// <summary>JSON object of the non-secret custom fields (name → value).</summary>
    public string TextFields { get; set; } = "{}";
    /// <summary>The sealed <see cref="SecretBundle"/> (FieldCipher, bound to tenant, row, "secrets" and <see cref="Version"/>).</summary>
    public required byte[] Secrets { get; set; }
    /// <summary>Which secrets the bundle holds (comma-separated names), so lists can show "has TOTP" without decrypting.</summary>
    public string SecretNames { get; set; } = "";
    /// <summary>Keyed HMAC of the password (reuse check without comparing plaintexts); null without a password.</summary>
    public byte[]? PasswordFingerprint { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>Why the password may break the folder policy ("portal allows at most 16 characters").</summary>
    public string? ServiceLimitation { get; set; }
    public bool PasswordGenerated { get; set; }
    /// <summary>zxcvbn's score of the password (0–4) when it was saved; null without a password.</summary>
    public int? PasswordStrength { get; set; }
    /// <summary>Mark the entry for rotation whenever its secret is revealed (TOM 6.9: revealed ≠ used).</summary>
    public bool RotateAfterReveal { get; set; }
    /// <summary>Set by a reveal (with <see cref="RotateAfterReveal"/>) or an offboarding; cleared by a new password.</summary>
    public string? RotationReason { get; set; }
    public bool InheritRights { get; set; } = true;
    public int Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public required string ModifiedBy { get; set; }
    /// <summary>When the password itself last changed (reports: "revealed since its last change").</summary>
    public DateTimeOffset PasswordChangedAt { get; set; }
}

/// <summary>An earlier version of an entry, kept whole (its secrets sealed to this row), with who replaced it and when.</summary>
public sealed class VaultEntryVersion
{
    public Guid Id { get; set; }
    public Guid EntryId { get; set; }
    public TenantId TenantId { get; set; }
    public int Version { get; set; }
    /// <summary>JSON of the plain fields as they were (<see cref="EntrySnapshot"/>).</summary>
    public required string Snapshot { get; set; }
    public required byte[] Secrets { get; set; }
    public DateTimeOffset ValidFrom { get; set; }
    public required string WrittenBy { get; set; }
    public DateTimeOffset ReplacedAt { get; set; }
    public required string ReplacedBy { get; set; }
}

/// <summary>A file attached to an entry, sealed whole (at most 10 MiB, so one AEAD message).</summary>
public sealed class VaultAttachment
{
    public Guid Id { get; set; }
    public Guid EntryId { get; set; }
    public TenantId TenantId { get; set; }
    public required string Name { get; set; }
    public long Size { get; set; }
    public required byte[] Sha256 { get; set; }
    public required byte[] Content { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>Rights on a folder, an entry or the whole tenant vault (both ids null), for a group or a user, maybe time-limited.</summary>
public sealed class VaultGrant
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid? FolderId { get; set; }
    public Guid? EntryId { get; set; }
    public GroupId? GroupId { get; set; }
    public UserId? UserId { get; set; }
    public VaultRights Rights { get; set; }
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? NotAfter { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    public required string GrantedBy { get; set; }
    /// <summary>The access request this grant answers, if any.</summary>
    public Guid? AccessRequestId { get; set; }
}

/// <summary>What a request asks for: Read on the entry, or approval of SSH use where the folder requires it.</summary>
public enum AccessRequestKind
{
    Read,
    /// <summary>Approval to use (SSH) the entry for some hours; grants no right, shows no secret.</summary>
    Session,
}

public enum AccessRequestStatus
{
    Pending,
    Approved,
    Denied,
}

/// <summary>A user asks for Read on an entry for some hours, with a reason; a Manage holder decides.</summary>
public sealed class VaultAccessRequest
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid EntryId { get; set; }
    public UserId UserId { get; set; }
    public int Hours { get; set; }
    public required string Reason { get; set; }
    public AccessRequestKind Kind { get; set; }
    public AccessRequestStatus Status { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

/// <summary>
/// One reveal: plaintext left Custos (to a browser, the CLI or an export). Kept beside the audit event, in the same
/// transaction, so "who revealed this since its last change" is one indexed query.
/// </summary>
public sealed class VaultReveal
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public Guid EntryId { get; set; }
    public UserId UserId { get; set; }
    public required string Field { get; set; }
    public int EntryVersion { get; set; }
    public DateTimeOffset At { get; set; }
    public string? ClientAddress { get; set; }
    /// <summary>"web", "api", "cli", "export".</summary>
    public required string Client { get; set; }
}

/// <summary>An in-app notice (expiring entries, access requests) for one user.</summary>
public sealed class VaultNotification
{
    public Guid Id { get; set; }
    public UserId UserId { get; set; }
    public TenantId TenantId { get; set; }
    public Guid? EntryId { get; set; }
    public required string Kind { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}
