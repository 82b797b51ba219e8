using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;

namespace Custos.Tests.Backup;

/// <summary>`custos backup restore-doc`: one document version from a snapshot into the running instance.</summary>
public sealed class DocumentRestoreTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task OlderVersion_ComesBackAsTheNewestVersion_WithItsChecksum_OnRecord(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        var (_, docs) = await b.UploadAsync(2);
        var (doc, first) = docs[0];
        await b.AddLocalTargetAsync();
        var run = await b.RunAsync();
        using var dave = await b.Documents.ConnectAsync("dave");
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        var second = DocumentTestSetup.RandomContent(70_000);
        (await dave.CheckInAsync(doc, second)).AssertOk();

        var restored = await b.CliAsync("backup", "restore-doc", "Verträge/Vertrag 000.dat@1", "--tenant", "Acme", "--snapshot", run.SnapshotId!, "--json");
        Assert.True(restored.ExitCode == 0, restored.Error + restored.Output);
        var r = JsonDocument.Parse(restored.Output).RootElement;
        Assert.Equal((1, 3, false), (r.GetProperty("fromVersion").GetInt32(), r.GetProperty("newVersion").GetInt32(), r.GetProperty("recreated").GetBoolean()));
        Assert.Equal(DocumentTestSetup.Sha256Hex(first), r.GetProperty("sha256").GetString());
        Assert.Equal(first, (await dave.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Equal(second, (await dave.DownloadAsync(doc, 2)).AssertOk().Bytes);
        var versions = (await dave.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("versions");
        Assert.Equal(3, versions.GetArrayLength());
        Assert.Equal(1, await b.Documents.AuditCountAsync("backup.restore_document", AuditOutcome.Success, target: doc));
        Assert.Empty(Directory.GetDirectories(Path.Combine(b.Db.DataDirectory, "backup"), "restore-*"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task DeletedDocument_IsRecreated_ACheckedOutOneIsLeftAlone(string kind)
    {
        await using var b = await BackupTestSetup.StartAsync(kind);
        var (_, docs) = await b.UploadAsync(2);
        await b.AddLocalTargetAsync();
        await b.RunAsync();
        using var carol = await b.Documents.ConnectAsync("carol");
        using var dave = await b.Documents.ConnectAsync("dave");
        (await Reply.Of(await carol.Http.DeleteAsync($"{carol.Api}/{docs[0].Id}"))).AssertOk();
        (await dave.PostAsync($"/{docs[1].Id}/checkout")).AssertOk();

        var recreated = await b.CliAsync("backup", "restore-doc", docs[0].Id.ToString(), "--snapshot", "latest", "--json");
        Assert.True(recreated.ExitCode == 0, recreated.Error + recreated.Output);
        Assert.True(JsonDocument.Parse(recreated.Output).RootElement.GetProperty("recreated").GetBoolean());
        Assert.Equal(docs[0].Content, (await carol.DownloadAsync(docs[0].Id)).AssertOk().Bytes);

        var locked = await b.CliAsync("backup", "restore-doc", docs[1].Id.ToString(), "--snapshot", "latest");
        Assert.Equal(1, locked.ExitCode);
        Assert.Contains("checked out by dave", locked.Error);
        Assert.Equal(1, (await dave.GetAsync($"/{docs[1].Id}")).AssertOk().Json.GetProperty("versions").GetArrayLength());

        var unknown = await b.CliAsync("backup", "restore-doc", "Verträge/nicht da.dat", "--tenant", "Acme", "--snapshot", "latest");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("holds no document", unknown.Error);
    }
}
