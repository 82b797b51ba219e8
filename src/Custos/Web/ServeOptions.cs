using System.Net;
using Custos.Core.Identity;

namespace Custos.Web;

/// <summary>Everything `custos serve` is told; each setting declared once with its default.</summary>
public sealed record ServeOptions
{
    public required string DataDirectory { get; init; }
    public string? Database { get; init; }
    public IPAddress Bind { get; init; } = IPAddress.Loopback;
    public int HttpsPort { get; init; } = 8443;
    /// <summary>0 disables the plain-HTTP listener (which only ever redirects).</summary>
    public int HttpPort { get; init; } = 8080;
    public string? CertificatePath { get; init; }
    public string? CertificateKeyPath { get; init; }
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public IdentityOptions Identity { get; init; } = new();
    public Core.Vault.VaultOptions Vault { get; init; } = new();
    /// <summary>
    /// Parent domain of the web proxy's hosts (each web session is served on {label}.{ProxyDomain}); null: web sessions
    /// are off. The certificate must cover *.{ProxyDomain}: the self-signed one does, a given one must.
    /// </summary>
    public string? ProxyDomain { get; init; }

    /// <summary>The virus scanner the sluice asks (clamd): "unix:/path/to/socket" or "tcp:host:port".</summary>
    public string Clamd { get; init; } = DefaultClamd;

    /// <summary>Debian's clamav-daemon socket.</summary>
    public const string DefaultClamd = "unix:/run/clamav/clamd.ctl";

    /// <summary>What the sluice releases for tenants without a policy of their own.</summary>
    public Core.Sluice.SluiceRelease SluiceRelease { get; init; } = Core.Sluice.SluiceRelease.Disarmed;

    /// <summary>How long an upload waits for the sluice's verdict before it answers "in quarantine".</summary>
    public TimeSpan SluiceInlineWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Which part this instance serves: all (default), internal (everything but the public pages) or edge (only them; TOM 6.15, 11.1).</summary>
    public ServerRole Role { get; init; } = ServerRole.All;

    /// <summary>The origin recipients reach the public pages on ("https://share.example.com"); null: this server's own.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>Links may not live longer than this many days from creation (tenant policies may allow less).</summary>
    public int ShareMaxDays { get; init; } = 30;

    /// <summary>The host name users type: the certificate is made for localhost, so loopback binds are shown as that.</summary>
    public string PublicHost => IPAddress.IsLoopback(Bind) || Bind.Equals(IPAddress.Any) || Bind.Equals(IPAddress.IPv6Any)
        ? "localhost"
        : Bind.ToString();
}

/// <summary>
/// The parts of Custos one instance serves. An edge instance in the DMZ answers only the public share and upload pages
/// (no login, no API, no administration, no vault) and runs no background work; an internal one serves everything else.
/// </summary>
public enum ServerRole { All, Internal, Edge }
