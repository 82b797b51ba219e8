using System.Runtime.Versioning;
using Custos.Core.Backup.Restic;

namespace Custos.Tests.Backup.Restic;

/// <summary>Backups, restores and dumps against the real restic, on one local repository shared by these tests.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResticBackupTests(ResticRepositoryFixture fixture) : IClassFixture<ResticRepositoryFixture>, IDisposable
{
    private const string Host = "custos-test";
    private readonly string work = fixture.Sandbox.NewDirectory("test-" + Guid.NewGuid().ToString("N"));

    private ResticSandbox Sandbox => fixture.Sandbox;
    private ResticRepository Repository => fixture.Repository;

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public async Task Backup_ThenRestore_WritesTheContentsByteIdenticalIntoTheTarget()
    {
        var source = Path.Combine(work, "source");
        ResticSandbox.WriteRandomFile(Path.Combine(source, "custos.db"), 1024 * 1024);
        ResticSandbox.WriteRandomFile(Path.Combine(source, "blobs", "ab", "abcdef"), 200_000);
        ResticSandbox.WriteRandomFile(Path.Combine(source, "deep", "er", "still", "x.txt"), 10);
        File.WriteAllBytes(Path.Combine(source, "empty"), []);
        var tag = "restore-" + Guid.NewGuid().ToString("N")[..8];

        var summary = await Repository.BackupAsync(source, Host, ["custos", tag], null, CancellationToken.None);

        Assert.Equal((4, 0, 0), (summary.FilesNew, summary.FilesChanged, summary.FilesUnmodified));
        Assert.Equal(4, summary.TotalFiles);
        Assert.Equal(1024 * 1024 + 200_000 + 10, summary.TotalBytes);
        Assert.True(summary.DataAdded >= 1024 * 1024, $"DataAdded {summary.DataAdded}");
        var snapshot = Assert.Single(await Repository.SnapshotsAsync(tag, CancellationToken.None));
        Assert.Equal(summary.SnapshotId, snapshot.ShortId);
        Assert.StartsWith(snapshot.ShortId, snapshot.Id);
        Assert.Equal(64, snapshot.Id.Length);
        Assert.Equal(Host, snapshot.Hostname);
        Assert.Equal(["custos", tag], snapshot.Tags.Order());
        Assert.Equal([source], snapshot.Paths);
        Assert.InRange(snapshot.Time, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(1));

        var target = Path.Combine(work, "restored");
        await Repository.RestoreAsync(snapshot.Id, target, [], CancellationToken.None);

        // The directory's contents land at the target's root, not under the source's absolute path.
        Assert.Equal(RelativeFiles(source), RelativeFiles(target));
        foreach (var file in RelativeFiles(source))
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(Path.Combine(target, file)));
        Sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task Restore_WithIncludes_RestoresOnlyTheNamedFiles()
    {
        var source = Path.Combine(work, "source");
        ResticSandbox.WriteRandomFile(Path.Combine(source, "db", "custos.db"), 50_000);
        ResticSandbox.WriteRandomFile(Path.Combine(source, "db", "custos.db-wal"), 1000);
        ResticSandbox.WriteRandomFile(Path.Combine(source, "blobs", "ab", "one"), 30_000);
        ResticSandbox.WriteRandomFile(Path.Combine(source, "blobs", "cd", "two"), 30_000);
        // Glob characters in a name: an include must match this file only, not act as a pattern.
        ResticSandbox.WriteRandomFile(Path.Combine(source, "blobs", "odd [1]*.txt"), 100);
        ResticSandbox.WriteRandomFile(Path.Combine(source, "blobs", "odd 1x.txt"), 100);
        var summary = await Repository.BackupAsync(source, Host, ["custos"], null, CancellationToken.None);

        var target = Path.Combine(work, "restored");
        await Repository.RestoreAsync(summary.SnapshotId, target, ["/db/custos.db", "/blobs/odd [1]*.txt"], CancellationToken.None);

        Assert.Equal([Path.Combine("blobs", "odd [1]*.txt"), Path.Combine("db", "custos.db")], RelativeFiles(target));
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "db", "custos.db")), File.ReadAllBytes(Path.Combine(target, "db", "custos.db")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "blobs", "odd [1]*.txt")), File.ReadAllBytes(Path.Combine(target, "blobs", "odd [1]*.txt")));
    }

    [Fact]
    public async Task BackupStdin_ThenDump_ReturnsTheBytes_WithinTheLimitOnly()
    {
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(10_000);
        var tag = "meta-" + Guid.NewGuid().ToString("N")[..8];

        var summary = await Repository.BackupStdinAsync(content, "meta/instance.json", Host, [tag], CancellationToken.None);

        Assert.Equal(1, summary.FilesNew);
        Assert.Equal(content.Length, summary.TotalBytes);
        var snapshot = Assert.Single(await Repository.SnapshotsAsync(tag, CancellationToken.None));
        Assert.Equal(["/meta/instance.json"], snapshot.Paths);
        Assert.Equal(content, await Repository.DumpAsync(snapshot.Id, "/meta/instance.json", 1024 * 1024, CancellationToken.None));
        Assert.Equal(content, await Repository.DumpAsync(snapshot.ShortId, "/meta/instance.json", content.Length, CancellationToken.None));

        var tooBig = await Assert.ThrowsAsync<ResticException>(() => Repository.DumpAsync(snapshot.Id, "/meta/instance.json", 9_999, CancellationToken.None));
        Assert.Equal(ResticFailureKind.Failed, tooBig.Kind);
        Assert.Contains("larger than 9999 bytes", tooBig.Message);
        var noFile = await Assert.ThrowsAsync<ResticException>(() => Repository.DumpAsync(snapshot.Id, "/meta/other.json", 1000, CancellationToken.None));
        Assert.Equal(ResticFailureKind.NotFound, noFile.Kind);
        var noSnapshot = await Assert.ThrowsAsync<ResticException>(() => Repository.DumpAsync("0123abcd", "/meta/instance.json", 1000, CancellationToken.None));
        Assert.Equal(ResticFailureKind.NotFound, noSnapshot.Kind);

        // The newest snapshot with a tag, in one restic run; none with that tag is no content, not an error.
        var newer = System.Security.Cryptography.RandomNumberGenerator.GetBytes(100);
        await Repository.BackupStdinAsync(newer, "meta/instance.json", Host, [tag], CancellationToken.None);
        Assert.Equal(newer, await Repository.DumpLatestAsync(tag, "/meta/instance.json", 1000, CancellationToken.None));
        Assert.Null(await Repository.DumpLatestAsync("no-such-" + tag, "/meta/instance.json", 1000, CancellationToken.None));
        Assert.Equal(ResticFailureKind.NotFound, (await Assert.ThrowsAsync<ResticException>(() =>
            Repository.DumpLatestAsync(tag, "/meta/other.json", 1000, CancellationToken.None))).Kind);
        Sandbox.AssertNoSecretsLeft();
    }

    [Fact]
    public async Task Backup_WithAFolderAlongside_PutsItAtTheRoot_LeavesOutTheExcludes_AndReadsOnlyWhatChangedNextTime()
    {
        // Custos's layout: a staging folder (the database copy, manifest) and the blob store from elsewhere, read in place.
        var data = Path.Combine(work, "data");
        var staging = Path.Combine(data, "backup", "staging");
        var blobs = Path.Combine(data, "blobs");
        ResticSandbox.WriteRandomFile(Path.Combine(staging, "manifest.json"), 300);
        for (var i = 0; i < 12; i++) ResticSandbox.WriteRandomFile(Path.Combine(blobs, "ab", "cd", $"blob{i:D2}"), 40_000);
        ResticSandbox.WriteRandomFile(Path.Combine(blobs, "tmp", "upload.tmp"), 1000);
        ResticSandbox.WriteRandomFile(Path.Combine(blobs, "held", "lock"), 10);
        var tag = "alongside-" + Guid.NewGuid().ToString("N")[..8];
        string[] excludes = [Path.Combine(blobs, "tmp"), Path.Combine(blobs, "held")];

        var first = await Repository.BackupAsync(staging, [blobs], excludes, Host, [tag], null, CancellationToken.None);
        Assert.Equal(13, first.FilesNew);
        var into = Path.Combine(work, "restored");
        await Repository.RestoreAsync(first.SnapshotId, into, [], CancellationToken.None);
        var files = Directory.GetFiles(into, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(into, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["blobs/ab/cd/blob00", "blobs/ab/cd/blob01"], files.Take(2));
        Assert.Equal(13, files.Count);
        Assert.Contains("manifest.json", files);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(blobs, "ab", "cd", "blob07")), await File.ReadAllBytesAsync(Path.Combine(into, "blobs", "ab", "cd", "blob07")));

        // The staging folder is new each run (its manifest counts as changed); the blobs are where they were: one new, one
        // gone, the rest not read again.
        Directory.Delete(staging, recursive: true);
        ResticSandbox.WriteRandomFile(Path.Combine(staging, "manifest.json"), 300);
        ResticSandbox.WriteRandomFile(Path.Combine(blobs, "ab", "cd", "blob12"), 40_000);
        File.Delete(Path.Combine(blobs, "ab", "cd", "blob00"));
        var second = await Repository.BackupAsync(staging, [blobs], excludes, Host, [tag], null, CancellationToken.None);
        Assert.Equal((1, 1, 11), (second.FilesNew, second.FilesChanged, second.FilesUnmodified));
        Assert.True(second.DataAdded < 64 * 1024, $"DataAdded {second.DataAdded}");

        // A folder named like an entry of the staging folder would be the same path in the snapshot: refused.
        Directory.CreateDirectory(Path.Combine(staging, "blobs"));
        await Assert.ThrowsAsync<ArgumentException>(() => Repository.BackupAsync(staging, [blobs], excludes, Host, [tag], null, CancellationToken.None));
    }

    [Fact]
    public async Task Backup_WhileRunning_PasswordIsOnlyInAPrivateFile_AndProgressIsThrottled()
    {
        const string inherited = "RESTIC_CUSTOS_TEST_INHERITED";
        var backendSecret = "backend-" + Guid.NewGuid().ToString("N");
        var location = new ResticLocation(Sandbox.RepositoryPath, [], new Dictionary<string, string> { ["CUSTOS_TEST_BACKEND_SECRET"] = backendSecret });
        var source = Path.Combine(work, "source");
        for (var i = 0; i < 16; i++) ResticSandbox.WriteRandomFile(Path.Combine(source, $"part{i:D2}"), 4 * 1024 * 1024);
        var reports = new List<ResticProgress>();
        var seen = new List<ResticChildren.Child>();
        string? passwordFile = null;
        var progress = new SynchronousProgress<ResticProgress>(p =>
        {
            reports.Add(p);
            if (seen.Count > 0) return;
            seen.AddRange(ResticChildren.Find(Sandbox.SecretsDirectory));
            passwordFile = seen.Select(c => c.CommandLine.Split(' ').FirstOrDefault(a => a.StartsWith("--password-file=", StringComparison.Ordinal)))
                .FirstOrDefault()?["--password-file=".Length..];
            if (passwordFile is not null)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(passwordFile)!));
                Assert.Equal(Sandbox.Password + "\n", File.ReadAllText(passwordFile));
            }
        });

        // Something named RESTIC_* in the server's environment must not reach restic.
        Environment.SetEnvironmentVariable(inherited, "1");
        var started = DateTime.UtcNow;
        ResticBackupSummary summary;
        try
        {
            summary = await Sandbox.Repository(location).BackupAsync(source, Host, ["custos"], progress, CancellationToken.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable(inherited, null);
        }
        var elapsed = DateTime.UtcNow - started;

        var child = Assert.Single(seen);
        Assert.DoesNotContain(Sandbox.Password, child.CommandLine);
        Assert.DoesNotContain(backendSecret, child.CommandLine);
        Assert.DoesNotContain(Sandbox.RepositoryPath, child.CommandLine);
        Assert.DoesNotContain(Sandbox.Password, child.Environment);
        Assert.Contains("CUSTOS_TEST_BACKEND_SECRET=" + backendSecret, child.Environment.Split('\n'));
        Assert.Contains("RESTIC_CACHE_DIR=" + Sandbox.Settings.CacheDirectory, child.Environment.Split('\n'));
        Assert.DoesNotContain(child.Environment.Split('\n'), v => v.StartsWith(inherited, StringComparison.Ordinal));
        Assert.NotNull(passwordFile);
        Assert.StartsWith(Sandbox.SecretsDirectory + "/", passwordFile);
        Assert.False(File.Exists(passwordFile));
        Sandbox.AssertNoSecretsLeft();

        Assert.Equal(16, summary.FilesNew);
        Assert.Equal(64L * 1024 * 1024, summary.TotalBytes);
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.InRange(r.PercentDone, 0, 1));
        Assert.True(reports.Count <= elapsed.TotalSeconds * 4 + 2, $"{reports.Count} reports in {elapsed}");
        Assert.Contains(reports, r => r.TotalBytes == 64L * 1024 * 1024 && r.BytesDone > 0);
    }

    internal static List<string> RelativeFiles(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList();
}
