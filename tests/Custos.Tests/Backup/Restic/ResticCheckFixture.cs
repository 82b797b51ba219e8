using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>
/// A repository with two snapshots of different data, made once; each test checks its own copy, so one test's damage
/// never reaches another. Knows which pack files each backup wrote: one data pack and one tree pack apiece.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticCheckFixture : IAsyncLifetime
{
    public ResticSandbox Sandbox { get; } = new();
    public ResticSnapshot First { get; private set; } = null!;
    public ResticSnapshot Second { get; private set; } = null!;
    /// <summary>Pack file names (the pack ids) written by each backup, largest first: [0] is the data pack.</summary>
    public IReadOnlyList<string> FirstPacks { get; private set; } = [];
    public IReadOnlyList<string> SecondPacks { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var repository = Sandbox.Repository();
        await repository.InitAsync(CancellationToken.None);
        var one = Sandbox.NewDirectory("one");
        var two = Sandbox.NewDirectory("two");
        ResticSandbox.WriteRandomFile(Path.Combine(one, "first.bin"), 3 * 1024 * 1024);
        ResticSandbox.WriteRandomFile(Path.Combine(two, "second.bin"), 3 * 1024 * 1024);

        await repository.BackupAsync(one, "custos-test", ["one"], null, CancellationToken.None);
        FirstPacks = PacksOf(Sandbox.RepositoryPath);
        await repository.BackupAsync(two, "custos-test", ["two"], null, CancellationToken.None);
        SecondPacks = PacksOf(Sandbox.RepositoryPath).Except(FirstPacks).ToList();
        var snapshots = await repository.SnapshotsAsync(null, CancellationToken.None);
        (First, Second) = (snapshots.Single(s => s.Tags.Contains("one")), snapshots.Single(s => s.Tags.Contains("two")));
    }

    /// <summary>A copy of the repository for one test, with its own cache, password files and temporary directory.</summary>
    public (ResticSandbox Sandbox, ResticRepository Repository) CopyForTest()
    {
        var sandbox = new ResticSandbox();
        CopyDirectory(Sandbox.RepositoryPath, sandbox.RepositoryPath);
        return (sandbox, new ResticRepository(ResticSandbox.LocalAt(sandbox.RepositoryPath), Sandbox.Password, sandbox.Settings));
    }

    public static string PackPath(string repository, string pack) => Path.Combine(repository, "data", pack[..2], pack);

    /// <summary>Overwrites bytes of a pack file in place, as a failing disk or a tampering hand would.</summary>
    public static void Corrupt(string repository, string pack, long offset)
    {
        var path = PackPath(repository, pack);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write("CORRUPTED-BY-THE-TEST-CORRUPTED-BY-THE-TEST"u8);
    }

    public Task DisposeAsync()
    {
        Sandbox.Dispose();
        return Task.CompletedTask;
    }

    private static List<string> PacksOf(string repository) =>
        Directory.EnumerateFiles(Path.Combine(repository, "data"), "*", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length)
            .Select(Path.GetFileName)
            .ToList()!;

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
