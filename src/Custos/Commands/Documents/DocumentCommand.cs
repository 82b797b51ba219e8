using System.CommandLine;
using System.Text.Json;
using Custos.Commands.Remote;

namespace Custos.Commands.Documents;

/// <summary>
/// `custos doc VERB`: the document store of a running Custos server, as a client of its API with a personal access
/// token (scopes documents:read, documents:write); the server decides every right and records every step (labelled
/// "cli"). Only `scrub` works on a data directory itself, like `custos audit verify`.
/// </summary>
public static class DocumentCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new DocumentConnection();
        var doc = new Command("doc", "The document store of a running Custos server, used with a personal access token " +
            "(CUSTOS_TOKEN or --token-file); 'scrub' checks a local data directory.");
        connection.AddTo(doc);
        var verbs = new DocumentVerbs(connection, output, error);
        foreach (var verb in DocumentBrowseVerbs.Create(verbs)
                     .Concat(DocumentTransferVerbs.Create(verbs))
                     .Concat(DocumentLockVerbs.Create(verbs))
                     .Concat(DocumentRetentionVerbs.Create(verbs))
                     .Concat(DocumentSearchVerbs.Create(verbs))
                     .Concat(DocumentErasureVerbs.Create(verbs))
                     .Append(DocumentScrubVerb.Create(connection, output, error)))
            doc.Subcommands.Add(verb);
        return doc;
    }
}

/// <summary>Builds verbs that open a client from the connection options and turn failures into exit codes.</summary>
internal sealed class DocumentVerbs(RemoteConnection<DocumentClient> connection, TextWriter output, TextWriter error)
{
    public Command Verb(string name, string description, IEnumerable<Symbol> symbols, Func<DocumentCall, CancellationToken, Task<int>> action) =>
        RemoteVerbs.Create(name, description, symbols, connection, error,
            (parse, client, ct) => action(new DocumentCall(parse, client, connection.TenantValue(parse), output, error), ct));
}

/// <summary>One run of a verb: its parsed options, the client, and the tenant's documents once a verb needs them.</summary>
internal sealed class DocumentCall(ParseResult parse, DocumentClient client, string? tenant, TextWriter output, TextWriter error)
{
    private DocumentTenant? documents;

    public DocumentClient Client => client;
    public TextWriter Output => output;
    public TextWriter Error => error;

    public T? Get<T>(Option<T> option) => parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => parse.GetValue(argument);

    public async Task<DocumentTenant> DocumentsAsync(CancellationToken ct) => documents ??= await DocumentTenant.OpenAsync(client, tenant, ct);

    public async Task<int> PrintAsync(string text)
    {
        await output.WriteLineAsync(text);
        return CustosCommandLine.Success;
    }

    public Task<int> PrintJsonAsync(object value) => PrintAsync(JsonSerializer.Serialize(value, value.GetType(), DocumentJson.Output));
}
