using Custos.Core.Keys;
using Custos.Storage;

namespace Custos.Commands;

public static class CommandRunner
{
    /// <summary>Runs a local administration command on the data directory's services, with the usual error handling.</summary>
    public static Task<int> RunLocalAsync(System.CommandLine.ParseResult parse, System.CommandLine.Option<string?> data,
        System.CommandLine.Option<string?> db, TextWriter error, Func<IServiceProvider, Task<int>> action, CancellationToken ct) =>
        RunAsync(error, async () =>
        {
            await using var services = CommonOptions.LocalServices(parse.GetValue(data), parse.GetValue(db));
            await CommonOptions.EnsureInitialisedAsync(services, ct);
            return await action(services);
        });

    /// <summary>Prints an expected failure for the operator and returns exit code 1.</summary>
    public static async Task<int> FailAsync(TextWriter error, Custos.Core.Common.Error e)
    {
        await error.WriteLineAsync($"custos: {e.Message}");
        return CustosCommandLine.Failure;
    }

    /// <summary>Turns the failures an operator can act on into a message and exit code 1; anything else is a bug and propagates.</summary>
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is CommandException or KeyringException or DataDirectoryException or ArgumentException
                                       or System.Data.Common.DbException or Core.Backup.BackupException or Core.Backup.Restic.ResticException)
        {
            await error.WriteLineAsync($"custos: {e.Message}");
            return CustosCommandLine.Failure;
        }
    }
}
