using System.Diagnostics;
using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>A full target: a repository on a 4 MiB tmpfs (the tests run as root) and a backup five times that size.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticNoSpaceTests : IAsyncLifetime
{
    private readonly ResticSandbox sandbox = new();
    private string Mount => Path.Combine(sandbox.Root, "tiny");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Mount);
        await RunAsync("/usr/bin/mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", Mount);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RunAsync("/usr/bin/umount", Mount);
        }
        finally
        {
            sandbox.Dispose();
        }
    }

    [Fact]
    public async Task Backup_TargetFull_IsNoSpace()
    {
        var location = ResticSandbox.LocalAt(Path.Combine(Mount, "repo"));
        var repository = sandbox.Repository(location);
        await repository.InitAsync(CancellationToken.None);
        var source = sandbox.NewDirectory("source");
        ResticSandbox.WriteRandomFile(Path.Combine(source, "big"), 20 * 1024 * 1024);

        var failure = await Assert.ThrowsAsync<ResticException>(() => repository.BackupAsync(source, "custos-test", ["custos"], null, CancellationToken.None));

        Assert.Equal(ResticFailureKind.NoSpace, failure.Kind);
        Assert.StartsWith("No space left on the target: ", failure.Message);
        Assert.Contains("no space left on device", failure.Message);
        Assert.Contains(location.Repository, failure.Message);
        Assert.DoesNotContain(sandbox.Password, failure.Message);
        sandbox.AssertNoSecretsLeft();
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode} (the test needs root for tmpfs): {errors}");
    }
}
