using Custos.Core.Identity;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Data;

internal sealed class VaultFolderConfiguration : IEntityTypeConfiguration<VaultFolder>
{
    public void Configure(EntityTypeBuilder<VaultFolder> b)
    {
        b.HasKey(f => f.Id);
        b.Property(f => f.Name).HasMaxLength(200);
        b.Property(f => f.CreatedBy).HasMaxLength(200);
        b.Property(f => f.Policy).HasMaxLength(2000);
        b.HasIndex(f => new { f.TenantId, f.ParentId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(f => f.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VaultFolder>().WithMany().HasForeignKey(f => f.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VaultEntryConfiguration : IEntityTypeConfiguration<VaultEntry>
{
    public void Configure(EntityTypeBuilder<VaultEntry> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.Title).HasMaxLength(500);
        b.Property(e => e.UserName).HasMaxLength(500);
        b.Property(e => e.SecretNames).HasMaxLength(4000);
        b.Property(e => e.ServiceLimitation).HasMaxLength(1000);
        b.Property(e => e.RotationReason).HasMaxLength(500);
        b.Property(e => e.CreatedBy).HasMaxLength(200);
        b.Property(e => e.ModifiedBy).HasMaxLength(200);
        b.Property(e => e.PasswordFingerprint).HasMaxLength(32);
        b.HasIndex(e => new { e.TenantId, e.FolderId });
        b.HasIndex(e => e.PasswordFingerprint);
        b.HasIndex(e => new { e.TenantId, e.ExpiresAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VaultFolder>().WithMany().HasForeignKey(e => e.FolderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VaultEntryVersionConfiguration : IEntityTypeConfiguration<VaultEntryVersion>
{
    public void Configure(EntityTypeBuilder<VaultEntryVersion> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.WrittenBy).HasMaxLength(200);
        b.Property(v => v.ReplacedBy).HasMaxLength(200);
        b.HasIndex(v => new { v.EntryId, v.Version }).IsUnique();
        b.HasOne<VaultEntry>().WithMany().HasForeignKey(v => v.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VaultAttachmentConfiguration : IEntityTypeConfiguration<VaultAttachment>
{
    public void Configure(EntityTypeBuilder<VaultAttachment> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Name).HasMaxLength(255);
        b.Property(a => a.Sha256).HasMaxLength(32);
        b.Property(a => a.CreatedBy).HasMaxLength(200);
        b.HasIndex(a => a.EntryId);
        b.HasOne<VaultEntry>().WithMany().HasForeignKey(a => a.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VaultGrantConfiguration : IEntityTypeConfiguration<VaultGrant>
{
    public void Configure(EntityTypeBuilder<VaultGrant> b)
    {
        b.HasKey(g => g.Id);
        b.Property(g => g.GrantedBy).HasMaxLength(200);
        b.HasIndex(g => new { g.TenantId, g.FolderId });
        b.HasIndex(g => g.EntryId);
        b.HasIndex(g => g.UserId);
        b.HasIndex(g => g.GroupId);
        b.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VaultFolder>().WithMany().HasForeignKey(g => g.FolderId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<VaultEntry>().WithMany().HasForeignKey(g => g.EntryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Group>().WithMany().HasForeignKey(g => g.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VaultAccessRequestConfiguration : IEntityTypeConfiguration<VaultAccessRequest>
{
    public void Configure(EntityTypeBuilder<VaultAccessRequest> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Reason).HasMaxLength(1000);
        b.Property(r => r.DecidedBy).HasMaxLength(200);
        b.HasIndex(r => new { r.TenantId, r.Status });
        b.HasIndex(r => r.EntryId);
        b.HasOne<VaultEntry>().WithMany().HasForeignKey(r => r.EntryId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VaultRevealConfiguration : IEntityTypeConfiguration<VaultReveal>
{
    public void Configure(EntityTypeBuilder<VaultReveal> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Field).HasMaxLength(300);
        b.Property(r => r.ClientAddress).HasMaxLength(100);
        b.Property(r => r.Client).HasMaxLength(20);
        b.HasIndex(r => new { r.EntryId, r.At });
        b.HasIndex(r => new { r.UserId, r.At });
        // No foreign keys: the record of who revealed what outlives the entry and the user.
    }
}

internal sealed class VaultNotificationConfiguration : IEntityTypeConfiguration<VaultNotification>
{
    public void Configure(EntityTypeBuilder<VaultNotification> b)
    {
        b.HasKey(n => n.Id);
        b.Property(n => n.Kind).HasMaxLength(50);
        b.Property(n => n.Text).HasMaxLength(1000);
        b.HasIndex(n => new { n.UserId, n.ReadAt });
        b.HasIndex(n => new { n.UserId, n.EntryId, n.Kind, n.Text }).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
