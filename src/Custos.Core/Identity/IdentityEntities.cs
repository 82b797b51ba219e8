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

    public static readonly IReadOnlyList<string> All = [Administrator, Auditor];
}
