using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Custos.Web.Transport;

/// <summary>TLS 1.2 and 1.3 only, with the cipher suites of Mozilla's "intermediate" configuration (forward secrecy, AEAD only).</summary>
public static class TlsPolicy
{
    private static readonly TlsCipherSuite[] Intermediate =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    public static void Apply(HttpsConnectionAdapterOptions https)
    {
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        https.OnAuthenticate = (_, ssl) =>
        {
            if (!OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS())
                ssl.CipherSuitesPolicy = new CipherSuitesPolicy(Intermediate);
            ssl.AllowRenegotiation = false;
        };
    }
}
