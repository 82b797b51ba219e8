using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Web.Transport;

/// <summary>
/// The server certificate: the operator's PEM files when given, otherwise a self-signed certificate for localhost made
/// on first start (and again when it nears expiry, or when it does not name the web proxy's domain) and kept in the data
/// directory with an owner-only key file. With a web proxy domain, the self-signed certificate also names *.{domain}; an
/// operator's certificate must cover that itself.
/// </summary>
public static class TlsCertificates
{
    public static X509Certificate2 Load(string? certPath, string? keyPath, string tlsDirectory, TimeProvider time, string? proxyDomain = null)
    {
        if (certPath is not null || keyPath is not null)
        {
            if (certPath is null || keyPath is null)
                throw new InvalidOperationException("Give both --cert and --key, or neither.");
            return FromPem(certPath, keyPath);
        }
        var cert = Path.Combine(tlsDirectory, "cert.pem");
        var key = Path.Combine(tlsDirectory, "key.pem");
        if (File.Exists(cert) && File.Exists(key))
        {
            var existing = FromPem(cert, key);
            if (existing.NotAfter > time.GetUtcNow().UtcDateTime.AddDays(14) && Names(existing, proxyDomain)) return existing;
            existing.Dispose();
        }
        CreateSelfSigned(cert, key, time, proxyDomain);
        return FromPem(cert, key);
    }

    /// <summary>Whether the certificate names *.{proxyDomain} (always true without one).</summary>
    private static bool Names(X509Certificate2 certificate, string? proxyDomain) =>
        proxyDomain is null || certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .Any(san => san.EnumerateDnsNames().Contains($"*.{proxyDomain}", StringComparer.OrdinalIgnoreCase));

    private static X509Certificate2 FromPem(string certPath, string keyPath)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            // Re-import so the private key is usable by the TLS stack on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot load the TLS certificate '{certPath}' with key '{keyPath}': {e.Message}");
        }
    }

    private static void CreateSelfSigned(string certPath, string keyPath, TimeProvider time, string? proxyDomain)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(certPath)!);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", ecdsa, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        if (proxyDomain is not null) san.AddDnsName($"*.{proxyDomain}");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(365));
        WriteOwnerOnly(keyPath, ecdsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, cert.ExportCertificatePem());
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(content);
    }
}
