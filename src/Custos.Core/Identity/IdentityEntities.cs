using Custos.Core.Common;

namespace Custos.Core.Identity;

public sealed class User
{
    public UserId Id { get; set; }
    /// <summary>Lower-case login name; unique.</summary>
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    /// <summary>PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash) so parameters can be upgraded per hash.</summary>
    public required string PasswordHash { get; set; }
    public bool IsEnabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
    /// <summary>Disabled by an administrator (not by the directory sync), so a sync never enables the user again.</summary>
    public bool DisabledByAdministrator { get; set; }

    /// <summary>Set for users that come from the directory (LDAP/AD): they log in by binding there.</summary>
    public string? DirectoryDn { get; set; }

    public int FailedLogins { get; set; }
    public int Lockouts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>TOTP seed sealed with the system data key (FieldCipher); counts only once confirmed with a code.</summary>
    public byte[]? TotpSecret { get; set; }
    public DateTimeOffset? TotpConfirmedAt { get; set; }
    /// <summary>The last accepted TOTP time step, so a code cannot be used twice.</summary>
    public long TotpLastStep { get; set; }
}

public sealed class UserRole
{
    public UserId UserId { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    public required string GrantedBy { get; set; }
}

/// <summary>A server-side login session; the cookie carries a random token, the database only its SHA-256.</summary>
public sealed class UserSession
{
    public Guid Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public UserId UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? ClientAddress { get; set; }
    /// <summary>Password accepted, second factor still owed: the session may do nothing but complete it.</summary>
    public bool SecondFactorPending { get; set; }
    /// <summary>Last proof with a security key (WebAuthn), for the step-up that sensitive tenants demand.</summary>
    public DateTimeOffset? SteppedUpAt { get; set; }
}

/// <summary>The one-time link with which the first administrator is created.</summary>
public sealed class SetupToken
{
    public Guid Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

public static class Roles
{
    public const string Administrator = "admin";
    /// <summary>Reads the audit log. Granted explicitly: the log is personal data of employees.</summary>
    public const string Auditor = "auditor";
    /// <summary>Decides on files the sluice holds for review (with a grant on their tenant; releasing a flagged file takes two).</summary>
    public const string QuarantineReviewer = "quarantine-reviewer";

    public static readonly IReadOnlyList<string> All = [Administrator, Auditor, QuarantineReviewer];
}

/// <summary>A group of users (a role such as accounting, support or management); rights are granted to groups.</summary>
public sealed class Group
{
    public GroupId Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>The directory group this one mirrors, if any; the directory sync owns its members.</summary>
    public string? DirectoryDn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class GroupMember
{
    public GroupId GroupId { get; set; }
    public UserId UserId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public required string AddedBy { get; set; }
}

/// <summary>Single-use codes for when the authenticator is lost; only their SHA-256 is stored.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }
    public UserId UserId { get; set; }
    public required byte[] CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>The options of a begun WebAuthn ceremony, kept in the database so that any node can finish it.</summary>
public sealed class WebAuthnChallenge
{
    public Guid SessionId { get; set; }
    public required string Ceremony { get; set; }
    public required string OptionsJson { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A registered security key (WebAuthn credential).</summary>
public sealed class SecurityKey
{
    public Guid Id { get; set; }
    public UserId UserId { get; set; }
    public required byte[] CredentialId { get; set; }
    public required byte[] PublicKey { get; set; }
    public required byte[] UserHandle { get; set; }
    public long SignCount { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>A personal access token for the command line and scripts: scoped, expiring, stored as its SHA-256.</summary>
public sealed class AccessToken
{
    public Guid Id { get; set; }
    public UserId UserId { get; set; }
    public required string Name { get; set; }
    public required byte[] TokenHash { get; set; }
    /// <summary>Space-separated scopes, e.g. "vault:read audit:read".</summary>
    public required string Scopes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>Earlier password hashes, so the last five cannot be chosen again.</summary>
public sealed class PasswordHistoryEntry
{
    public Guid Id { get; set; }
    public UserId UserId { get; set; }
    public required string PasswordHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
