using Custos.Core.Common;

namespace Custos.Core.Ldap;

/// <summary>What went wrong with the directory, so callers can tell a refused password from an outage.</summary>
public enum DirectoryFailure
{
    /// <summary>No TCP connection to the host and port (refused, timed out, unknown host).</summary>
    Unreachable,
    /// <summary>A TCP connection was possible, but TLS or the LDAP exchange failed (untrusted certificate, wrong port).</summary>
    TlsFailed,
    /// <summary>Plain LDAP without an explicit opt-in: passwords would cross the network in clear text.</summary>
    InsecureRefused,
    /// <summary>The directory refused the DN and password.</summary>
    CredentialsRejected,
    /// <summary>The directory answered, but the operation failed (base DN missing, bad filter, size limit).</summary>
    OperationFailed,
}

/// <summary>
/// A directory fault with a message for the operator. Messages name the host, port and mode, never a password, and
/// never carry the native library's stack.
/// </summary>
public sealed class DirectoryException(DirectoryFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public DirectoryFailure Failure { get; } = failure;

    /// <summary>The directory could not be used at all (as opposed to a refused password).</summary>
    public bool IsUnavailable => Failure is not DirectoryFailure.CredentialsRejected;
}

public static class DirectoryErrors
{
    public static readonly Error NotConfigured = new("directory.not_configured",
        "No directory is configured. Run 'custos directory configure' first.");

    public static Error Unavailable(string message) => new("directory.unavailable", message);

    public static Error Invalid(string message) => new("directory.invalid_settings", message);
}
