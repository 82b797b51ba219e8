using System.DirectoryServices.Protocols;
using Custos.Core.Common;
using Custos.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Custos.Core.Ldap;

public enum DirectoryBindResult
{
    Accepted,
    /// <summary>Wrong password, or the account is disabled, locked, removed or no longer matches the user filter.</summary>
    Rejected,
    /// <summary>The directory could not be asked (not configured, unreachable, TLS failure): neither yes nor no.</summary>
    Unavailable,
}

/// <summary>
/// Checks a directory user's password by binding as them, so that a user disabled or removed in the directory cannot
/// log in even before the next sync. After the bind, the service account checks that the entry still matches the user
/// filter: directories that let disabled accounts bind (plain OpenLDAP) are held to the same rule as AD.
/// </summary>
public sealed class DirectoryAuthenticator(
    IDbContextFactory<CustosDbContext> dbFactory, DirectoryConfiguration configuration, ILogger<DirectoryAuthenticator>? logger = null)
{
    /// <summary>Says neither that the user exists nor why the directory failed; the reason goes to the log and the audit.</summary>
    public static readonly Error Unavailable = new("auth.directory_unavailable",
        "Login is not possible at the moment. Please try again later.");

    private readonly ILogger log = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<DirectoryBindResult> BindAsync(string dn, string password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password)) return DirectoryBindResult.Rejected;
        DirectorySettings? settings;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            settings = await db.DirectorySettings.AsNoTracking().SingleOrDefaultAsync(d => d.Id == DirectorySettings.SingletonId, ct);
        if (settings is not { Enabled: true })
        {
            log.LogWarning("A directory user tried to log in, but no directory is configured.");
            return DirectoryBindResult.Unavailable;
        }
        string servicePassword;
        try
        {
            servicePassword = await configuration.UnsealBindPasswordAsync(settings, ct);
        }
        catch (DirectoryException e)
        {
            log.LogWarning("Directory login check failed: {Reason}", e.Message);
            return DirectoryBindResult.Unavailable;
        }
        return await Task.Run(() => Bind(settings, servicePassword, dn, password, ct), ct);
    }

    private DirectoryBindResult Bind(DirectorySettings settings, string servicePassword, string dn, string password, CancellationToken ct)
    {
        try
        {
            using var connection = DirectoryConnection.Open(DirectoryEndpoint.From(settings), dn, password);
            try
            {
                connection.Rebind(settings.BindDn, servicePassword);
            }
            catch (DirectoryException e) when (e.Failure == DirectoryFailure.CredentialsRejected)
            {
                // The user's password was right; a refused service account is a configuration fault, not a wrong password.
                throw new DirectoryException(DirectoryFailure.OperationFailed, "The directory refused the service account (bind DN or its password).", e);
            }
            var stillEligible = connection.Search(dn, settings.UserFilter, SearchScope.Base, ["1.1"], ct).Count == 1;
            return stillEligible ? DirectoryBindResult.Accepted : DirectoryBindResult.Rejected;
        }
        catch (DirectoryException e) when (e.Failure == DirectoryFailure.CredentialsRejected)
        {
            return DirectoryBindResult.Rejected;
        }
        catch (DirectoryException e)
        {
            log.LogWarning("Directory login check failed: {Reason}", e.Message);
            return DirectoryBindResult.Unavailable;
        }
    }
}
