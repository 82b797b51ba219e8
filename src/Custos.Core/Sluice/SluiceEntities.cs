using Custos.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Sluice;

/// <summary>Where a file goes once the sluice releases it.</summary>
public enum SluiceTarget
{
    /// <summary>A new document in a folder (<see cref="QuarantineItem.TargetId"/> is the folder).</summary>
    NewDocument,

    /// <summary>The next version of a checked-out document (<see cref="QuarantineItem.TargetId"/> is the document).</summary>
    DocumentVersion,
}

public enum QuarantineState
{
    /// <summary>Waiting for the checks (or for the virus scanner to come back).</summary>
    Pending,

    /// <summary>A check could not decide or flagged something a reviewer may overrule: two reviewers must agree to release.</summary>
    Review,

    Released,
    Blocked,
}

/// <summary>What the sluice releases of a file that passed: the disarmed copy (default), the checked original, or both.</summary>
public enum SluiceRelease
{
    Disarmed,
    Original,
    Both,
}

/// <summary>
/// One inbound file in quarantine. Its original is stored encrypted like document content (its own key, wrapped by the
/// tenant key and bound to this row) and is visible to nobody but the sluice, its uploader (state only) and reviewers
/// until it has a verdict; it is kept for <see cref="PurgeAfter"/> for review, then deleted.
/// </summary>
public sealed class QuarantineItem
{
    public Guid Id { get; set; }
    public TenantId TenantId { get; set; }
    public SluiceTarget Target { get; set; }
    public Guid TargetId { get; set; }
    public required string FileName { get; set; }
    public string? DeclaredMediaType { get; set; }
    public string? Comment { get; set; }

    public long Size { get; set; }
    public byte[] Sha256 { get; set; } = [];
    /// <summary>The original's blob; null once purged.</summary>
    public string? BlobAddress { get; set; }
    public byte[]? WrappedKey { get; set; }

    public UserId UploadedBy { get; set; }
    public required string UploadedByName { get; set; }
    /// <summary>The uploader as the audit log names them (e.g. "user:dave"): the release's document events carry it.</summary>
    public required string UploaderActor { get; set; }
    /// <summary>"web", "api", "cli", "kiosk".</summary>
    public required string Source { get; set; }
    public DateTimeOffset UploadedAt { get; set; }

    public QuarantineState State { get; set; }
    /// <summary>Why a pending file waits (a stable code such as <c>antivirus.unavailable</c>), shown to its uploader.</summary>
    public string? Waiting { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>A processor has claimed the item until then (so two never work on one file).</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public string? DetectedKind { get; set; }
    /// <summary>Engine and signature database versions of the virus scan.</summary>
    public string? Engine { get; set; }
    /// <summary>The release record's checks (JSON array of <see cref="CheckResult"/>).</summary>
    public string? Checks { get; set; }
    /// <summary>The worst check's code: the reason shown for a blocked or flagged file.</summary>
    public string? Reason { get; set; }
    public DateTimeOffset? CheckedAt { get; set; }

    public UserId? FirstApprover { get; set; }
    public string? FirstApproverName { get; set; }
    public DateTimeOffset? FirstApprovedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }

    /// <summary>The document the file went into (a new one, or the one a check-in added a version to): its readers see the record.</summary>
    public Guid? DocumentId { get; set; }

    /// <summary>What was released (JSON array of released files: document, version, name, SHA-256, "disarmed"/"original").</summary>
    public string? Released { get; set; }
    public DateTimeOffset? PurgeAfter { get; set; }
    public long RowVersion { get; set; }
}

/// <summary>A tenant's sluice policy; a tenant without one gets the server's defaults.</summary>
public sealed class SluicePolicy
{
    public TenantId TenantId { get; set; }
    /// <summary>Kind ids (comma-separated) that may come in; null: the default allow-list.</summary>
    public string? AllowedKinds { get; set; }
    public SluiceRelease Release { get; set; }
    public int KeepOriginalDays { get; set; } = 14;
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

internal sealed class QuarantineItemConfiguration : IEntityTypeConfiguration<QuarantineItem>
{
    public void Configure(EntityTypeBuilder<QuarantineItem> b)
    {
        b.ToTable("quarantine_items");
        b.HasKey(q => q.Id);
        b.Property(q => q.FileName).HasMaxLength(255);
        b.Property(q => q.DeclaredMediaType).HasMaxLength(200);
        b.Property(q => q.Comment).HasMaxLength(1000);
        b.Property(q => q.BlobAddress).HasMaxLength(64);
        b.Property(q => q.UploadedByName).HasMaxLength(200);
        b.Property(q => q.UploaderActor).HasMaxLength(200);
        b.Property(q => q.Source).HasMaxLength(20);
        b.Property(q => q.Waiting).HasMaxLength(100);
        b.Property(q => q.DetectedKind).HasMaxLength(40);
        b.Property(q => q.Engine).HasMaxLength(200);
        b.Property(q => q.Reason).HasMaxLength(100);
        b.Property(q => q.FirstApproverName).HasMaxLength(200);
        b.Property(q => q.DecidedBy).HasMaxLength(400);
        b.Property(q => q.DecisionNote).HasMaxLength(1000);
        b.Property(q => q.Target).HasConversion<string>().HasMaxLength(20);
        b.Property(q => q.State).HasConversion<string>().HasMaxLength(20);
        b.Property(q => q.RowVersion).IsConcurrencyToken();
        b.HasIndex(q => new { q.State, q.NextAttemptAt });
        b.HasIndex(q => new { q.TenantId, q.State, q.UploadedAt });
        b.HasIndex(q => new { q.UploadedBy, q.UploadedAt });
        b.HasIndex(q => q.BlobAddress);
        b.HasIndex(q => q.PurgeAfter);
        b.HasIndex(q => q.DocumentId);
    }
}

internal sealed class SluicePolicyConfiguration : IEntityTypeConfiguration<SluicePolicy>
{
    public void Configure(EntityTypeBuilder<SluicePolicy> b)
    {
        b.ToTable("sluice_policies");
        b.HasKey(p => p.TenantId);
        b.Property(p => p.AllowedKinds).HasMaxLength(2000);
        b.Property(p => p.Release).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.UpdatedBy).HasMaxLength(200);
    }
}
