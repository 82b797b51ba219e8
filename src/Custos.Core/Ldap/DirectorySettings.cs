namespace Custos.Core.Ldap;

/// <summary>
/// The one LDAP / Active Directory connection (TOM 6.3): where users and groups come from. Plain LDAP is refused
/// unless <see cref="AllowInsecure"/> is set explicitly.
/// </summary>
public sealed class DirectorySettings
{
    public const int SingletonId = 1;
    public int Id { get; set; }
    public bool Enabled { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; }
    /// <summary>"ldaps" or "starttls"; "none" only together with <see cref="AllowInsecure"/>.</summary>
    public required string Security { get; set; }
    public bool AllowInsecure { get; set; }
    /// <summary>A folder holding the CA certificate(s) that signed the directory's certificate (PEM).</summary>
    public string? TrustedCertificatesDirectory { get; set; }
    public required string BaseDn { get; set; }
    public required string BindDn { get; set; }
    /// <summary>The service account's password, sealed with the system data key.</summary>
    public byte[]? BindPassword { get; set; }
    public required string UserFilter { get; set; }
    public required string UserNameAttribute { get; set; }
    public string? DisplayNameAttribute { get; set; }
    /// <summary>JSON object: directory group DN → Custos group name.</summary>
    public required string GroupMappings { get; set; }
    public int SyncIntervalMinutes { get; set; } = 60;
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastSyncAt { get; set; }
    public string? LastSyncResult { get; set; }
}
