using Custos.Core.Ldap;
using Custos.Core.Identity;
using Custos.Core.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Custos.Core.Data;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> b)
    {
        b.HasKey(g => g.Id);
        b.Property(g => g.Name).HasMaxLength(100);
        b.Property(g => g.Description).HasMaxLength(400);
        b.Property(g => g.DirectoryDn).HasMaxLength(400);
        b.HasIndex(g => g.Name).IsUnique();
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> b)
    {
        b.HasKey(m => new { m.GroupId, m.UserId });
        b.Property(m => m.AddedBy).HasMaxLength(200);
        b.HasIndex(m => m.UserId);
        b.HasOne<Group>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.CodeHash).HasMaxLength(32);
        b.HasIndex(c => c.UserId);
        b.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SecurityKeyConfiguration : IEntityTypeConfiguration<SecurityKey>
{
    public void Configure(EntityTypeBuilder<SecurityKey> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.CredentialId).HasMaxLength(1024);
        b.HasIndex(k => k.CredentialId).IsUnique();
        b.Property(k => k.Name).HasMaxLength(100);
        b.HasIndex(k => k.UserId);
        b.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebAuthnChallengeConfiguration : IEntityTypeConfiguration<WebAuthnChallenge>
{
    public void Configure(EntityTypeBuilder<WebAuthnChallenge> b)
    {
        b.HasKey(c => new { c.SessionId, c.Ceremony });
        b.Property(c => c.Ceremony).HasMaxLength(20);
        b.HasIndex(c => c.ExpiresAt);
        b.HasOne<UserSession>().WithMany().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccessTokenConfiguration : IEntityTypeConfiguration<AccessToken>
{
    public void Configure(EntityTypeBuilder<AccessToken> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Scopes).HasMaxLength(400);
        b.Property(t => t.TokenHash).HasMaxLength(32);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PasswordHistoryConfiguration : IEntityTypeConfiguration<PasswordHistoryEntry>
{
    public void Configure(EntityTypeBuilder<PasswordHistoryEntry> b)
    {
        b.HasKey(h => h.Id);
        b.Property(h => h.PasswordHash).HasMaxLength(300);
        b.HasIndex(h => new { h.UserId, h.CreatedAt });
        b.HasOne<User>().WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Name).HasMaxLength(200);
        b.HasIndex(p => new { p.TenantId, p.Name }).IsUnique();
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TenantGrantConfiguration : IEntityTypeConfiguration<TenantGrant>
{
    public void Configure(EntityTypeBuilder<TenantGrant> b)
    {
        b.HasKey(g => g.Id);
        b.Property(g => g.GrantedBy).HasMaxLength(200);
        b.HasIndex(g => new { g.GroupId, g.TenantId, g.ProjectId }).IsUnique();
        b.HasIndex(g => g.TenantId);
        b.HasOne<Group>().WithMany().HasForeignKey(g => g.GroupId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Project>().WithMany().HasForeignKey(g => g.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DirectorySettingsConfiguration : IEntityTypeConfiguration<DirectorySettings>
{
    public void Configure(EntityTypeBuilder<DirectorySettings> b)
    {
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.Host).HasMaxLength(255);
        b.Property(d => d.Security).HasMaxLength(20);
        b.Property(d => d.TrustedCertificatesDirectory).HasMaxLength(400);
        b.Property(d => d.BaseDn).HasMaxLength(400);
        b.Property(d => d.BindDn).HasMaxLength(400);
        b.Property(d => d.UserFilter).HasMaxLength(1000);
        b.Property(d => d.UserNameAttribute).HasMaxLength(100);
        b.Property(d => d.DisplayNameAttribute).HasMaxLength(100);
        b.Property(d => d.LastSyncResult).HasMaxLength(2000);
    }
}
