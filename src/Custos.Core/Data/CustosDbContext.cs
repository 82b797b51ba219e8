using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Core.Keys;
using Custos.Core.Tenants;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Custos.Core.Data;

/// <summary>The one EF model of Custos, free of any particular database; providers and migrations live in Storage.</summary>
public sealed class CustosDbContext(DbContextOptions<CustosDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Keys for anti-forgery tokens, shared by every node of a PostgreSQL installation.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<MasterKeyRecord> MasterKeys => Set<MasterKeyRecord>();
    public DbSet<KeyringState> KeyringStates => Set<KeyringState>();
    public DbSet<TenantDataKey> TenantDataKeys => Set<TenantDataKey>();
    public DbSet<User> Users => Set<User>();
    public DbSet<UserRole> UserRoles => Set<UserRole>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<SetupToken> SetupTokens => Set<SetupToken>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<SecurityKey> SecurityKeys => Set<SecurityKey>();
    public DbSet<WebAuthnChallenge> WebAuthnChallenges => Set<WebAuthnChallenge>();
    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();
    public DbSet<PasswordHistoryEntry> PasswordHistory => Set<PasswordHistoryEntry>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<TenantGrant> TenantGrants => Set<TenantGrant>();
    public DbSet<Ldap.DirectorySettings> DirectorySettings => Set<Ldap.DirectorySettings>();
    public DbSet<Vault.VaultFolder> VaultFolders => Set<Vault.VaultFolder>();
    public DbSet<Vault.VaultEntry> VaultEntries => Set<Vault.VaultEntry>();
    public DbSet<Vault.VaultEntryVersion> VaultEntryVersions => Set<Vault.VaultEntryVersion>();
    public DbSet<Vault.VaultAttachment> VaultAttachments => Set<Vault.VaultAttachment>();
    public DbSet<Vault.VaultGrant> VaultGrants => Set<Vault.VaultGrant>();
    public DbSet<Vault.VaultAccessRequest> VaultAccessRequests => Set<Vault.VaultAccessRequest>();
    public DbSet<Vault.VaultReveal> VaultReveals => Set<Vault.VaultReveal>();
    public DbSet<Vault.VaultNotification> VaultNotifications => Set<Vault.VaultNotification>();
    public DbSet<Documents.DocumentFolder> DocumentFolders => Set<Documents.DocumentFolder>();
    public DbSet<Documents.Document> Documents => Set<Documents.Document>();
    public DbSet<Documents.DocumentVersion> DocumentVersions => Set<Documents.DocumentVersion>();
    public DbSet<Documents.RetentionClass> RetentionClasses => Set<Documents.RetentionClass>();
    public DbSet<Documents.LegalHold> LegalHolds => Set<Documents.LegalHold>();
    public DbSet<Documents.DocumentTag> DocumentTags => Set<Documents.DocumentTag>();
    public DbSet<Documents.DocumentSearchRow> DocumentSearchRows => Set<Documents.DocumentSearchRow>();
    public DbSet<Documents.ErasureRequest> ErasureRequests => Set<Documents.ErasureRequest>();
    public DbSet<Documents.ErasureItem> ErasureItems => Set<Documents.ErasureItem>();
    public DbSet<RightsStamp> RightsStamps => Set<RightsStamp>();
    public DbSet<SecureUse.SshHostKey> SshHostKeys => Set<SecureUse.SshHostKey>();
    public DbSet<SecureUse.SshSessionRecord> SshSessions => Set<SecureUse.SshSessionRecord>();
    public DbSet<SecureUse.Web.WebSessionRecord> WebSessions => Set<SecureUse.Web.WebSessionRecord>();
    public DbSet<SecureUse.Web.WebRequestRecord> WebRequests => Set<SecureUse.Web.WebRequestRecord>();
    public DbSet<Sluice.QuarantineItem> QuarantineItems => Set<Sluice.QuarantineItem>();
    public DbSet<Sluice.SluicePolicy> SluicePolicies => Set<Sluice.SluicePolicy>();
    public DbSet<Sharing.ShareLink> ShareLinks => Set<Sharing.ShareLink>();
    public DbSet<Sharing.ShareItem> ShareItems => Set<Sharing.ShareItem>();
    public DbSet<Sharing.ShareEvent> ShareEvents => Set<Sharing.ShareEvent>();
    public DbSet<Sharing.SharePolicy> SharePolicies => Set<Sharing.SharePolicy>();
    public DbSet<Backup.BackupTarget> BackupTargets => Set<Backup.BackupTarget>();
    public DbSet<Backup.BackupRun> BackupRuns => Set<Backup.BackupRun>();
    public DbSet<Backup.BackupAlarm> BackupAlarms => Set<Backup.BackupAlarm>();
    public DbSet<Backup.ErasureJournalEntry> ErasureJournal => Set<Backup.ErasureJournalEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Microseconds since the epoch as a 64-bit integer: identical on SQLite and PostgreSQL, sortable, and hashable.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMicrosecondsConverter>();
        configurationBuilder.Properties<TenantId>().HaveConversion<TenantIdConverter>();
        configurationBuilder.Properties<UserId>().HaveConversion<UserIdConverter>();
        configurationBuilder.Properties<GroupId>().HaveConversion<GroupIdConverter>();
        configurationBuilder.Properties<ProjectId>().HaveConversion<ProjectIdConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CustosDbContext).Assembly);

    private sealed class UnixMicrosecondsConverter() : ValueConverter<DateTimeOffset, long>(
        v => TimeExtensions.ToUnixMicroseconds(v), v => TimeExtensions.FromUnixMicroseconds(v));

    private sealed class TenantIdConverter() : ValueConverter<TenantId, Guid>(v => v.Value, v => new TenantId(v));

    private sealed class UserIdConverter() : ValueConverter<UserId, Guid>(v => v.Value, v => new UserId(v));

    private sealed class GroupIdConverter() : ValueConverter<GroupId, Guid>(v => v.Value, v => new GroupId(v));

    private sealed class ProjectIdConverter() : ValueConverter<ProjectId, Guid>(v => v.Value, v => new ProjectId(v));
}
