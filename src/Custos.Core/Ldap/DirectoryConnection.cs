using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;

namespace Custos.Core.Ldap;

/// <summary>
/// An open, bound LDAP connection made the one safe way: LDAPS or StartTLS with the configured CA, plain LDAP only when
/// explicitly allowed. Every failure becomes a <see cref="DirectoryException"/> with a message an operator can act on.
/// The calls block (the native library is synchronous); async callers run them on the thread pool.
/// </summary>
public sealed class DirectoryConnection : IDisposable
{
    private const int PageSize = 500;

    // libldap result codes that mean "the directory could not be used", as opposed to an answer.
    private static readonly HashSet<int> TransportErrors = [51 /* busy */, 52 /* unavailable */, 81 /* server down */,
        82 /* local error */, 85 /* timeout */, 91 /* connect error */];

    private readonly LdapConnection connection;

    private DirectoryConnection(LdapConnection connection, DirectoryEndpoint endpoint) => (this.connection, Endpoint) = (connection, endpoint);

    public DirectoryEndpoint Endpoint { get; }

    /// <summary>Connects and binds as <paramref name="dn"/>. An empty password is refused here: LDAP would treat it as an anonymous bind and report success.</summary>
    public static DirectoryConnection Open(DirectoryEndpoint endpoint, string dn, string password)
    {
        if (string.IsNullOrEmpty(password))
            throw new DirectoryException(DirectoryFailure.CredentialsRejected, "An empty password is never sent to the directory.");
        if (endpoint.Security == DirectorySecurity.None && !endpoint.AllowInsecure)
            throw new DirectoryException(DirectoryFailure.InsecureRefused,
                $"Plain LDAP to {endpoint.Display} is refused: passwords would cross the network unencrypted. Use ldaps or starttls, " +
                "or allow it explicitly with --allow-insecure.");
        if (!DirectorySecurity.All.Contains(endpoint.Security))
            throw new DirectoryException(DirectoryFailure.OperationFailed, $"Unknown directory security mode '{endpoint.Security}'.");

        // A TCP probe first: it bounds the connect time (the native connect has no timeout of its own) and lets the
        // message say whether the host is unreachable or the TLS handshake failed, which libldap reports alike.
        Probe(endpoint);

        var ldap = new LdapConnection(new LdapDirectoryIdentifier(endpoint.Host, endpoint.Port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = endpoint.Timeout,
        };
        try
        {
            var options = ldap.SessionOptions;
            options.ProtocolVersion = 3;
            // AD answers searches at the domain root with referrals to other partitions; following them would bind elsewhere.
            options.ReferralChasing = ReferralChasingOptions.None;
            // On Linux the certificate callback is not supported; the CA folder with a fresh TLS context is the way. Windows
            // trusts through its own certificate store instead.
            if (!OperatingSystem.IsWindows() && endpoint.Security != DirectorySecurity.None && !string.IsNullOrEmpty(endpoint.TrustedCertificatesDirectory))
            {
                options.TrustedCertificatesDirectory = endpoint.TrustedCertificatesDirectory;
                options.StartNewTlsSessionContext();
            }
            var credential = new NetworkCredential(dn, password);
            switch (endpoint.Security)
            {
                case DirectorySecurity.Ldaps:
                    options.SecureSocketLayer = true;
                    Bind(ldap, endpoint, credential);
                    break;
                case DirectorySecurity.StartTls:
                    StartTls(ldap, endpoint);
                    Bind(ldap, endpoint, credential);
                    break;
                default:
                    Bind(ldap, endpoint, credential);
                    break;
            }
            return new DirectoryConnection(ldap, endpoint);
        }
        catch
        {
            ldap.Dispose();
            throw;
        }
    }

    /// <summary>Binds again on the same (already secured) connection, e.g. as the service account after checking a user's password.</summary>
    public void Rebind(string dn, string password)
    {
        if (string.IsNullOrEmpty(password))
            throw new DirectoryException(DirectoryFailure.CredentialsRejected, "An empty password is never sent to the directory.");
        Bind(connection, Endpoint, new NetworkCredential(dn, password));
    }

    /// <summary>All entries matching the filter, read in pages so that AD's 1000-entry limit does not cut the list short.</summary>
    public IReadOnlyList<SearchResultEntry> Search(string baseDn, string filter, SearchScope scope, string[] attributes, CancellationToken ct = default)
    {
        var results = new List<SearchResultEntry>();
        // Not critical: a server without paging then answers in one piece, and a size limit fails the search instead of truncating it.
        var paging = new PageResultRequestControl(PageSize) { IsCritical = false };
        var request = new SearchRequest(baseDn, filter, scope, attributes);
        request.Controls.Add(paging);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            SearchResponse response;
            try
            {
                response = (SearchResponse)connection.SendRequest(request, Endpoint.Timeout);
            }
            catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject && scope == SearchScope.Base)
            {
                return [];
            }
            catch (DirectoryOperationException e)
            {
                throw new DirectoryException(DirectoryFailure.OperationFailed,
                    $"The search under '{baseDn}' on {Endpoint.Display} failed: {e.Response?.ResultCode.ToString() ?? e.Message}" +
                    (string.IsNullOrEmpty(e.Response?.ErrorMessage) ? "." : $" ({e.Response.ErrorMessage.Trim()})."), e);
            }
            catch (LdapException e)
            {
                throw Translate(e, Endpoint, "search");
            }
            foreach (SearchResultEntry entry in response.Entries) results.Add(entry);
            var next = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault();
            if (next is null || next.Cookie is not { Length: > 0 }) return results;
            paging.Cookie = next.Cookie;
        }
    }

    public void Dispose() => connection.Dispose();

    private static void Probe(DirectoryEndpoint endpoint)
    {
        using var tcp = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(endpoint.Timeout);
            tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            var reason = e is SocketException s ? s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => "unknown host",
                SocketError.TimedOut => "timed out",
                _ => s.Message,
            } : $"no answer within {endpoint.Timeout.TotalSeconds:0} s";
            throw new DirectoryException(DirectoryFailure.Unreachable, $"The directory at {endpoint.Display} cannot be reached: {reason}.", e);
        }
    }

    /// <summary>
    /// StartTLS needs an open socket, which the library opens only with the first operation: an anonymous bind does
    /// that without sending a secret; its result does not matter (a server may refuse anonymous binds).
    /// </summary>
    private static void StartTls(LdapConnection ldap, DirectoryEndpoint endpoint)
    {
        try
        {
            ldap.AuthType = AuthType.Anonymous;
            try
            {
                ldap.Bind();
            }
            catch (LdapException e) when (!TransportErrors.Contains(e.ErrorCode))
            {
            }
            ldap.SessionOptions.StartTransportLayerSecurity(null);
            ldap.AuthType = AuthType.Basic;
        }
        catch (Exception e) when (e is LdapException or DirectoryOperationException)
        {
            throw new DirectoryException(DirectoryFailure.TlsFailed,
                $"StartTLS with the directory at {endpoint.Display} failed: {TlsHint(endpoint)}", e);
        }
    }

    private static void Bind(LdapConnection ldap, DirectoryEndpoint endpoint, NetworkCredential credential)
    {
        try
        {
            ldap.Bind(credential);
        }
        catch (LdapException e)
        {
            throw Translate(e, endpoint, "bind");
        }
    }

    private static DirectoryException Translate(LdapException e, DirectoryEndpoint endpoint, string operation)
    {
        if (e.ErrorCode == 49)
            return new DirectoryException(DirectoryFailure.CredentialsRejected, "The directory refused the name or password.", e);
        if (!TransportErrors.Contains(e.ErrorCode))
            return new DirectoryException(DirectoryFailure.OperationFailed, $"The directory at {endpoint.Display} refused the {operation}: {e.Message.Trim()}", e);
        // The port answered the probe, so a transport error now is the TLS handshake or a server that stopped talking.
        return endpoint.Security == DirectorySecurity.None
            ? new DirectoryException(DirectoryFailure.TlsFailed, $"The directory at {endpoint.Display} did not answer as an LDAP server ({e.Message.Trim()})", e)
            : new DirectoryException(DirectoryFailure.TlsFailed, $"The TLS connection to the directory at {endpoint.Display} failed: {TlsHint(endpoint)}", e);
    }

    private static string TlsHint(DirectoryEndpoint endpoint) =>
        (string.IsNullOrEmpty(endpoint.TrustedCertificatesDirectory)
            ? "its certificate is not trusted by the system's CA certificates (name the CA folder with --ca-dir)"
            : $"its certificate is not trusted by the CA certificates in '{endpoint.TrustedCertificatesDirectory}'") +
        ", does not name this host, or the port does not speak " + (endpoint.Security == DirectorySecurity.Ldaps ? "LDAPS." : "StartTLS.");
}
