using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Keys;
using Custos.Core.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Data;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(200);
        b.HasIndex(t => t.Name).IsUnique();
        b.HasData(new Tenant { Id = TenantId.System, Name = "system", CreatedAt = DateTimeOffset.UnixEpoch });
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.Actor).HasMaxLength(200);
        b.Property(e => e.Action).HasMaxLength(100);
        b.Property(e => e.Target).HasMaxLength(400);
        b.Property(e => e.ClientAddress).HasMaxLength(100);
        b.Property(e => e.PreviousHash).HasMaxLength(AuditHash.Size);
        b.Property(e => e.Hash).HasMaxLength(AuditHash.Size);
        b.HasIndex(e => e.OccurredAt);
        b.HasIndex(e => new { e.TenantId, e.Sequence });
        b.HasIndex(e => new { e.Actor, e.Sequence });
    }
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.HasKey(h => h.Id);
        b.Property(h => h.Id).ValueGeneratedNever();
        b.HasData(new AuditChainHead { Id = AuditChainHead.SingletonId, LastSequence = 0, LastHash = AuditHash.Genesis() });
    }
}

internal sealed class MasterKeyRecordConfiguration : IEntityTypeConfiguration<MasterKeyRecord>
{
    public void Configure(EntityTypeBuilder<MasterKeyRecord> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).HasMaxLength(64);
    }
}

internal sealed class KeyringStateConfiguration : IEntityTypeConfiguration<KeyringState>
{
    public void Configure(EntityTypeBuilder<KeyringState> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.CurrentMasterKeyId).HasMaxLength(64);
        b.HasData(new KeyringState { Id = KeyringState.SingletonId, CurrentMasterKeyId = null, Generation = 0 });
    }
}

internal sealed class TenantDataKeyConfiguration : IEntityTypeConfiguration<TenantDataKey>
{
    public void Configure(EntityTypeBuilder<TenantDataKey> b)
    {
        b.HasKey(k => new { k.TenantId, k.Version });
        b.Property(k => k.MasterKeyId).HasMaxLength(64);
        b.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<MasterKeyRecord>().WithMany().HasForeignKey(k => k.MasterKeyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.HasKey(u => u.Id);
        b.Property(u => u.UserName).HasMaxLength(100);
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.PasswordHash).HasMaxLength(300);
        b.HasIndex(u => u.UserName).IsUnique();
        b.Property(u => u.DirectoryDn).HasMaxLength(400);
        b.Property(u => u.TotpSecret).HasMaxLength(200);
    }
}

internal sealed class UserRoleConfiguration : IEntityTypeConfiguration<UserRole>
{
    public void Configure(EntityTypeBuilder<UserRole> b)
    {
        b.HasKey(r => new { r.UserId, r.Role });
        b.Property(r => r.Role).HasMaxLength(50);
        b.Property(r => r.GrantedBy).HasMaxLength(200);
        b.HasOne<User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.TokenHash).HasMaxLength(32);
        b.HasIndex(s => s.TokenHash).IsUnique();
        b.Property(s => s.ClientAddress).HasMaxLength(100);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SetupTokenConfiguration : IEntityTypeConfiguration<SetupToken>
{
    public void Configure(EntityTypeBuilder<SetupToken> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.TokenHash).HasMaxLength(32);
        b.HasIndex(t => t.TokenHash).IsUnique();
    }
}
