using System.CommandLine;
using System.Text.Json;
using Custos.Commands.Remote;

namespace Custos.Commands.Vault;

/// <summary>
/// `custos vault VERB`: the credential vault of a running Custos server, as a client of its API with a personal access
/// token. Unlike the local administration commands it never touches the database; the server decides every right and
/// records every reveal (labelled "cli").
/// </summary>
public static class VaultCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new VaultConnection();
        var vault = new Command("vault", "The credential vault of a running Custos server, used with a personal access token " +
            "(CUSTOS_TOKEN or --token-file).");
        connection.AddTo(vault);
        var verbs = new VaultVerbs(connection, output, error);
        foreach (var verb in VaultEntryVerbs.Create(verbs)
                     .Concat(VaultSecretVerbs.Create(verbs))
                     .Concat(VaultHistoryVerbs.Create(verbs))
                     .Concat(VaultAttachmentVerbs.Create(verbs))
                     .Concat(VaultTransferVerbs.Create(verbs))
                     .Concat(VaultAccessVerbs.Create(verbs))
                     .Concat(VaultHostKeyVerbs.Create(verbs)))
            vault.Subcommands.Add(verb);
        return vault;
    }
}

/// <summary>Builds verbs that open a client from the connection options and turn failures into exit codes.</summary>
internal sealed class VaultVerbs(VaultConnection connection, TextWriter output, TextWriter error)
{
    public Command Verb(string name, string description, IEnumerable<Symbol> symbols, Func<VaultCall, CancellationToken, Task<int>> action) =>
        RemoteVerbs.Create(name, description, symbols, connection, error,
            (parse, client, ct) => action(new VaultCall(parse, client, connection.TenantValue(parse), output, error), ct));
}

/// <summary>One run of a verb: its parsed options, the client, and the tenant's vault once a verb needs it.</summary>
internal sealed class VaultCall(ParseResult parse, VaultClient client, string? tenant, TextWriter output, TextWriter error)
{
    /// <summary>Machine output names every field, null or not, so that scripts need not guess.</summary>
    private static readonly JsonSerializerOptions Indented = new(VaultClient.Json)
    {
        WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };
    private VaultTenant? vault;

    public VaultClient Client => client;
    public TextWriter Output => output;
    public TextWriter Error => error;

    public T? Get<T>(Option<T> option) => parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => parse.GetValue(argument);

    public async Task<VaultTenant> VaultAsync(CancellationToken ct) => vault ??= await VaultTenant.OpenAsync(client, tenant, ct);

    public async Task<int> PrintAsync(string text)
    {
        await output.WriteLineAsync(text);
        return CustosCommandLine.Success;
    }

    public Task<int> PrintJsonAsync(object value) => PrintAsync(JsonSerializer.Serialize(value, value.GetType(), Indented));

    public async Task WarnAsync(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings) await error.WriteLineAsync($"warning: {warning}");
    }
}
