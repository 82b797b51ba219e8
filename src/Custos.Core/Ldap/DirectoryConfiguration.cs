using System.Text;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Keys;
using Microsoft.EntityFrameworkCore;

namespace Custos.Core.Ldap;

/// <summary>The directory settings an operator gives. A null <see cref="BindPassword"/> keeps the stored one.</summary>
public sealed record DirectoryConfigurationRequest
{
    public required string Host { get; init; }
    public int Port { get; init; }
    public required string Security { get; init; }
    public bool AllowInsecure { get; init; }
    public string? TrustedCertificatesDirectory { get; init; }
    public required string BaseDn { get; init; }
    public required string BindDn { get; init; }
    public string? BindPassword { get; init; }
    public string UserFilter { get; init; } = DirectoryConfiguration.ActiveDirectoryUserFilter;
    public string UserNameAttribute { get; init; } = "sAMAccountName";
    public string? DisplayNameAttribute { get; init; } = "displayName";
    /// <summary>Directory group DN → Custos group name.</summary>
    public IReadOnlyDictionary<string, string> GroupMappings { get; init; } = new Dictionary<string, string>();
    public int SyncIntervalMinutes { get; init; } = 60;
}

/// <summary>Stores the one directory connection (TOM 6.3), validated, with the service account's password sealed.</summary>
public sealed class DirectoryConfiguration(IDbContextFactory<CustosDbContext> dbFactory, Keyring keyring, AuditLog audit, TimeProvider time)
{
    /// <summary>Enabled person accounts in AD: bit 2 of userAccountControl (ACCOUNTDISABLE) clear.</summary>
    public const string ActiveDirectoryUserFilter =
        "(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))";

    private static readonly FieldContext BindPasswordContext = new(TenantId.System.Value, "directory", "bind-password", 1);

    public async Task<Result<DirectorySettings>> SaveAsync(DirectoryConfigurationRequest request, Actor actor, CancellationToken ct = default)
    {
        if (Validate(request) is { } invalid) return invalid;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var settings = await db.DirectorySettings.SingleOrDefaultAsync(d => d.Id == DirectorySettings.SingletonId, ct);
        if (request.BindPassword is null && settings?.BindPassword is null)
            return DirectoryErrors.Invalid("The service account needs a password (--bind-password-file).");
        var created = settings is null;
        settings ??= new DirectorySettings
        {
            Id = DirectorySettings.SingletonId,
            Host = "",
            Security = "",
            BaseDn = "",
            BindDn = "",
            UserFilter = "",
            UserNameAttribute = "",
            GroupMappings = "{}",
        };
        var mappings = request.GroupMappings.ToDictionary(m => m.Key.Trim(), m => m.Value.Trim());
        settings.Enabled = true;
        settings.Host = request.Host.Trim();
        settings.Port = request.Port;
        settings.Security = request.Security;
        settings.AllowInsecure = request.AllowInsecure;
        settings.TrustedCertificatesDirectory = string.IsNullOrWhiteSpace(request.TrustedCertificatesDirectory)
            ? null
            : Path.GetFullPath(request.TrustedCertificatesDirectory);
        settings.BaseDn = request.BaseDn.Trim();
        settings.BindDn = request.BindDn.Trim();
        settings.UserFilter = request.UserFilter.Trim();
        settings.UserNameAttribute = request.UserNameAttribute.Trim();
        settings.DisplayNameAttribute = string.IsNullOrWhiteSpace(request.DisplayNameAttribute) ? null : request.DisplayNameAttribute.Trim();
        settings.GroupMappings = GroupMappings.Serialize(mappings);
        settings.SyncIntervalMinutes = request.SyncIntervalMinutes;
        settings.UpdatedAt = time.StoredNow();
        if (request.BindPassword is not null) settings.BindPassword = await SealAsync(request.BindPassword, ct);
        if (created) db.DirectorySettings.Add(settings);

        await audit.CommitAsync(db, tx, new AuditEntry(actor.Name, "directory.configure", ClientAddress: actor.ClientAddress,
            Target: "directory", Details: new Dictionary<string, string?>
            {
                ["endpoint"] = DirectoryEndpoint.From(settings).Display,
                ["allowInsecure"] = settings.AllowInsecure ? "true" : "false",
                ["caDirectory"] = settings.TrustedCertificatesDirectory,
                ["baseDn"] = settings.BaseDn,
                ["bindDn"] = settings.BindDn,
                // Only whether it changed: the password itself never enters the log.
                ["bindPassword"] = request.BindPassword is null ? "unchanged" : "set",
                ["userFilter"] = settings.UserFilter,
                ["userAttribute"] = settings.UserNameAttribute,
                ["mappings"] = string.Join("; ", mappings.Select(m => $"{m.Key} -> {m.Value}")),
            }), ct);
        return settings;
    }

    /// <summary>The service account's password, unsealed for one connection.</summary>
    public async Task<string> UnsealBindPasswordAsync(DirectorySettings settings, CancellationToken ct = default)
    {
        var sealedValue = settings.BindPassword ?? throw new DirectoryException(DirectoryFailure.OperationFailed,
            "The directory settings hold no service account password; configure it again.");
        var key = await keyring.GetDataKeyAsync(TenantId.System, FieldCipher.ReadDataKeyVersion(sealedValue), ct);
        return Encoding.UTF8.GetString(FieldCipher.Decrypt(key.Key, BindPasswordContext, sealedValue));
    }

    private async Task<byte[]> SealAsync(string password, CancellationToken ct)
    {
        var key = await keyring.GetDataKeyAsync(TenantId.System, ct);
        return FieldCipher.Encrypt(key.Key, key.Version, BindPasswordContext, Encoding.UTF8.GetBytes(password));
    }

    private static Error? Validate(DirectoryConfigurationRequest r)
    {
        var host = r.Host.Trim();
        if (host.Length is 0 or > 255 || host.Contains("://") || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
            return DirectoryErrors.Invalid("The host must be a host name or IP address (without ldap:// and port).");
        if (r.Port is < 1 or > 65535) return DirectoryErrors.Invalid("The port must be between 1 and 65535.");
        if (!DirectorySecurity.All.Contains(r.Security))
            return DirectoryErrors.Invalid($"The security mode must be one of: {string.Join(", ", DirectorySecurity.All)}.");
        if (r.Security == DirectorySecurity.None && !r.AllowInsecure)
            return DirectoryErrors.Invalid("Plain LDAP sends passwords unencrypted; it is refused unless --allow-insecure is given. Use ldaps or starttls.");
        if (!string.IsNullOrWhiteSpace(r.TrustedCertificatesDirectory) && !Directory.Exists(r.TrustedCertificatesDirectory))
            return DirectoryErrors.Invalid($"The CA folder '{r.TrustedCertificatesDirectory}' does not exist.");
        if (DistinguishedNames.Normalize(r.BaseDn) is null) return DirectoryErrors.Invalid("The base DN is missing or not a DN (e.g. dc=example,dc=com).");
        if (DistinguishedNames.Normalize(r.BindDn) is null) return DirectoryErrors.Invalid("The bind DN is missing or not a DN.");
        if (r.BindPassword is { Length: 0 }) return DirectoryErrors.Invalid("The service account password is empty.");
        var filter = r.UserFilter.Trim();
        if (filter.Length is < 3 or > 1000 || filter[0] != '(' || filter[^1] != ')' || filter.Count(c => c == '(') != filter.Count(c => c == ')'))
            return DirectoryErrors.Invalid("The user filter must be an LDAP filter in parentheses, e.g. (objectClass=user).");
        if (!IsAttributeName(r.UserNameAttribute)) return DirectoryErrors.Invalid("The user name attribute is not an attribute name.");
        if (!string.IsNullOrWhiteSpace(r.DisplayNameAttribute) && !IsAttributeName(r.DisplayNameAttribute))
            return DirectoryErrors.Invalid("The display name attribute is not an attribute name.");
        if (r.SyncIntervalMinutes is < 0 or > 7 * 24 * 60)
            return DirectoryErrors.Invalid("The sync interval must be between 0 (no scheduled sync) and 10080 minutes.");
        var seen = new HashSet<string>();
        foreach (var (dn, group) in r.GroupMappings)
        {
            if (DistinguishedNames.Normalize(dn) is not { } normalized) return DirectoryErrors.Invalid($"The group mapping '{dn}' does not name a DN.");
            if (!GroupMappings.IsValidGroupName(group.Trim())) return DirectoryErrors.Invalid($"The Custos group name for '{dn}' is empty or too long.");
            if (!seen.Add(normalized)) return DirectoryErrors.Invalid($"The directory group '{dn}' is mapped twice.");
        }
        return null;
    }

    private static bool IsAttributeName(string name)
    {
        var n = name.Trim();
        return n.Length is > 0 and <= 100 && char.IsAsciiLetter(n[0]) && n.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
    }
}
