using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custos.Storage;

namespace Custos.Commands.Vault;

/// <summary>
/// Which server certificates the client accepts: what the system trusts, plus the certificates of --ca-cert (as CAs
/// and as exact server certificates), or, without --ca-cert, the self-signed certificate in the local data directory
/// when the server is this machine. Nothing here turns validation off.
/// </summary>
internal sealed class ServerTrust
{
    /// <summary>The self-signed certificate `serve` makes in DATA/tls (see Custos.Web.Transport.TlsCertificates).</summary>
    private const string SelfSignedCertificateFile = "cert.pem";

    private readonly X509Certificate2Collection authorities;
    private readonly X509Certificate2Collection exact;
    private readonly string hint;

    private ServerTrust(X509Certificate2Collection authorities, X509Certificate2Collection exact, string hint)
    {
        this.authorities = authorities;
        this.exact = exact;
        this.hint = hint;
    }

    /// <summary>Why the last certificate was refused, for the error message.</summary>
    public string? Failure { get; private set; }

    public static ServerTrust Create(Uri server, FileInfo? caCert, string? dataOption)
    {
        if (caCert is not null)
        {
            var certificates = new X509Certificate2Collection();
            try
            {
                certificates.ImportFromPemFile(caCert.FullName);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new CommandException($"Cannot read the certificate file '{caCert.FullName}': {e.Message}");
            }
            if (certificates.Count == 0) throw new CommandException($"'{caCert.FullName}' holds no PEM certificate.");
            return new ServerTrust(certificates, certificates, $"Nor is it issued by, or equal to, a certificate in '{caCert.FullName}'.");
        }
        var local = Path.Combine(DataDirectory.Resolve(dataOption), "tls", SelfSignedCertificateFile);
        var exact = new X509Certificate2Collection();
        if (server.IsLoopback && File.Exists(local))
        {
            try
            {
                exact.Add(X509CertificateLoader.LoadCertificateFromFile(local));
            }
            catch (CryptographicException)
            {
                // An unreadable local certificate is no trust anchor; the refusal below explains what to pass instead.
            }
        }
        const string advice = "Pass --ca-cert FILE (PEM) with the CA that issued it or with the server's own certificate; for a server on " +
            "this machine with its self-signed certificate, --data DIR of that server.";
        return new ServerTrust([], exact, exact.Count > 0 ? $"Nor is it the self-signed certificate in '{local}'. {advice}" : advice);
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null)
        {
            Failure = "the server sent no certificate";
            return false;
        }
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        // An exact certificate identifies the server by its key, whatever name it was made out for.
        if (exact.Any(c => c.RawDataMemory.Span.SequenceEqual(presented.RawDataMemory.Span))) return true;
        if (!errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) && authorities.Count > 0 && ChainsToAuthority(presented, chain))
            return true;
        var what = $"The server's certificate ({presented.Subject}, SHA-256 {presented.GetCertHashString(HashAlgorithmName.SHA256)}) is not trusted";
        Failure = errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            ? $"{what}: it is not made out for this server name. {hint}"
            : $"{what}: no authority this system trusts issued it. {hint}";
        return false;
    }

    private bool ChainsToAuthority(X509Certificate2 presented, X509Chain? sent)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // Private CAs rarely publish revocation lists; the system's own validation does not check them either.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
            foreach (var element in sent.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(presented);
    }
}
