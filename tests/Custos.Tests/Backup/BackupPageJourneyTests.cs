using System.Net;
using Custos.Core.Backup;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Backup;

/// <summary>The backup pages with the real restic: an administrator adds a target, backs up from the page, and restores a document version.</summary>
public sealed class BackupPageJourneyTests
{
    [Fact]
    public async Task Administrator_AddsATarget_BacksUpFromThePage_AndRestoresAnOlderVersion()
    {
        await using var b = await BackupTestSetup.StartAsync(TestDatabase.Sqlite);
        var (_, docs) = await b.UploadAsync(2);
        var server = b.Documents.Server.Server;
        (await server.LoginWithTotpAsync()).Dispose();

        using (var added = await server.PostFormAsync("/backup/add", new Dictionary<string, string>
               {
                   ["Form.Name"] = "nas", ["Form.Repository"] = b.RepositoryPath("nas"), ["Form.Role"] = "local", ["Form.Schedule"] = "",
                   ["password"] = "", ["environment"] = "", ["Form.KeepDaily"] = "14", ["Form.KeepWeekly"] = "8", ["Form.KeepMonthly"] = "12",
               }))
            Assert.True(added.StatusCode == HttpStatusCode.Redirect, $"{(int)added.StatusCode}: {await added.Content.ReadAsStringAsync()}");
        Assert.True(File.Exists(Path.Combine(b.RepositoryPath("nas"), "config")), "restic init did not run");

        using (var run = await server.PostFormAsync("/backup", new Dictionary<string, string> { ["target"] = "nas" }, "/backup?handler=Run"))
            Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        BackupRun? done = null;
        for (var i = 0; i < 600 && done is null; i++)
        {
            done = (await b.Get<BackupViews>().RunsAsync("nas", BackupRunKind.Verify, 1)).FirstOrDefault(r => r.Outcome != BackupOutcome.Running);
            if (done is null) await Task.Delay(100);
        }
        var backup = (await b.Get<BackupViews>().RunsAsync("nas", BackupRunKind.Backup, 1)).Single();
        Assert.Equal((BackupOutcome.Succeeded, "manual"), (backup.Outcome, backup.Trigger));
        Assert.NotNull(done);
        Assert.Contains(backup.SnapshotId![..8], WebUtility.HtmlDecode(await server.Client.GetStringAsync("/backup")));
        Assert.Contains(backup.SnapshotId[..8], await server.Client.GetStringAsync("/backup/restore"));

        var (doc, first) = docs[0];
        using (var dave = await b.Documents.ConnectAsync("dave"))
        {
            (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
            (await dave.CheckInAsync(doc, DocumentTestSetup.RandomContent(5000))).AssertOk();
        }
        using var restored = await server.PostFormAsync("/backup/restore", new Dictionary<string, string>
        {
            ["target"] = "nas", ["snapshot"] = "latest", ["tenant"] = "Acme", ["document"] = "Verträge/Vertrag 000.dat", ["version"] = "1",
        });
        var html = WebUtility.HtmlDecode(await restored.Content.ReadAsStringAsync());
        Assert.True(restored.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("id=\"restore-version\">3<", html);
        Assert.Contains(DocumentTestSetup.Sha256Hex(first), html);
        using var carol = await b.Documents.ConnectAsync("carol");
        Assert.Equal(first, (await carol.DownloadAsync(doc)).AssertOk().Bytes);
    }
}
