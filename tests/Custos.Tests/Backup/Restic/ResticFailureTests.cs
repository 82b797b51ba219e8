using System.Diagnostics;
using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Backup.Restic;

/// <summary>Each failure an operator meets comes back as its own kind, with a message that helps and holds no secret.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticFailureTests(ResticRepositoryFixture fixture) : IClassFixture<ResticRepositoryFixture>, IDisposable
{
    private readonly string work = fixture.Sandbox.NewDirectory("test-" + Guid.NewGuid().ToString("N"));

    private ResticSandbox Sandbox => fixture.Sandbox;

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public async Task WrongPassword_IsWrongPassword_WithoutThePasswordInTheMessage()
    {
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        var repository = Sandbox.Repository(password: wrong);
        var source = Sandbox.NewDirectory(Path.Combine(work, "source"));
        ResticSandbox.WriteRandomFile(Path.Combine(source, "a"), 100);

        var failures = new[]
        {
            await Assert.ThrowsAsync<ResticException>(() => repository.SnapshotsAsync(null, CancellationToken.None)),
            await Assert.ThrowsAsync<ResticException>(() => repository.ExistsAsync(CancellationToken.None)),
            await Assert.ThrowsAsync<ResticException>(() => repository.BackupAsync(source, "h", ["custos"], null, CancellationToken.None)),
        };

        Assert.All(failures, f =>
        {
            Assert.Equal(ResticFailureKind.WrongPassword, f.Kind);
            Assert.StartsWith("The repository password is wrong (restic: wrong password or no key found).", f.Message);
            Assert.DoesNotContain(wrong, f.Message);
            Assert.DoesNotContain(Sandbox.Password, f.Message);
        });
        Sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task Init_ExistingRepository_IsAlreadyInitialized_AndLeavesItWorking()
    {
        var repository = Sandbox.Repository();
        var config = await File.ReadAllBytesAsync(Path.Combine(Sandbox.RepositoryPath, "config"));

        var failure = await Assert.ThrowsAsync<ResticException>(() => repository.InitAsync(CancellationToken.None));

        Assert.Equal(ResticFailureKind.AlreadyInitialized, failure.Kind);
        Assert.Contains(Sandbox.RepositoryPath, failure.Message);
        Assert.Equal(config, await File.ReadAllBytesAsync(Path.Combine(Sandbox.RepositoryPath, "config")));
        Assert.True(await repository.ExistsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Exists_EmptyOrMissingDirectory_IsFalse_AndOtherOperationsSayNotInitialized()
    {
        var empty = Sandbox.NewDirectory(Path.Combine(work, "empty"));
        var missing = Path.Combine(work, "missing");

        Assert.False(await Sandbox.Repository(ResticSandbox.LocalAt(empty)).ExistsAsync(CancellationToken.None));
        Assert.False(await Sandbox.Repository(ResticSandbox.LocalAt(missing)).ExistsAsync(CancellationToken.None));
        var failure = await Assert.ThrowsAsync<ResticException>(() => Sandbox.Repository(ResticSandbox.LocalAt(empty)).SnapshotsAsync(null, CancellationToken.None));
        Assert.Equal(ResticFailureKind.NotInitialized, failure.Kind);
        Assert.Contains($"There is no restic repository at {empty}", failure.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Restore_UnknownSnapshot_OrBackup_MissingDirectory_IsNotFound()
    {
        var repository = Sandbox.Repository();

        var snapshot = await Assert.ThrowsAsync<ResticException>(() => repository.RestoreAsync("00c0ffee", Path.Combine(work, "target"), [], CancellationToken.None));
        var directory = await Assert.ThrowsAsync<ResticException>(() => repository.BackupAsync(Path.Combine(work, "nope"), "h", ["custos"], null, CancellationToken.None));

        Assert.Equal(ResticFailureKind.NotFound, snapshot.Kind);
        Assert.Contains("00c0ffee", snapshot.Message);
        Assert.Equal(ResticFailureKind.NotFound, directory.Kind);
        await Assert.ThrowsAsync<ArgumentException>(() => repository.RestoreAsync("--help", Path.Combine(work, "target"), [], CancellationToken.None));
    }

    [Fact]
    public async Task Sftp_NothingListening_IsUnreachable_Quickly()
    {
        var port = FreePort.Next();
        var command = $"ssh -p {port} -o ConnectTimeout=5 -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null custos@127.0.0.1 -s sftp";
        var location = new ResticLocation("sftp:custos@127.0.0.1:/srv/custos-backup", ["sftp.command=" + command], new Dictionary<string, string>());
        var watch = Stopwatch.StartNew();

        var exists = await Assert.ThrowsAsync<ResticException>(() => Sandbox.Repository(location).ExistsAsync(CancellationToken.None));
        var init = await Assert.ThrowsAsync<ResticException>(() => Sandbox.Repository(location).InitAsync(CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.All([exists, init], f =>
        {
            Assert.Equal(ResticFailureKind.Unreachable, f.Kind);
            Assert.StartsWith("The repository at sftp:custos@127.0.0.1:/srv/custos-backup is unreachable: ", f.Message);
        });
        Sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task RestServer_WithCredentialsInTheUrl_Unreachable_MessageShowsTheUrlWithoutThem()
    {
        var port = FreePort.Next();
        var urlPassword = "url-" + Guid.NewGuid().ToString("N");
        var backendSecret = "env-" + Guid.NewGuid().ToString("N");
        var location = new ResticLocation($"rest:http://custos:{urlPassword}@127.0.0.1:{port}/repo", [],
            new Dictionary<string, string> { ["AWS_SECRET_ACCESS_KEY"] = backendSecret });

        var failure = await Assert.ThrowsAsync<ResticException>(() => Sandbox.Repository(location).SnapshotsAsync(null, CancellationToken.None));

        Assert.Equal(ResticFailureKind.Unreachable, failure.Kind);
        Assert.StartsWith($"The repository at rest:http://127.0.0.1:{port}/repo is unreachable: ", failure.Message);
        Assert.DoesNotContain(urlPassword, failure.Message);
        Assert.DoesNotContain(backendSecret, failure.Message);
        Assert.DoesNotContain(urlPassword, location.ToString());
        Sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public void Construct_ReservedVariableOrUntrimmedPassword_IsRefused()
    {
        var reserved = new ResticLocation(Sandbox.RepositoryPath, [], new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "x" });

        Assert.Throws<ArgumentException>(() => Sandbox.Repository(reserved));
        Assert.Throws<ArgumentException>(() => Sandbox.Repository(password: Sandbox.Password + "\n"));
        Assert.Throws<ArgumentException>(() => Sandbox.Repository(password: ""));
        Assert.Throws<ArgumentException>(() => Sandbox.Repository(new ResticLocation(Sandbox.RepositoryPath, ["sftp.command"], new Dictionary<string, string>())));
    }
}
