using System.Diagnostics;
using System.Text;

namespace Custos.Core.Tests.Vault.KeePass;

/// <summary>Runs the real keepassxc-cli (KeePassXC 2.7) for interoperability tests. A missing program fails the
/// test instead of skipping it: test.sh installs the keepassxc package.</summary>
internal static class KeePassXcCli
{
    public const string Program = "/usr/bin/keepassxc-cli";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs keepassxc-cli with <paramref name="args"/>, feeding <paramref name="input"/> (passwords,
    /// one per line) on standard input; fails the test on a non-zero exit unless <paramref name="allowFailure"/>.</summary>
    public static Result Run(string input, bool allowFailure, params string[] args)
    {
        Assert.True(File.Exists(Program),
            $"{Program} is missing; test.sh installs it (apt-get install keepassxc). These tests never skip.");
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Headless: the CLI needs no display, and Qt must not look for one.
        start.Environment["QT_QPA_PLATFORM"] = "offscreen";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"keepassxc-cli {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s.");
        }

        var result = new Result(process.ExitCode, output.Result, error.Result);
        if (!allowFailure)
        {
            Assert.True(result.ExitCode == 0,
                $"keepassxc-cli {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}{result.Output}");
        }

        return result;
    }

    public static Result Run(string input, params string[] args) => Run(input, allowFailure: false, args);
}
