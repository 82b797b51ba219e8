using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Documents;

/// <summary>The capability's core promise (TOM 8.1, 8.2): versions with checksums, and check-out locks that keep others out.</summary>
public sealed class DocumentLifecycleTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CheckOut_LocksOthersOut_AndCheckIn_AddsAVersion_BothDownloadWithTheirChecksums(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await carol.FolderAsync("Verträge");
        var first = DocumentTestSetup.RandomContent(300_000);
        var upload = (await dave.UploadAsync(folder, "Wartungsvertrag 2026.dat", first, comment: "signed")).AssertOk().Json;
        var doc = upload.GetProperty("id").GetGuid();
        Assert.Equal(1, upload.GetProperty("currentVersion").GetInt32());

        // dave checks it out: carol cannot check it out nor add a version, erin (Read) can still read it.
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        (await carol.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.Conflict, "document.locked");
        (await carol.CheckInAsync(doc, DocumentTestSetup.RandomContent(10))).AssertStatus(HttpStatusCode.Conflict, "document.locked");
        (await erin.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.Equal(first, (await erin.DownloadAsync(doc)).AssertOk().Bytes);
        var shown = (await erin.GetAsync($"/{doc}")).AssertOk().Json;
        Assert.Equal("dave", shown.GetProperty("lock").GetProperty("holder").GetString());

        var second = DocumentTestSetup.RandomContent(123_457);
        var checkedIn = (await dave.CheckInAsync(doc, second, "prices 2027")).AssertOk().Json;
        Assert.Equal(2, checkedIn.GetProperty("currentVersion").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, checkedIn.GetProperty("lock").ValueKind);

        var versions = (await erin.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("versions");
        Assert.Equal(2, versions.GetArrayLength());
        foreach (var (number, content) in new[] { (1, first), (2, second) })
        {
            var download = (await erin.DownloadAsync(doc, number)).AssertOk();
            Assert.Equal(content, download.Bytes);
            var listed = versions.EnumerateArray().Single(v => v.GetProperty("number").GetInt32() == number);
            Assert.Equal(DocumentTestSetup.Sha256Hex(content), listed.GetProperty("sha256").GetString());
            Assert.Equal($"sha-256=:{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(content))}:",
                download.Response.Headers.GetValues("Repr-Digest").Single());
        }

        // A new version without the lock is refused; the whole story is in the audit log.
        (await dave.CheckInAsync(doc, DocumentTestSetup.RandomContent(10))).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");
        foreach (var action in new[] { "document.upload", "document.checkout", "document.checkin", "document.download" })
            Assert.True(await d.Server.Db.ScalarAsync($"SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND outcome = 1") > 0, action);
        Assert.Equal(2, await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.checkout' AND outcome = 3"));
        await d.Server.RunAsync("audit", "verify");
    }
}
