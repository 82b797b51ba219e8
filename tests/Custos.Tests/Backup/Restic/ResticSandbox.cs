using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>
/// One test's restic world: a temporary directory (repository, cache, data), a secrets directory on /dev/shm as Custos
/// uses it, and a random repository password. Everything is removed on dispose. Needs the real restic: without it the
/// test fails, it does not skip.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticSandbox : IDisposable
{
    public const string Restic = "/usr/bin/restic";

    public ResticSandbox()
    {
        if (!File.Exists(Restic))
            throw new InvalidOperationException($"{Restic} is missing: ./test.sh installs Debian's restic package (the backup tests need the real restic).");
        Root = Directory.CreateTempSubdirectory("custos-restic-").FullName;
        var shm = Directory.Exists("/dev/shm") ? "/dev/shm" : Root;
        SecretsDirectory = Path.Combine(shm, "custos-restic-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        Settings = new ResticSettings(Restic, Path.Combine(Root, "cache"), SecretsDirectory);
    }

    public string Root { get; }
    public string SecretsDirectory { get; }
    public ResticSettings Settings { get; }
    public string Password { get; } = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public string RepositoryPath => Path.Combine(Root, "repo");

    public static ResticLocation LocalAt(string path) => new(path, [], new Dictionary<string, string>());

    public ResticRepository Repository(ResticLocation? location = null, string? password = null) =>
        new(location ?? LocalAt(RepositoryPath), password ?? Password, Settings);

    public string NewDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <summary>Nothing the wrapper wrote for a run (password, repository string) outlives the run.</summary>
    public void AssertNoSecretsLeft() =>
        Assert.Empty(Directory.Exists(SecretsDirectory) ? Directory.EnumerateFileSystemEntries(SecretsDirectory, "*", SearchOption.AllDirectories) : []);

    public static void WriteRandomFile(string path, int bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(bytes));
    }

    /// <summary>Runs restic directly for what the wrapper deliberately cannot do (backdated snapshots, a backup without --ignore-ctime).</summary>
    public async Task<string> RunResticAsync(string repository, string? input, string? workingDirectory, params string[] arguments)
    {
        using var restic = StartRestic(repository, workingDirectory, arguments);
        var output = restic.StandardOutput.ReadToEndAsync();
        var errors = restic.StandardError.ReadToEndAsync();
        if (input is not null) await restic.StandardInput.WriteAsync(input);
        restic.StandardInput.Close();
        await restic.WaitForExitAsync();
        if (restic.ExitCode != 0) throw new InvalidOperationException($"restic {string.Join(' ', arguments)} exited with {restic.ExitCode}:\n{await errors}");
        return await output;
    }

    /// <summary>Starts restic directly with stdin left open, so the caller decides when its input ends.</summary>
    public Process StartRestic(string repository, string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Restic)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var a in RawArguments(repository).Concat(arguments)) start.ArgumentList.Add(a);
        return Process.Start(start) ?? throw new InvalidOperationException("restic did not start.");
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        if (Directory.Exists(SecretsDirectory)) Directory.Delete(SecretsDirectory, recursive: true);
    }

    private string[] RawArguments(string repository)
    {
        // The test's own copy of the password, in its temporary directory: only the wrapper is held to /dev/shm.
        var passwordFile = Path.Combine(Root, "test-password");
        if (!File.Exists(passwordFile)) File.WriteAllText(passwordFile, Password);
        return ["-r", repository, "--password-file", passwordFile, "--cache-dir", Settings.CacheDirectory];
    }
}
