using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Sharing;

/// <summary>What a link lets an outsider do: fetch shared files, or drop files into a folder (an upload request).</summary>
public enum ShareKind { Download, Upload }

/// <summary>
/// A link handed to someone outside (TOM 7.3): the URL carries a random token of 256 bits of which only the SHA-256 is
/// stored. Every link ends: at <see cref="ExpiresAt"/>, when revoked, when its download limit is used up, or when it
/// locks after too many wrong passwords; an ended link answers exactly as an unknown one.
/// </summary>
public sealed class ShareLink
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public ShareKind Kind { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>Who the link is for, in the sender's words ("Max Muster, Firma X"); shown to the sender only.</summary>
    public string? Recipient { get; set; }
    /// <summary>A note from the sender shown on the public page.</summary>
    public string? Message { get; set; }
    public UserId CreatedBy { get; set; }
    public required string CreatedByName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>The latest expiry this link may ever have (creation + the policy's maximum): expiry can move earlier, never past this.</summary>
    public DateTimeOffset ExpiryCeiling { get; set; }
    /// <summary>Argon2id PHC string; null: the policy allowed a link without password and the sender chose none.</summary>
    public string? PasswordHash { get; set; }
    /// <summary>How the password reached the recipient ("told by phone to …"), with who recorded it and when (TOM 7.3/7.4).</summary>
    public string? Handover { get; set; }
    public string? HandoverBy { get; set; }
    public DateTimeOffset? HandoverAt { get; set; }
    public int? DownloadLimit { get; set; }
    /// <summary>Downloads counted so far (reserved before the first byte leaves, so parallel requests never exceed the limit).</summary>
    public int Downloads { get; set; }
    public int FailedPasswords { get; set; }
    public DateTimeOffset? LockedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    /// <summary>Sensitive mode (TOM 7.4): the recipient gets one encrypted package instead of the files.</summary>
    public bool Sensitive { get; set; }
    public bool NotifyOnFirstDownload { get; set; }
    public DateTimeOffset? FirstDownloadAt { get; set; }
    /// <summary>Upload requests: the folder files are dropped into (through the sluice), and the limits of the link.</summary>
    public Guid? FolderId { get; set; }
    public int? MaxFiles { get; set; }
    public long? MaxBytes { get; set; }
    public int UploadedFiles { get; set; }
    public long UploadedBytes { get; set; }
    /// <summary>When the link's end was processed: data that existed only for this transfer was deleted then.</summary>
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndReason { get; set; }
}

/// <summary>
/// What a shared item is: a document version, the encrypted package of a sensitive link, or a file the sender uploaded
/// for this link alone (checked by the sluice, kept outside the document store, deleted when the link ends).
/// </summary>
public enum ShareItemKind { Document, Package, Transfer }

/// <summary>
/// One file of a download link: a fixed document version (a folder share is a snapshot of its documents' versions at
/// creation), or a file that exists only for the link (the sensitive-mode package, an ad-hoc upload), stored encrypted
/// like a version and deleted when the link ends.
/// </summary>
public sealed class ShareItem
{
    public Guid Id { get; set; }
    public Guid ShareId { get; set; }
    public TenantId TenantId { get; set; }
    public ShareItemKind Kind { get; set; }
    public Guid? DocumentId { get; set; }
    public int? VersionNumber { get; set; }
    /// <summary>The name the recipient sees (a folder share keeps the relative path: "Verträge/2026.pdf").</summary>
    public required string Name { get; set; }
    public long Size { get; set; }
    public required string MediaType { get; set; }
    public required byte[] Sha256 { get; set; }
    /// <summary>Packages and transfers: their own blob and content key (sealed by the tenant key, bound to this row).</summary>
    public string? BlobAddress { get; set; }
    public byte[]? WrappedKey { get; set; }
}

/// <summary>The log of one link, per recipient (a browser that opened it): each access, password attempt, download and upload.</summary>
public sealed class ShareEvent
{
    public Guid Id { get; set; }
    public Guid ShareId { get; set; }
    public TenantId TenantId { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>open, password.wrong, password.ok, download, upload, locked.</summary>
    public required string Kind { get; set; }
    /// <summary>A random id the recipient's browser keeps for this link: tells recipients apart in the log.</summary>
    public required string Visitor { get; set; }
    public string? ClientAddress { get; set; }
    public string? UserAgent { get; set; }
    public Guid? ItemId { get; set; }
    public string? Name { get; set; }
    public long Bytes { get; set; }
    /// <summary>Downloads: the first byte asked for (0 unless resumed).</summary>
    public long? RangeStart { get; set; }
    /// <summary>Downloads and uploads: whether it finished (null while running).</summary>
    public bool? Completed { get; set; }
    /// <summary>Downloads: whether this one counted against the limit (a resumed download continues its first one).</summary>
    public bool Counted { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>A tenant's rules for links; tenants without a row get <see cref="SharingOptions"/>'s defaults.</summary>
public sealed class SharePolicy
{
    public TenantId TenantId { get; set; }
    public bool PasswordRequired { get; set; } = true;
    public int DefaultExpiryDays { get; set; }
    public int MaxExpiryDays { get; set; }
    public bool UploadRequestsAllowed { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

internal sealed class ShareLinkConfiguration : IEntityTypeConfiguration<ShareLink>
{
    public void Configure(EntityTypeBuilder<ShareLink> b)
    {
        b.ToTable("share_links");
        b.HasKey(s => s.Id);
        b.HasIndex(s => s.TokenHash).IsUnique();
        b.HasIndex(s => new { s.TenantId, s.CreatedAt });
        b.HasIndex(s => new { s.CreatedBy, s.CreatedAt });
        b.HasIndex(s => new { s.EndedAt, s.ExpiresAt });
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Recipient).HasMaxLength(200);
        b.Property(s => s.Message).HasMaxLength(1000);
        b.Property(s => s.CreatedByName).HasMaxLength(200);
        b.Property(s => s.PasswordHash).HasMaxLength(200);
        b.Property(s => s.Handover).HasMaxLength(300);
        b.Property(s => s.HandoverBy).HasMaxLength(200);
        b.Property(s => s.RevokedBy).HasMaxLength(200);
        b.Property(s => s.EndReason).HasMaxLength(40);
    }
}

internal sealed class ShareItemConfiguration : IEntityTypeConfiguration<ShareItem>
{
    public void Configure(EntityTypeBuilder<ShareItem> b)
    {
        b.ToTable("share_items");
        b.HasKey(i => i.Id);
        b.HasIndex(i => i.ShareId);
        b.HasIndex(i => i.DocumentId);
        b.HasIndex(i => i.BlobAddress);
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.Name).HasMaxLength(1000);
        b.Property(i => i.MediaType).HasMaxLength(200);
        b.Property(i => i.BlobAddress).HasMaxLength(64);
        b.HasOne<ShareLink>().WithMany().HasForeignKey(i => i.ShareId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ShareEventConfiguration : IEntityTypeConfiguration<ShareEvent>
{
    public void Configure(EntityTypeBuilder<ShareEvent> b)
    {
        b.ToTable("share_events");
        b.HasKey(e => e.Id);
        b.HasIndex(e => new { e.ShareId, e.At });
        b.HasIndex(e => new { e.ShareId, e.Visitor, e.ItemId });
        b.Property(e => e.Kind).HasMaxLength(40);
        b.Property(e => e.Visitor).HasMaxLength(40);
        b.Property(e => e.ClientAddress).HasMaxLength(64);
        b.Property(e => e.UserAgent).HasMaxLength(300);
        b.Property(e => e.Name).HasMaxLength(1000);
        b.HasOne<ShareLink>().WithMany().HasForeignKey(e => e.ShareId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SharePolicyConfiguration : IEntityTypeConfiguration<SharePolicy>
{
    public void Configure(EntityTypeBuilder<SharePolicy> b)
    {
        b.ToTable("share_policies");
        b.HasKey(p => p.TenantId);
        b.Property(p => p.UpdatedBy).HasMaxLength(200);
    }
}
