using System.CommandLine;

namespace Custos.Commands;

/// <summary>
/// `custos &lt;noun&gt; &lt;verb&gt; [options]`. Exit codes: 0 success, 1 failure, 2 usage error (unknown command or option,
/// bad option value).
/// </summary>
public static class CustosCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var root = new RootCommand("Custos: the self-hosted data-protection server.");
        root.Subcommands.Add(ServeCommand.Create(output, error));
        root.Subcommands.Add(AuditCommand.Create(output, error));
        root.Subcommands.Add(KeysCommand.Create(output, error));
        root.Subcommands.Add(UserCommand.Create(output, error));
        root.Subcommands.Add(GroupCommand.Create(output, error));
        root.Subcommands.Add(TenantCommand.Create(output, error));
        root.Subcommands.Add(TokenCommand.Create(output, error));
        root.Subcommands.Add(DirectoryCommand.Create(output, error));
        root.Subcommands.Add(Vault.VaultCommand.Create(output, error));
        root.Subcommands.Add(SecureUse.SshCommand.Create(output, error));
        root.Subcommands.Add(SecureUse.ScpCommand.Create(output, error));
        root.Subcommands.Add(Documents.DocumentCommand.Create(output, error));
        root.Subcommands.Add(Sluice.SluiceCommand.Create(output, error));
        root.Subcommands.Add(Sharing.ShareCommand.Create(output, error));
        root.Subcommands.Add(Backup.BackupCommand.Create(output, error));

        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        if (parse.Errors.Count > 0 && !WantsHelp(args))
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync("Run 'custos --help' for usage.");
            return UsageError;
        }
        return await parse.InvokeAsync(configuration, ct);
    }

    private static bool WantsHelp(string[] args) => args.Any(a => a is "-h" or "--help" or "-?");
}
