using Custos.Commands.Remote;
using Custos.Commands.Vault;

namespace Custos.Commands.Documents;

/// <summary>
/// Which server, token, certificates and tenant: options of `doc` that every verb takes (before or after the verb), the
/// same as `vault` takes and with the same environment variables, so one setting serves both (see
/// <see cref="RemoteConnection{TClient}"/>). It opens the document client, which streams for as long as a large file
/// takes, where the vault's has whole bodies and a fixed timeout.
/// </summary>
internal sealed class DocumentConnection() : RemoteConnection<DocumentClient>(new Texts(
    // Also the directory `doc scrub` checks: both mean the data directory of a server on this machine.
    Data: "Data directory of a server on this machine (default ./data, or CUSTOS_DATA): the one `scrub` checks; for localhost " +
          "its self-signed certificate is trusted when no --ca-cert is given.",
    Unencrypted: "the token and the documents",
    TokenScopes: "--scope documents:read --scope documents:write"))
{
    protected override DocumentClient Create(Uri server, string token, ServerTrust trust) => new(server, token, trust);
}
