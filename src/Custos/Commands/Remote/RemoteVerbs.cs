using System.CommandLine;
using Custos.Commands.Vault;

namespace Custos.Commands.Remote;

/// <summary>A verb of a remote command: its options and arguments, and a run that opens a client and turns failures into exit codes.</summary>
internal static class RemoteVerbs
{
    /// <param name="run">Runs with the parse result and the open client (disposed afterwards).</param>
    public static Command Create<TClient>(string name, string description, IEnumerable<Symbol> symbols, RemoteConnection<TClient> connection,
        TextWriter error, Func<ParseResult, TClient, CancellationToken, Task<int>> run) where TClient : IDisposable
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            if (symbol is Option option) command.Options.Add(option);
            else if (symbol is Argument argument) command.Arguments.Add(argument);
        }
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                using var client = connection.Open(parse);
                return await run(parse, client, ct);
            }
            catch (VaultUsageException e)
            {
                await error.WriteLineAsync($"custos: {e.Message}");
                return CustosCommandLine.UsageError;
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync($"custos: {e.Message}");
                return CustosCommandLine.Failure;
            }
        });
        return command;
    }
}
