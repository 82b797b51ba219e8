using Custos.Core.Keys;
using Custos.Storage;

namespace Custos.Commands;

public static class CommandRunner
{
    /// <summary>Turns the failures an operator can act on into a message and exit code 1; anything else is a bug and propagates.</summary>
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is CommandException or KeyringException or DataDirectoryException or ArgumentException
                                       or System.Data.Common.DbException)
        {
            await error.WriteLineAsync($"custos: {e.Message}");
            return CustosCommandLine.Failure;
        }
    }
}
