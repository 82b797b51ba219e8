using Custos.Core.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Data;

internal sealed class DocumentFolderConfiguration : IEntityTypeConfiguration<DocumentFolder>
{
    public void Configure(EntityTypeBuilder<DocumentFolder> b)
    {
        b.HasKey(f => f.Id);
        b.Property(f => f.Name).HasMaxLength(DocumentNames.MaxLength);
        b.Property(f => f.CreatedBy).HasMaxLength(200);
        b.HasIndex(f => new { f.TenantId, f.ParentId, f.Name });
        b.HasOne<Tenants.Tenant>().WithMany().HasForeignKey(f => f.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Tenants.Project>().WithMany().HasForeignKey(f => f.ProjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<DocumentFolder>().WithMany().HasForeignKey(f => f.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<RetentionClass>().WithMany().HasForeignKey(f => f.RetentionClassId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> b)
    {
        b.HasKey(d => d.Id);
        b.Property(d => d.Name).HasMaxLength(DocumentNames.MaxLength);
        b.Property(d => d.CreatedBy).HasMaxLength(200);
        b.Property(d => d.LockedByName).HasMaxLength(200);
        b.Property(d => d.RowVersion).IsConcurrencyToken();
        // One name per folder: two uploads of the same name race, the index decides.
        b.HasIndex(d => new { d.FolderId, d.Name }).IsUnique();
        b.HasIndex(d => new { d.TenantId, d.FolderId });
        b.HasIndex(d => d.LockedBy);
        b.HasOne<DocumentFolder>().WithMany().HasForeignKey(d => d.FolderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<RetentionClass>().WithMany().HasForeignKey(d => d.RetentionClassId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(d => d.RetainUntil);
        // The indexer's work list: documents whose current version is not indexed yet.
        b.HasIndex(d => new { d.IndexedVersion, d.CurrentVersion });
        b.HasIndex(d => d.RestrictionId);
    }
}

internal sealed class DocumentTagConfiguration : IEntityTypeConfiguration<DocumentTag>
{
    public void Configure(EntityTypeBuilder<DocumentTag> b)
    {
        b.HasKey(t => new { t.DocumentId, t.Tag });
        b.Property(t => t.Tag).HasMaxLength(DocumentTagging.MaxLength);
        b.HasIndex(t => new { t.TenantId, t.Tag });
        b.HasOne<Document>().WithMany().HasForeignKey(t => t.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DocumentSearchRowConfiguration : IEntityTypeConfiguration<DocumentSearchRow>
{
    public void Configure(EntityTypeBuilder<DocumentSearchRow> b)
    {
        b.ToTable(DocumentSearchIndex.RowTable);
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.HasIndex(r => r.DocumentId).IsUnique();
        b.HasIndex(r => r.TenantId);
    }
}

internal sealed class ErasureRequestConfiguration : IEntityTypeConfiguration<ErasureRequest>
{
    public void Configure(EntityTypeBuilder<ErasureRequest> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Reason).HasMaxLength(1000);
        b.Property(r => r.Query).HasMaxLength(1000);
        b.Property(r => r.RequestedBy).HasMaxLength(200);
        b.HasIndex(r => new { r.TenantId, r.CreatedAt });
    }
}

internal sealed class ErasureItemConfiguration : IEntityTypeConfiguration<ErasureItem>
{
    public void Configure(EntityTypeBuilder<ErasureItem> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.DocumentName).HasMaxLength(DocumentNames.MaxLength);
        b.Property(i => i.Detail).HasMaxLength(1000);
        b.HasIndex(i => i.RequestId);
        b.HasIndex(i => i.DocumentId);
        b.HasOne<ErasureRequest>().WithMany().HasForeignKey(i => i.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DocumentVersionConfiguration : IEntityTypeConfiguration<DocumentVersion>
{
    public void Configure(EntityTypeBuilder<DocumentVersion> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.Sha256).HasMaxLength(32);
        b.Property(v => v.MediaType).HasMaxLength(100);
        b.Property(v => v.Author).HasMaxLength(200);
        b.Property(v => v.Comment).HasMaxLength(1000);
        b.Property(v => v.BlobAddress).HasMaxLength(64);
        b.HasIndex(v => new { v.DocumentId, v.Number }).IsUnique();
        b.HasIndex(v => v.BlobAddress);
        b.HasOne<Document>().WithMany().HasForeignKey(v => v.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RetentionClassConfiguration : IEntityTypeConfiguration<RetentionClass>
{
    public void Configure(EntityTypeBuilder<RetentionClass> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.Description).HasMaxLength(500);
        b.Property(c => c.CreatedBy).HasMaxLength(200);
        b.HasIndex(c => c.Name).IsUnique();
        b.HasData(RetentionDefaults.All(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero)));
    }
}

internal sealed class LegalHoldConfiguration : IEntityTypeConfiguration<LegalHold>
{
    public void Configure(EntityTypeBuilder<LegalHold> b)
    {
        b.HasKey(h => h.Id);
        b.Property(h => h.Reason).HasMaxLength(1000);
        b.Property(h => h.Owner).HasMaxLength(200);
        b.Property(h => h.ReleasedBy).HasMaxLength(200);
        b.HasIndex(h => new { h.TenantId, h.ReleasedAt });
        b.HasIndex(h => h.DocumentId);
        b.HasIndex(h => h.FolderId);
    }
}
