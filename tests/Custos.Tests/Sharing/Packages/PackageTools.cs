using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Tests.Sharing.Packages;

/// <summary>
/// The programs a recipient opens a package with: qpdf for the PDF, 7-Zip and libarchive's bsdtar for the ZIP. A missing
/// program fails the test instead of skipping it (Debian packages: qpdf, 7zip or p7zip-full, libarchive-tools).
/// </summary>
internal static class PackageTools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string Text => Error + Output;
    }

    public static string Qpdf => Find("qpdf package", "qpdf");

    /// <summary>7-Zip: Debian's 7zip package installs 7zz, the older p7zip-full installs 7z.</summary>
    public static string SevenZip => Find("7zip (or p7zip-full) package", "7z", "7zz");

    public static string Bsdtar => Find("libarchive-tools package", "bsdtar");

    /// <summary>Runs <paramref name="program"/> with no standard input (so a password prompt ends instead of waiting).</summary>
    public static Result Run(string program, params string[] args)
    {
        using var process = Start(program, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        WaitFor(process, program, args);
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs <paramref name="program"/> and hashes what it prints, without holding it (for a file written to stdout).</summary>
    public static (Result Result, byte[] OutputSha256, long OutputLength) RunHashingOutput(string program, params string[] args)
    {
        using var process = Start(program, args);
        var error = process.StandardError.ReadToEndAsync();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var stdout = process.StandardOutput.BaseStream;
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = stdout.Read(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            length += read;
        }
        WaitFor(process, program, args);
        return (new Result(process.ExitCode, "", error.Result), sha.GetHashAndReset(), length);
    }

    /// <summary>The entries of a ZIP as 7-Zip's technical listing (<c>7z l -slt</c>) shows them: one key/value map each.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ListWith7Zip(string zip, string password)
    {
        var listing = RunOk(SevenZip, "l", "-slt", $"-p{password}", zip).Output;
        // The archive's own properties come first, the entries after the dashed line, separated by blank lines.
        const string separator = "\n----------\n";
        var start = listing.IndexOf(separator, StringComparison.Ordinal);
        Assert.True(start >= 0, $"7-Zip's listing has no entries part: {listing}");
        var entries = listing[(start + separator.Length)..];
        return entries.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(" = ", 2))
                .Where(pair => pair.Length == 2)
                .ToDictionary(pair => pair[0], pair => pair[1]))
            .Where(entry => entry.ContainsKey("Path"))
            .ToList();
    }

    public static Result RunOk(string program, params string[] args)
    {
        var result = Run(program, args);
        Assert.True(result.ExitCode == 0, $"{Describe(program, args)} exited {result.ExitCode}: {result.Text}");
        return result;
    }

    private static Process Start(string program, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Plain messages in English, whatever the machine's locale.
        start.Environment["LC_ALL"] = "C.UTF-8";
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    private static void WaitFor(Process process, string program, string[] args)
    {
        if (process.WaitForExit(Timeout)) return;
        process.Kill(entireProcessTree: true);
        Assert.Fail($"{Describe(program, args)} did not finish within {Timeout.TotalMinutes} minutes.");
    }

    private static string Describe(string program, string[] args) => $"{Path.GetFileName(program)} {string.Join(' ', args)}";

    private static string Find(string package, params string[] names)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var found = names
            .SelectMany(name => path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null,
            $"{string.Join(" or ", names)} is not on PATH; install the Debian {package} (test.sh does). These tests never skip.");
        return found;
    }
}
