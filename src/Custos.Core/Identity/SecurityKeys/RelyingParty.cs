using Fido2NetLib;

namespace Custos.Core.Identity.SecurityKeys;

/// <summary>
/// Who the browser must believe it talks to: the credential is bound to <paramref name="Id"/> (a host name) and every
/// signed response must name <paramref name="Origin"/>. Derived from the server's configuration, never from request headers.
/// </summary>
public sealed record RelyingParty(string Id, string Origin)
{
    public const string Name = "Custos";

    /// <summary>https://host, with the port only when it is not 443, as a browser writes the origin.</summary>
    public static RelyingParty ForHttps(string host, int port) =>
        new(host, port == 443 ? $"https://{host}" : $"https://{host}:{port}");

    internal Fido2 Verifier() => new(new Fido2Configuration
    {
        RPID = Id,
        RPName = Name,
        Origins = new HashSet<string>(StringComparer.Ordinal) { Origin },
    });
}
