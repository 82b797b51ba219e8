using System.CommandLine;
using Custos.Commands.Documents;
using Custos.Commands.Remote;
using Custos.Commands.Vault;

namespace Custos.Commands.Sharing;

/// <summary>
/// `custos share VERB`: share links and upload requests of a running Custos server, as a client of its API with a
/// personal access token (scope shares; documents:read where documents and folders are named by path). The server
/// decides every right, keeps only hashes of tokens and passwords, and records every step (labelled "cli").
/// </summary>
public static class ShareCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new ShareConnection();
        var share = new Command("share", "Share links to documents or a folder, and upload requests, on a running Custos server, used with a " +
            "personal access token (CUSTOS_TOKEN or --token-file).");
        connection.AddTo(share);
        var verbs = new DocumentVerbs(connection, output, error);
        foreach (var verb in ShareCreateVerbs.Create(verbs).Concat(ShareManageVerbs.Create(verbs)))
            share.Subcommands.Add(verb);
        return share;
    }

    /// <summary>The share API of the tenant whose documents <paramref name="documents"/> are.</summary>
    internal static string Api(DocumentTenant documents) => documents.Api[..documents.Api.LastIndexOf('/')] + "/shares";

    /// <summary>The reminder after a new link: the password must reach the recipient another way, and how it did is recorded.</summary>
    internal static string HandoverHint(Guid id) =>
        $"Pass the password on by another way than the URL (by phone, say), then record how: custos share handover {id} \"told by phone to …\"";
}

/// <summary>
/// Server, token, certificates and tenant as `doc` takes them (the same options and environment variables); its
/// refusals name the scopes a share token needs.
/// </summary>
internal sealed class ShareConnection() : RemoteConnection<DocumentClient>(new Texts(
    Data: "Data directory of a server on this machine (default ./data, or CUSTOS_DATA): for localhost its self-signed certificate is " +
          "trusted when no --ca-cert is given.",
    Unencrypted: "the token, the links and their passwords",
    TokenScopes: TokenScopes))
{
    /// <summary>shares for the links; documents:read to name documents and folders by path rather than by id.</summary>
    public const string TokenScopes = "--scope shares --scope documents:read";

    protected override DocumentClient Create(Uri server, string token, ServerTrust trust) => new(server, token, trust, new RemoteProblems.Texts(
        Forbidden: "The server refused: your user, or this token's scopes (shares, documents:read), may not do this.",
        StepUp: DocumentClient.StepUpText,
        NotFound: $"The server at {server} has no share links at this address; check --server (or the server is older than this command).",
        ScopeHint: $"Create a token that has it with 'custos token create --user NAME {TokenScopes}' or on your account page, and pass it " +
                   "with CUSTOS_TOKEN or --token-file."));
}
