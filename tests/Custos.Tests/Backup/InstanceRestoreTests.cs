using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Custos.Core.Backup;
using Custos.Core.Audit;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Backup;

/// <summary>`custos backup restore`: a whole instance into an empty directory that then starts and serves what was backed up.</summary>
public sealed class InstanceRestoreTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WholeInstance_RestoredIntoAFreshDirectory_StartsAndServesEveryDocumentWithItsChecksum(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        var (_, docs) = await b.UploadAsync(4, size: 120_000);
        var token = await b.Documents.Server.TokenAsync("dave", "documents:read", "documents:write");
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        // Changes after the backup are not in it.
        using (var dave = await b.Documents.ConnectAsync("dave"))
            await dave.UploadOkAsync((await b.UploadAsync(0, folderName: "Später")).Folder, "neu.dat", DocumentTestSetup.RandomContent(1000));

        await using var fresh = await TestDatabase.CreateAsync(kind);
        var restore = await b.CliAsync(["backup", "restore", "--target", "local", "--snapshot", run.SnapshotId![..8], "--to", fresh.DataDirectory, "--json",
            .. fresh.ConnectionString is null ? Array.Empty<string>() : ["--into-db", fresh.ConnectionString]]);
        Assert.True(restore.ExitCode == 0, restore.Error + restore.Output);
        var report = JsonDocument.Parse(restore.Output).RootElement;
        Assert.StartsWith(run.SnapshotId, report.GetProperty("snapshot").GetString());
        Assert.Equal(0, report.GetProperty("erasures").GetArrayLength());
        Assert.False(File.Exists(Path.Combine(fresh.DataDirectory, InstanceRestore.IncompleteMarker)));
        Assert.Single(Directory.GetFiles(Path.Combine(fresh.DataDirectory, "keys"), "*.key"));

        // The restored directory starts like any data directory; the old token works there, every document is intact.
        await using var server = await TestServer.StartAsync(fresh);
        using var http = server.NewBrowser(out _);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var client = new DocumentClient(http, b.Documents.Tenant);
        foreach (var (id, content) in docs) Assert.Equal(content, (await client.DownloadAsync(id)).AssertOk().Bytes);
        var found = (await client.GetAsync("/folders")).AssertOk().Body;
        Assert.DoesNotContain("Später", found);
        var verified = await Cli.RunAsync(["audit", "verify", .. Cli.DatabaseArgs(fresh)]);
        Assert.True(verified.ExitCode == 0, verified.Error + verified.Output);
        var scrub = await Cli.RunAsync(["doc", "scrub", .. Cli.DatabaseArgs(fresh)]);
        Assert.True(scrub.ExitCode == 0, scrub.Error + scrub.Output);
    }

    [Fact]
    public async Task Restore_WithoutTheMasterKey_OrOfNoSuchSnapshot_IsRefused_AndLeavesNothingBehind()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        await b.UploadAsync(2);
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        var targets = b.Get<BackupTargets>();
        var repo = await targets.OpenAsync((await targets.FindAsync("local"))!);
        var empty = Path.Combine(b.Repositories, "empty");
        Directory.CreateDirectory(empty);
        var missing = Path.Combine(b.Repositories, "not-yet");
        InstanceRestoreRequest Request(string snapshot, string dir) =>
            new(repo, snapshot, dir, null, [repo], [], _ => null, LatestRecorded: run.SnapshotId);

        foreach (var dir in new[] { empty, missing })
        {
            // The manifest is read while restic restores: the restore stops and takes away what it wrote.
            var noKey = await Assert.ThrowsAsync<BackupException>(() => b.Get<InstanceRestore>().RestoreAsync(Request("latest", dir), Actor.CommandLine(), null, CancellationToken.None));
            Assert.Contains("is not at hand", noKey.Message);
            Assert.Equal(dir == empty, Directory.Exists(dir));
            if (dir == empty) Assert.Empty(Directory.GetFileSystemEntries(dir));
        }
        var unknown = await Assert.ThrowsAsync<BackupException>(() => b.Get<InstanceRestore>().RestoreAsync(Request("0123abcd", empty), Actor.CommandLine(), null, CancellationToken.None));
        Assert.Contains("There is no Custos snapshot \"0123abcd\"", unknown.Message);
        Assert.Empty(Directory.GetFileSystemEntries(empty));
        var notAnId = await Assert.ThrowsAsync<BackupException>(() => b.Get<InstanceRestore>().RestoreAsync(Request("--help", empty), Actor.CommandLine(), null, CancellationToken.None));
        Assert.Contains("is not a snapshot id", notAnId.Message);
    }

    [Fact]
    public async Task Restore_IntoANonEmptyDirectory_IsRefused_AndNothingThereIsTouched()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        await b.AddLocalTargetAsync();
        await b.RunAsync();
        var dir = Path.Combine(b.Repositories, "occupied");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "notes.txt"), "mine");
        var refused = await b.CliAsync("backup", "restore", "--to", dir);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not empty", refused.Error);
        Assert.Equal("notes.txt", Path.GetFileName(Assert.Single(Directory.GetFileSystemEntries(dir))));
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(dir, "notes.txt")));
    }

    [Fact]
    public async Task OnANewMachine_TheRecoveryKitAlone_RestoresTheInstance_AndAServerWithoutItRefusesAnInterruptedRestore()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        var (_, docs) = await b.UploadAsync(2);
        var token = await b.Documents.Server.TokenAsync("dave", "documents:read");
        await b.AddLocalTargetAsync();
        await b.RunAsync();
        var kit = Path.Combine(b.Repositories, "kit.json");
        Assert.Equal(0, (await b.CliAsync("backup", "recovery-kit", "-o", kit)).ExitCode);

        // No --data of a live instance: only the kit and the repository.
        await using var fresh = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var restored = await Cli.RunAsync("backup", "restore", "--recovery-kit", kit, "--to", fresh.DataDirectory, "--data", Path.Combine(b.Repositories, "nothing-here"));
        Assert.True(restored.ExitCode == 0, restored.Error + restored.Output);
        Assert.Contains("Start it with: custos serve --data " + Path.GetFullPath(fresh.DataDirectory), restored.Output);
        await using (var server = await TestServer.StartAsync(fresh))
        {
            using var http = server.NewBrowser(out _);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var client = new DocumentClient(http, b.Documents.Tenant);
            foreach (var (id, content) in docs) Assert.Equal(content, (await client.DownloadAsync(id)).AssertOk().Bytes);
        }

        // A restore that did not finish leaves its marker: the server refuses the directory.
        await File.WriteAllTextAsync(Path.Combine(fresh.DataDirectory, InstanceRestore.IncompleteMarker), "interrupted");
        var refused = await Assert.ThrowsAsync<Web.StartupException>(() => TestServer.StartAsync(fresh));
        Assert.Contains("did not finish", refused.Message);
    }
}
