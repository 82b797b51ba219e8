using System.Net;
using System.Text;
using Custos.Core.Audit;
using Custos.Core.Identity;
using Custos.Core.Sluice;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Sluice;

/// <summary>
/// The sluice's "done when" (TOM 10.4, 10.5) through the documents API against the real clamd: a clean PDF comes out as
/// a flat PDF, a macro document is blocked with its reason, a virus is blocked with the signature and engine, a file a
/// check flagged is released only by two different reviewers, and nothing of it becomes a document before its verdict.
/// </summary>
public sealed class SluiceUploadTests
{
    private static Task<DocumentTestSetup> StartAsync(string kind, SluiceRelease release = SluiceRelease.Disarmed) =>
        DocumentTestSetup.StartAsync(kind, o => o with { SluiceRelease = release });

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CleanPdf_IsReleasedAsAFlatPdf_WithItsReleaseRecord(string kind)
    {
        await using var d = await StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Eingang");
        var original = SearchTestFiles.Pdf("Prüfbericht Brandschutz", "Fluchtwege ausreichend");

        var upload = await dave.UploadAsync(folder, "Bericht.pdf", original, "application/pdf");
        var released = upload.AssertOk().Json;
        var quarantineId = Guid.Parse(upload.Header("X-Custos-Quarantine")!);
        var doc = released.GetProperty("id").GetGuid();
        Assert.Equal("Bericht.pdf", released.GetProperty("name").GetString());

        var flat = (await dave.DownloadAsync(doc)).AssertOk().Bytes;
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(flat, 0, 4));
        Assert.NotEqual(DocumentTestSetup.Sha256Hex(original), DocumentTestSetup.Sha256Hex(flat));
        var text = Encoding.Latin1.GetString(flat);
        Assert.DoesNotContain("/Font", text);
        Assert.DoesNotContain("/JavaScript", text);

        // The release record: original and released checksums, every check, the scanner's version, who decided.
        var record = (await Sluice(dave, d).GetAsync($"/{quarantineId}")).AssertOk().Json;
        Assert.Equal("Released", record.GetProperty("state").GetString());
        Assert.Equal(DocumentTestSetup.Sha256Hex(original), record.GetProperty("sha256").GetString());
        var checks = record.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("check").GetString(), c.GetProperty("outcome").GetString())).ToList();
        Assert.Equal([("type", "Pass"), ("archive", "Pass"), ("antivirus", "Pass"), ("active-content", "Pass"), ("disarm", "Pass")], checks);
        Assert.StartsWith("ClamAV", record.GetProperty("engine").GetString());
        var releasedFile = Assert.Single(record.GetProperty("released").EnumerateArray());
        Assert.Equal("disarmed", releasedFile.GetProperty("as").GetString());
        Assert.Equal(DocumentTestSetup.Sha256Hex(flat), releasedFile.GetProperty("sha256").GetString());
        Assert.Equal("sluice", record.GetProperty("decidedBy").GetString());

        Assert.Equal(1, await d.AuditCountAsync("sluice.quarantine", AuditOutcome.Success, "user:dave", quarantineId));
        Assert.Equal(1, await d.AuditCountAsync("sluice.release", AuditOutcome.Success, target: quarantineId));
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task MacroDocument_IsBlocked_WithItsReason_AndBecomesNoDocument(string kind)
    {
        await using var d = await StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Angebote");

        var upload = await dave.UploadAsync(folder, "Angebot.docm", SluiceTestFiles.MacroDocument(),
            "application/vnd.ms-word.document.macroEnabled.12");
        upload.AssertStatus((HttpStatusCode)422, "sluice.blocked");
        Assert.Equal("active.macro", upload.Json.GetProperty("reason").GetString());
        var id = Guid.Parse(upload.Header("X-Custos-Quarantine")!);

        Assert.Equal(0, (await dave.GetAsync($"?folder={folder}")).AssertOk().Json.GetArrayLength());
        var item = (await Sluice(dave, d).GetAsync($"/{id}")).AssertOk().Json;
        Assert.Equal("Blocked", item.GetProperty("state").GetString());
        Assert.Equal("active.macro", item.GetProperty("reason").GetString());
        // Another user of the tenant does not even learn that the file exists.
        (await Sluice(erin, d).GetAsync($"/{id}")).AssertStatus(HttpStatusCode.NotFound, "sluice.not_found");
        Assert.Equal(1, await d.AuditCountAsync("sluice.blocked", AuditOutcome.Success, target: id));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Virus_IsBlockedByTheScanner_NamingSignatureAndEngine(string kind)
    {
        await using var d = await StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Eingang");

        // The test signature inside a ZIP inside a document-shaped ZIP: clamd unpacks both.
        var inner = SluiceTestFiles.Zip(("readme.txt", ClamdTestServer.Eicar()));
        var upload = await dave.UploadAsync(folder, "Lieferung.zip", SluiceTestFiles.Zip(("anlagen/daten.zip", inner)), "application/zip");
        upload.AssertStatus((HttpStatusCode)422, "sluice.blocked");
        Assert.Equal("antivirus.found", upload.Json.GetProperty("reason").GetString());
        var item = upload.Json.GetProperty("quarantine");
        var scan = item.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "antivirus");
        Assert.Contains(ClamdTestServer.EicarSignature, scan.GetProperty("detail").GetString());
        Assert.StartsWith("ClamAV", item.GetProperty("engine").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FlaggedFile_IsReleasedOnlyByTwoDifferentReviewers_NeverByItsUploader_AndAVirusNever(string kind)
    {
        await using var d = await StartAsync(kind);
        await d.AddToGroupAsync("editors", "rita", "rolf");
        foreach (var reviewer in new[] { "rita", "rolf", "dave" }) await d.Server.RunAsync("user", "grant-role", reviewer, Roles.QuarantineReviewer);
        using var dave = await d.ConnectAsync("dave");
        using var rita = await d.ConnectAsync("rita");
        using var rolf = await d.ConnectAsync("rolf");
        using var carol = await d.ConnectAsync("carol");
        var folder = await dave.FolderAsync("Angebote");

        var upload = await dave.UploadAsync(folder, "Angebot.docm", SluiceTestFiles.MacroDocument(), "application/vnd.ms-word.document.macroEnabled.12");
        upload.AssertStatus((HttpStatusCode)422, "sluice.blocked");
        var id = Guid.Parse(upload.Header("X-Custos-Quarantine")!);

        // The queue is for reviewers; carol manages documents but is no reviewer.
        (await Sluice(carol, d).GetAsync("")).AssertStatus(HttpStatusCode.Forbidden, "sluice.forbidden");
        var queued = (await Sluice(rita, d).GetAsync("")).AssertOk().Json.EnumerateArray().Single(q => q.GetProperty("id").GetGuid() == id);
        Assert.True(queued.GetProperty("needsTwoReviewers").GetBoolean());
        Assert.True(queued.GetProperty("canBeReleased").GetBoolean());

        (await Sluice(carol, d).PostAsync($"/{id}/release")).AssertStatus(HttpStatusCode.NotFound, "sluice.not_found");
        (await Sluice(dave, d).PostAsync($"/{id}/release")).AssertStatus(HttpStatusCode.Conflict, "sluice.own_upload");
        var first = (await Sluice(rita, d).PostAsync($"/{id}/release", new { note = "Makro beim Absender erfragt: Serienbrief" })).AssertOk().Json;
        Assert.True(first.GetProperty("waitsForSecondReviewer").GetBoolean());
        Assert.Equal(0, (await dave.GetAsync($"?folder={folder}")).AssertOk().Json.GetArrayLength());
        (await Sluice(rita, d).PostAsync($"/{id}/release")).AssertStatus(HttpStatusCode.Conflict, "sluice.second_reviewer");

        var second = (await Sluice(rolf, d).PostAsync($"/{id}/release")).AssertOk().Json;
        Assert.False(second.GetProperty("waitsForSecondReviewer").GetBoolean());
        Assert.Equal("Released", second.GetProperty("item").GetProperty("state").GetString());
        Assert.Equal("rita, rolf", second.GetProperty("item").GetProperty("decidedBy").GetString());
        Assert.Single((await dave.GetAsync($"?folder={folder}")).AssertOk().Json.EnumerateArray());
        Assert.Equal(2, await d.AuditCountAsync("sluice.approve", AuditOutcome.Success, target: id));
        Assert.Equal(1, await d.AuditCountAsync("sluice.approve", AuditOutcome.Denied, "user:dave", id));
        Assert.Equal(1, await d.AuditCountAsync("sluice.release", AuditOutcome.Success, "user:rolf", id));

        // What the virus scanner found is never released, not even by two reviewers.
        var virus = await dave.UploadAsync(folder, "readme.txt", ClamdTestServer.Eicar(), "text/plain");
        var virusId = Guid.Parse(virus.AssertStatus((HttpStatusCode)422, "sluice.blocked").Header("X-Custos-Quarantine")!);
        (await Sluice(rita, d).PostAsync($"/{virusId}/release")).AssertStatus(HttpStatusCode.Conflict, "sluice.not_in_review");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FileTheChecksCannotRead_GoesToReview_AndOneReviewerDecides(string kind)
    {
        await using var d = await StartAsync(kind);
        await d.AddToGroupAsync("editors", "rita");
        await d.Server.RunAsync("user", "grant-role", "rita", Roles.QuarantineReviewer);
        using var dave = await d.ConnectAsync("dave");
        using var rita = await d.ConnectAsync("rita");
        var folder = await dave.FolderAsync("Personal");

        var upload = await dave.UploadAsync(folder, "Gehalt.zip", SluiceTestFiles.EncryptedZip(), "application/zip");
        upload.AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal("Review", upload.Json.GetProperty("state").GetString());
        Assert.Equal("archive.encrypted", upload.Json.GetProperty("reason").GetString());
        Assert.False(upload.Json.GetProperty("needsTwoReviewers").GetBoolean());
        var id = upload.Json.GetProperty("id").GetGuid();
        Assert.Equal(0, (await dave.GetAsync($"?folder={folder}")).AssertOk().Json.GetArrayLength());

        var released = (await Sluice(rita, d).PostAsync($"/{id}/release", new { note = "Passwort beim Absender erfragt" })).AssertOk().Json;
        Assert.False(released.GetProperty("waitsForSecondReviewer").GetBoolean());
        Assert.Equal("Released", released.GetProperty("item").GetProperty("state").GetString());
        Assert.Equal("rita", released.GetProperty("item").GetProperty("decidedBy").GetString());
        var listed = Assert.Single((await dave.GetAsync($"?folder={folder}")).AssertOk().Json.EnumerateArray());
        Assert.Equal("Gehalt.zip", listed.GetProperty("name").GetString());
        Assert.Equal(SluiceTestFiles.EncryptedZip().Length, listed.GetProperty("size").GetInt64());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ScannerDown_FileStaysInQuarantine_AndIsCheckedWhenItIsBack(string kind)
    {
        await using var clamd = new ClamdTestServer();
        await clamd.StartAsync();
        await using var d = await DocumentTestSetup.StartAsync(kind, o => o with { Clamd = clamd.Address, SluiceRelease = SluiceRelease.Original });
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Eingang");
        await clamd.StopAsync();

        var content = SluiceTestFiles.Text("Protokoll der Sitzung vom 27. November\n");
        var upload = await dave.UploadAsync(folder, "Protokoll.txt", content, "text/plain");
        upload.AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal("Pending", upload.Json.GetProperty("state").GetString());
        Assert.Equal("antivirus.unavailable", upload.Json.GetProperty("waiting").GetString());
        Assert.Equal(0, (await dave.GetAsync($"?folder={folder}")).AssertOk().Json.GetArrayLength());

        await clamd.StartAsync();
        d.Server.Time.Advance(TimeSpan.FromMinutes(1));
        var id = upload.Json.GetProperty("id").GetGuid();
        var until = DateTime.UtcNow.AddSeconds(60);
        string? state;
        do
        {
            await Task.Delay(200);
            d.Server.Time.Advance(TimeSpan.FromSeconds(3));
            state = (await Sluice(dave, d).GetAsync($"/{id}")).AssertOk().Json.GetProperty("state").GetString();
        } while (state == "Pending" && DateTime.UtcNow < until);
        Assert.Equal("Released", state);
        var doc = Assert.Single((await dave.GetAsync($"?folder={folder}")).AssertOk().Json.EnumerateArray()).GetProperty("id").GetGuid();
        Assert.Equal(content, (await dave.DownloadAsync(doc)).AssertOk().Bytes);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FileBeyondTheScannersLimit_IsNeverReleasedAsClean_ButWaitsForAReviewer(string kind)
    {
        await using var clamd = new ClamdTestServer(new ClamdTestServerOptions { StreamMaxLength = "1M", MaxFileSize = "1M", MaxScanSize = "1M" });
        await clamd.StartAsync();
        await using var d = await DocumentTestSetup.StartAsync(kind, o => o with { Clamd = clamd.Address, SluiceRelease = SluiceRelease.Original });
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Eingang");

        var upload = await dave.UploadAsync(folder, "Export.dat", DocumentTestSetup.RandomContent(3 * 1024 * 1024), "application/octet-stream");
        upload.AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal("Review", upload.Json.GetProperty("state").GetString());
        Assert.Equal("antivirus.limit", upload.Json.GetProperty("reason").GetString());
        Assert.Equal(0, (await dave.GetAsync($"?folder={folder}")).AssertOk().Json.GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Originals_AreDeletedFromQuarantine_AfterTheirKeepingTime_AndTheDocumentStays(string kind)
    {
        await using var d = await StartAsync(kind, SluiceRelease.Original);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Eingang");
        var content = SluiceTestFiles.Text("Protokoll\n");
        var upload = await dave.UploadAsync(folder, "Protokoll.txt", content, "text/plain");
        var doc = upload.AssertOk().Json.GetProperty("id").GetGuid();
        var id = Guid.Parse(upload.Header("X-Custos-Quarantine")!);
        string original;
        await using (var data = d.Server.Data())
            original = (await data.QuarantineItems.SingleAsync(q => q.Id == id)).BlobAddress!;
        var worker = d.Server.Server.Host.Services.GetRequiredService<SluiceWorker>();

        d.Server.Time.Advance(TimeSpan.FromDays(13));
        Assert.Equal(0, await worker.PurgeAsync(CancellationToken.None));
        Assert.True(File.Exists(d.BlobPath(original)));

        // The server's own worker wakes with the clock too: whichever purges first, the other finds nothing left to do.
        d.Server.Time.Advance(TimeSpan.FromDays(2));
        await worker.PurgeAsync(CancellationToken.None);
        var until = DateTime.UtcNow.AddSeconds(30);
        while (File.Exists(d.BlobPath(original)) && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.False(File.Exists(d.BlobPath(original)));
        await using (var data = d.Server.Data())
        {
            var purged = await data.QuarantineItems.SingleAsync(q => q.Id == id);
            Assert.Null(purged.BlobAddress);
            Assert.Null(purged.WrappedKey);
        }
        Assert.Equal(1, await d.AuditCountAsync("sluice.purge", AuditOutcome.Success, target: id));
        Assert.Equal(content, (await dave.DownloadAsync(doc)).AssertOk().Bytes);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CheckIn_GoesThroughTheSluice_AndAMacroVersionIsRefused_KeepingTheLock(string kind)
    {
        await using var d = await StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Verträge");
        var doc = await dave.UploadOkAsync(folder, "Vertrag.txt", SluiceTestFiles.Text("Version 1\n"));
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();

        (await dave.CheckInAsync(doc, SluiceTestFiles.MacroDocument())).AssertStatus((HttpStatusCode)422, "sluice.blocked");
        var still = (await dave.GetAsync($"/{doc}")).AssertOk().Json;
        Assert.Equal(1, still.GetProperty("currentVersion").GetInt32());
        Assert.Equal("dave", still.GetProperty("lock").GetProperty("holder").GetString());

        var v2 = SluiceTestFiles.Text("Version 2\n");
        var checkedIn = (await dave.CheckInAsync(doc, v2)).AssertOk().Json;
        Assert.Equal(2, checkedIn.GetProperty("currentVersion").GetInt32());
        Assert.Equal(v2, (await dave.DownloadAsync(doc, 2)).AssertOk().Bytes);
    }

    /// <summary>The same user's client on the tenant's sluice API (not disposed: it shares the client's connection).</summary>
    private static DocumentClient Sluice(DocumentClient client, DocumentTestSetup d) => new(client.Http, d.Tenant) { Api = $"/api/v1/tenants/{d.Tenant}/sluice" };
}
