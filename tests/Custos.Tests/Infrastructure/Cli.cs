using Custos.Commands;

namespace Custos.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>Runs the command line in-process exactly as `custos ARGS` would, capturing what it prints.</summary>
public static class Cli
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CustosCommandLine.RunAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>--data and, for PostgreSQL, --db for the test's database.</summary>
    public static string[] DatabaseArgs(TestDatabase db) =>
        db.ConnectionString is null ? ["--data", db.DataDirectory] : ["--data", db.DataDirectory, "--db", db.ConnectionString];
}
