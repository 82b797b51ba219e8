using System.CommandLine;
using Custos.Commands.Vault;
using Custos.Core.SecureUse;
using Custos.Web.SecureUse;

namespace Custos.Commands.SecureUse;

/// <summary>
/// `custos ssh ENTRY` opens an interactive shell on an SSH entry's target, `custos ssh ENTRY -- COMMAND` runs one
/// command there; either way through the server, which logs in with the entry's credential (Use is enough; the secret
/// never reaches this machine). A command's output and exit status are the remote command's, as with ssh.
/// </summary>
public static class SshCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new VaultConnection();
        var verbs = new VaultVerbs(connection, output, error);
        var entry = new Argument<string>("entry") { Description = "The SSH entry: Folder/Title or its id." };
        var words = new Argument<string[]>("command") { Description = "The command to run, after --.", Arity = ArgumentArity.ZeroOrMore };
        var timeout = new Option<int?>("--timeout") { Description = "Seconds before the command is stopped (default 60, at most 3600)." };
        var reason = new Option<string?>("--reason") { Description = "Why, e.g. a ticket number; recorded, and required where the folder's policy says so." };
        var command = verbs.Verb("ssh", "Open a shell on an SSH entry's server, or run one command there, with the entry's credential, without " +
            "seeing it (custos ssh Server/web01; custos ssh Server/web01 -- uptime). The session is recorded. CUSTOS_TOKEN or --token-file as for " +
            "custos vault.", [entry, words, timeout, reason], async (call, ct) =>
        {
            var text = string.Join(' ', call.Get(words) ?? []);
            var vault = await call.VaultAsync(ct);
            var id = await vault.EntryIdAsync(call.Get(entry)!, ct);
            if (text.Length == 0)
            {
                if (call.Get(timeout) is not null) throw new VaultUsageException("--timeout is for a command (after --); an interactive session ends by the folder's policy.");
                var (cols, rows) = LocalTerminal.Size();
                var query = $"cols={cols}&rows={rows}&errorFrames=true" + (call.Get(reason) is { } why ? $"&reason={Uri.EscapeDataString(why)}" : "");
                using var socket = await call.Client.OpenWebSocketAsync($"{vault.Api}/entries/{id}/ssh/shell?{query}", ct);
                // Our own console writes bytes as they come; a captured writer (tests, embedding) gets the decoded text.
                await using var input = LocalTerminal.OpenInput();
                await using var rawOutput = ReferenceEquals(call.Output, Console.Out) ? LocalTerminal.OpenOutput() : null;
                return await SshInteractive.RunAsync(socket, input, rawOutput, call.Output, call.Error, ct);
            }
            var result = await call.Client.PostAsync<SshCommands.CommandResult>($"{vault.Api}/entries/{id}/ssh/exec",
                new SshEndpoints.ExecRequest(text, call.Get(timeout), call.Get(reason)), ct);
            await call.Output.WriteAsync(result.Output);
            await call.Error.WriteAsync(result.Errors);
            if (result.Truncated) await call.Error.WriteLineAsync($"custos: output cut at {SshCommands.MaxOutputBytes / 1024 / 1024} MiB per stream");
            return result.ExitStatus ?? CustosCommandLine.Failure;
        });
        connection.AddTo(command);
        return command;
    }
}
