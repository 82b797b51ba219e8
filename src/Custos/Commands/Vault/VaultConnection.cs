using Custos.Commands.Remote;

namespace Custos.Commands.Vault;

/// <summary>
/// Which server, which token, which certificates and which tenant: options of `vault` that every verb takes (before
/// or after the verb), each with an environment variable (see <see cref="RemoteConnection{TClient}"/>).
/// </summary>
internal sealed class VaultConnection() : RemoteConnection<VaultClient>(new Texts(
    Data: "Data directory of a server on this machine (default ./data, or CUSTOS_DATA): for localhost its self-signed " +
          "certificate is trusted when no --ca-cert is given.",
    Unencrypted: "the token",
    TokenScopes: "--scope vault:read --scope vault:write"))
{
    protected override VaultClient Create(Uri server, string token, ServerTrust trust) => new(server, token, trust);
}

/// <summary>The command was called wrongly (exit code 2), found only when it runs.</summary>
internal sealed class VaultUsageException(string message) : Exception(message);
