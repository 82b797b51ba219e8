using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Custos.Core.Backup;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Backup;

/// <summary>GDPR erasures survive a restore of a backup taken before them: the journal in the live database and in every target.</summary>
public sealed class ErasureJournalTests
{
    private const string Reason = "Art. 17 DSGVO: Antrag von Hans Schmidt vom 27.11.2026";

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task DocumentErasedAfterTheBackup_IsGoneAgainInTheRestoredInstance_AndTheReportSaysSo(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        var (_, docs) = await b.UploadAsync(3);
        var token = await b.Documents.Server.TokenAsync("carol", "documents:read");
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        var (erased, _) = docs[1];
        using (var carol = await b.Documents.ConnectAsync("carol"))
            (await carol.EraseAsync(new { documents = new[] { erased }, reason = Reason })).AssertOk();
        await using (var data = b.Documents.Server.Data())
        {
            var entry = await data.ErasureJournal.SingleAsync();
            Assert.Equal((erased, "document.erase"), (entry.DocumentId, entry.Trigger));
        }

        await using var fresh = await TestDatabase.CreateAsync(kind);
        var restore = await b.CliAsync(["backup", "restore", "--snapshot", run.SnapshotId!, "--to", fresh.DataDirectory, "--json",
            .. fresh.ConnectionString is null ? Array.Empty<string>() : ["--into-db", fresh.ConnectionString]]);
        Assert.True(restore.ExitCode == 0, restore.Error + restore.Output);
        var reapplied = Assert.Single(JsonDocument.Parse(restore.Output).RootElement.GetProperty("erasures").EnumerateArray());
        Assert.Equal(erased, reapplied.GetProperty("document").GetGuid());

        await using var server = await TestServer.StartAsync(fresh);
        using var http = server.NewBrowser(out _);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var client = new DocumentClient(http, b.Documents.Tenant);
        (await client.DownloadAsync(erased)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        foreach (var (id, content) in docs.Where(d => d.Id != erased)) Assert.Equal(content, (await client.DownloadAsync(id)).AssertOk().Bytes);
        await using var restored = StorageContext(fresh);
        Assert.False(await restored.DocumentVersions.AnyAsync(v => v.DocumentId == erased)); // the content keys are gone again
        Assert.True(await restored.ErasureJournal.AnyAsync(e => e.DocumentId == erased));
        Assert.Equal(1, await restored.AuditEvents.CountAsync(a => a.Action == "backup.erasure.reapply"));
    }

    [Fact]
    public async Task WithTheLiveDatabaseLost_TheJournalInTheTarget_StillErasesAgain()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        var (_, docs) = await b.UploadAsync(2);
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        using (var carol = await b.Documents.ConnectAsync("carol"))
            (await carol.EraseAsync(new { documents = new[] { docs[0].Id }, reason = Reason })).AssertOk();
        // The server stores the journal in every target soon after an erasure, without waiting for the next backup.
        Assert.Equal(1, await b.Get<BackupRunner>().SyncJournalAsync(CancellationToken.None));
        var kit = Path.Combine(b.Repositories, "kit.json");
        Assert.Equal(0, (await b.CliAsync("backup", "recovery-kit", "-o", kit)).ExitCode);

        await using var fresh = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var restore = await Cli.RunAsync("backup", "restore", "--recovery-kit", kit, "--snapshot", run.SnapshotId!, "--to", fresh.DataDirectory,
            "--data", Path.Combine(b.Repositories, "lost"));
        Assert.True(restore.ExitCode == 0, restore.Error + restore.Output);
        Assert.Contains("1 erasure(s) recorded after the snapshot applied again", restore.Output);
        Assert.Contains(docs[0].Id.ToString(), restore.Output);
        await using var restored = StorageContext(fresh);
        Assert.False(await restored.Documents.AnyAsync(d => d.Id == docs[0].Id));
        Assert.True(await restored.Documents.AnyAsync(d => d.Id == docs[1].Id));
    }

    [Fact]
    public async Task AnErasedDocument_IsNeverRestoredSingly()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        var (_, docs) = await b.UploadAsync(1);
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        using (var carol = await b.Documents.ConnectAsync("carol"))
            (await carol.EraseAsync(new { documents = new[] { docs[0].Id }, reason = Reason })).AssertOk();
        var refused = await b.CliAsync("backup", "restore-doc", docs[0].Id.ToString(), "--snapshot", run.SnapshotId!);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("erased", refused.Error);
        await using var data = b.Documents.Server.Data();
        Assert.False(await data.Documents.AnyAsync(d => d.Id == docs[0].Id));
    }

    private static Core.Data.CustosDbContext StorageContext(TestDatabase db) => Custos.Storage.StorageServiceCollectionExtensions.CreateContext(db.Settings);
}
