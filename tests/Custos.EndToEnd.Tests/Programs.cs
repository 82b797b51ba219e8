using System.Diagnostics;

namespace Custos.EndToEnd.Tests;

/// <summary>Runs a real program (the ./custos wrapper, keepassxc-cli) with stdin and a timeout, as a user at a shell would.</summary>
internal static class Programs
{
    public const string KeePassXcCli = "/usr/bin/keepassxc-cli";

    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static async Task<Outcome> RunAsync(string file, IEnumerable<string> args, string? stdin = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Path,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, await output, await error);
    }

    /// <summary>`./custos ARGS --data DIR`, failing the test with the program's own words when it fails.</summary>
    public static async Task<string> CustosAsync(string dataDirectory, params string[] args)
    {
        var result = await RunAsync("bash", ["./custos", .. args, "--data", dataDirectory]);
        Assert.True(result.ExitCode == 0, $"./custos {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error}{result.Output}");
        return result.Output;
    }

    public static async Task<Outcome> KeePassAsync(string stdin, params string[] args)
    {
        Assert.True(File.Exists(KeePassXcCli), $"{KeePassXcCli} is missing; test.sh installs it (apt-get install keepassxc).");
        return await RunAsync(KeePassXcCli, args, stdin);
    }
}
