using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Documents;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;
using static Custos.Tests.Documents.SearchTestCalls;
using static Custos.Tests.Documents.SearchTestFiles;

namespace Custos.Tests.Documents;

/// <summary>
/// GDPR erasure requests (Art. 17/18): a document nothing keeps is crypto-shredded at once (version rows with their
/// wrapped content keys, blobs, index entries); one under retention or a legal hold is restricted (hidden from all but
/// the named group, read-only) and erased by the sweep when that ends; what the requester may not manage is refused;
/// every outcome is a report line and an audit event.
/// </summary>
public sealed class DocumentErasureTests
{
    private const string Reason = "Art. 17 DSGVO: Antrag von Hans Schmidt vom 27.11.2026, Az. DS-2026-014";

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UnretainedDocument_IsCryptoShredded_KeysRowsBlobsAndWordsGone_OnRecord(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var folder = await carol.FolderAsync("Kunden");
        var first = Text("Kundenakte Hans Schmidt, Kundennummer 100234");
        var second = Text("Kundenakte Hans Schmidt, Kundennummer 100234, neue Anschrift Lindenweg 7");
        var doc = await dave.UploadFileAsync(folder, "Kundenakte Schmidt.txt", first, TextType);
        await dave.CheckInFileAsync(doc, second, TextType);
        var keep = await dave.UploadFileAsync(folder, "Kundenakte Meier.txt", Text("Kundenakte Maria Meier"), TextType);
        await d.IndexAsync();
        var blobs = new[] { d.BlobPath(await d.BlobAddressAsync(doc, 1)), d.BlobPath(await d.BlobAddressAsync(doc, 2)) };
        Assert.All(blobs, b => Assert.True(File.Exists(b)));
        Assert.Equal(["Kundenakte Schmidt.txt"], await carol.FoundAsync(Q("lindenweg")));

        var report = (await carol.EraseAsync(new { documents = new[] { doc }, reason = Reason })).AssertOk();
        var id = report.Json.GetProperty("id").GetGuid();
        Assert.Equal(Reason, report.Json.GetProperty("reason").GetString());
        Assert.Equal("carol", report.Json.GetProperty("requestedBy").GetString());
        Assert.Equal((1, 0, 0), Counts(report));
        var item = Assert.Single(report.Items());
        Assert.Equal(doc, item.GetProperty("documentId").GetGuid());
        Assert.Equal("Kundenakte Schmidt.txt", item.GetProperty("name").GetString());
        Assert.Equal("erased", item.GetProperty("outcome").GetString());
        Assert.Equal($"1:{DocumentTestSetup.Sha256Hex(first)},2:{DocumentTestSetup.Sha256Hex(second)}", item.GetProperty("sha256").GetString());
        Assert.Equal(JsonValueKind.String, item.GetProperty("erasedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("restrictedUntil").ValueKind);

        // Crypto-shredding: the version rows held the wrapped content keys; with them and the blobs gone nothing is readable.
        Assert.All(blobs, b => Assert.False(File.Exists(b), $"{b} is still there"));
        await using (var data = d.Server.Data())
        {
            Assert.False(await data.Documents.AnyAsync(x => x.Id == doc));
            Assert.False(await data.DocumentVersions.AnyAsync(v => v.DocumentId == doc));
            Assert.False(await data.DocumentSearchRows.AnyAsync(r => r.DocumentId == doc));
            Assert.True(await data.Documents.AnyAsync(x => x.Id == keep));
        }
        Assert.Equal(0, await DocumentSearchTests.IndexedRowsMatchingAsync(d, "lindenweg"));
        Assert.Equal(0, await DocumentSearchTests.IndexedRowsMatchingAsync(d, "schmidt"));
        Assert.Equal(1, await DocumentSearchTests.FullTextRowsAsync(d));
        foreach (var client in new[] { carol, dave })
        {
            (await client.GetAsync($"/{doc}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await client.DownloadAsync(doc)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await client.DownloadAsync(doc, 1)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            Assert.Empty(await client.FoundAsync(Q("schmidt")));
            Assert.Equal(["Kundenakte Meier.txt"], await client.FoundAsync(Q("kundenakte")));
        }

        // The report stays, for the requester; on record: the request and the erasure with its checksums.
        var again = (await carol.GetAsync($"/erasures/{id}")).AssertOk();
        Assert.Equal(report.Json.GetProperty("items").ToString(), again.Json.GetProperty("items").ToString());
        var listed = Assert.Single((await carol.GetAsync("/erasures")).AssertOk().Json.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetGuid());
        Assert.Equal(1, listed.GetProperty("erased").GetInt32());
        Assert.Equal(1, await d.AuditCountAsync("document.erasure_request", AuditOutcome.Success, "user:carol", id));
        await using (var data = d.Server.Data())
        {
            var erase = Assert.Single(await data.AuditEvents.AsNoTracking().Where(a => a.Action == "document.erase").ToListAsync());
            Assert.Equal(AuditOutcome.Success, erase.Outcome);
            Assert.Equal("user:carol", erase.Actor);
            Assert.Equal($"document:{doc}", erase.Target);
            Assert.Contains(DocumentTestSetup.Sha256Hex(first), erase.Details);
            Assert.Contains(DocumentTestSetup.Sha256Hex(second), erase.Details);
            Assert.Contains(id.ToString(), erase.Details);
            var request = Assert.Single(await data.AuditEvents.AsNoTracking().Where(a => a.Action == "document.erasure_request").ToListAsync());
            Assert.Contains(Reason, request.Details);
        }
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RetainedDocument_IsRestricted_HiddenButForTheGroup_ReadOnly_AndTheSweepErasesItWhenRetentionEnds(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await carol.FolderAsync("Rechnungen");
        var content = Text("Rechnung 2026-118 an Hans Schmidt über 1.250,00 EUR");
        var doc = await dave.UploadFileAsync(folder, "Rechnung Schmidt.txt", content, TextType);
        var neighbour = await dave.UploadFileAsync(folder, "Rechnung Meier.txt", Text("Rechnung an Maria Meier"), TextType);
        var end = new DateOnly(d.Server.Now.Year + 11, 1, 1);
        (await carol.PutAsync($"/{doc}/label", new { classId = RetentionDefaults.GoBd10 })).AssertOk();
        await d.IndexAsync();
        var blob = d.BlobPath(await d.BlobAddressAsync(doc));

        var report = (await carol.EraseAsync(new { documents = new[] { doc }, reason = Reason, restrictTo = "editors" })).AssertOk();
        var id = report.Json.GetProperty("id").GetGuid();
        Assert.Equal((0, 1, 0), Counts(report));
        Assert.Equal("editors", report.Json.GetProperty("restrictedTo").GetString());
        var item = Assert.Single(report.Items());
        Assert.Equal("restricted", item.GetProperty("outcome").GetString());
        Assert.Equal(RetentionTests.Iso(end), item.GetProperty("restrictedUntil").GetString());
        Assert.Contains("GoBD 10 years", item.GetProperty("detail").GetString());
        Assert.Contains(RetentionTests.Iso(end), item.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("erasedAt").ValueKind);
        Assert.True(File.Exists(blob));
        Assert.Equal(1, await d.AuditCountAsync("document.restrict", AuditOutcome.Success, "user:carol", doc));
        Assert.Equal(0, await d.AuditCountAsync("document.erase", AuditOutcome.Success));

        // Hidden from everyone outside the group, its uploader included: as if it did not exist.
        foreach (var (who, client) in new[] { ("dave", dave), ("erin", erin) })
        {
            var listed = (await client.GetAsync($"?folder={folder}")).AssertOk().Json.EnumerateArray().Select(x => x.GetProperty("id").GetGuid()).ToList();
            Assert.True(listed.SequenceEqual([neighbour]), $"{who} lists {string.Join(", ", listed)}");
            (await client.GetAsync($"/{doc}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await client.DownloadAsync(doc)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            Assert.Equal(["Rechnung Meier.txt"], await client.FoundAsync(Q("rechnung")));
            Assert.Empty(await client.FoundAsync(Q("schmidt")));
            Assert.Empty(await client.FoundAsync("retention=restricted"));
            Assert.Empty(await client.FoundAsync($"label={RetentionDefaults.GoBd10}"));
        }
        (await dave.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await dave.TagAsync(doc, "mine")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // The group (carol's) still sees and reads it, but nobody changes it; the retention still refuses its deletion.
        Assert.Contains(doc, (await carol.GetAsync($"?folder={folder}")).AssertOk().Json.EnumerateArray().Select(x => x.GetProperty("id").GetGuid()));
        (await carol.GetAsync($"/{doc}")).AssertOk();
        Assert.Equal(content, (await carol.DownloadAsync(doc)).AssertOk().Bytes);
        var hit = Assert.Single((await carol.SearchAsync(Q("schmidt"))).AssertOk().Json.GetProperty("hits").EnumerateArray());
        Assert.Equal("restricted", hit.GetProperty("retentionState").GetString());
        Assert.Equal(["Rechnung Schmidt.txt"], await carol.FoundAsync("retention=restricted"));
        (await carol.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.Conflict, "document.restricted");
        (await carol.CheckInAsync(doc, Text("neu"))).AssertStatus(HttpStatusCode.Conflict, "document.restricted");
        (await carol.TagAsync(doc, "schmidt")).AssertStatus(HttpStatusCode.Conflict, "document.restricted");
        (await carol.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Conflict, "document.retained");
        // Asked again, it stays restricted (and erased no earlier).
        Assert.Equal((0, 1, 0), Counts((await carol.EraseAsync(new { documents = new[] { doc }, reason = Reason, restrictTo = "editors" })).AssertOk()));

        // The sweep leaves it until its retention ends, then erases it, and the report says when.
        await d.RetentionSweep().RunAsync();
        d.Server.Time.Advance(RetentionTests.StartOf(end.AddDays(-1)) - d.Server.Now);
        await d.RetentionSweep().RunAsync();
        Assert.True(File.Exists(blob));
        using var carolLater = await d.ConnectOnServerClockAsync("carol");
        Assert.Equal(JsonValueKind.Null, Assert.Single((await carolLater.GetAsync($"/erasures/{id}")).AssertOk().Items()).GetProperty("erasedAt").ValueKind);
        // (Advancing the clock also wakes the server's daily sweep; runs are serialised, so either run may be the one that erases.)
        d.Server.Time.Advance(TimeSpan.FromDays(1));
        await d.RetentionSweep().RunAsync();
        Assert.False(File.Exists(blob));
        await using (var data = d.Server.Data())
        {
            Assert.False(await data.Documents.AnyAsync(x => x.Id == doc));
            Assert.False(await data.DocumentVersions.AnyAsync(v => v.DocumentId == doc));
            Assert.False(await data.DocumentSearchRows.AnyAsync(r => r.DocumentId == doc));
            Assert.True(await data.Documents.AnyAsync(x => x.Id == neighbour));
        }
        var after = (await carolLater.GetAsync($"/erasures/{id}")).AssertOk();
        Assert.Equal((1, 0, 0), Counts(after));
        var erased = Assert.Single(after.Items());
        Assert.Equal("restricted", erased.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.String, erased.GetProperty("erasedAt").ValueKind);
        Assert.True(erased.GetProperty("erasedAt").GetDateTimeOffset() >= RetentionTests.StartOf(end));
        Assert.Equal($"1:{DocumentTestSetup.Sha256Hex(content)}", erased.GetProperty("sha256").GetString());
        Assert.Equal(1, await d.AuditCountAsync("document.erase", AuditOutcome.Success, RetentionSweep.Actor, doc));
        Assert.Equal(0, await d.AuditCountAsync("document.retention_delete", AuditOutcome.Success));
        (await carolLater.GetAsync($"/{doc}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task HeldDocument_IsRestrictedNamingTheHold_HiddenFromAllWithoutGroup_ErasedOnceReleased(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var erin = await d.ConnectAsync("erin");
        var folder = await carol.FolderAsync("Personal");
        var sub = await carol.FolderAsync("Schmidt", folder);
        var doc = await carol.UploadFileAsync(sub, "Abmahnung Schmidt.txt", Text("Abmahnung Hans Schmidt"), TextType);
        const string holdReason = "Kündigungsschutzklage Schmidt ./. Acme, Az. 2 Ca 77/26";
        const string owner = "Dr. Weber (Rechtsabteilung)";
        var hold = (await carol.PostAsync("/holds", new { folderId = folder, reason = holdReason, owner })).AssertOk().Json.GetProperty("id").GetGuid();
        await d.IndexAsync();
        var blob = d.BlobPath(await d.BlobAddressAsync(doc));

        // Without a group to keep seeing it, it is hidden from everyone, the requester too.
        var report = (await carol.EraseAsync(new { documents = new[] { doc }, reason = Reason })).AssertOk();
        var id = report.Json.GetProperty("id").GetGuid();
        Assert.Equal((0, 1, 0), Counts(report));
        Assert.Equal(JsonValueKind.Null, report.Json.GetProperty("restrictedTo").ValueKind);
        var item = Assert.Single(report.Items());
        Assert.Equal("restricted", item.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("restrictedUntil").ValueKind);
        Assert.Contains(owner, item.GetProperty("detail").GetString());
        Assert.Contains(holdReason, item.GetProperty("detail").GetString());
        Assert.Equal(1, await d.AuditCountAsync("document.restrict", AuditOutcome.Success, "user:carol", doc));
        foreach (var client in new[] { carol, erin })
        {
            (await client.GetAsync($"/{doc}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await client.DownloadAsync(doc)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            Assert.Empty(await client.FoundAsync(Q("abmahnung")));
            Assert.Empty(await client.FoundAsync("retention=held"));
            Assert.Empty((await client.GetAsync($"?folder={sub}")).AssertOk().Json.EnumerateArray());
        }
        // Asked again, the requester no longer reaches it: refused as not found.
        Assert.Equal((0, 0, 1), Counts((await carol.EraseAsync(new { documents = new[] { doc }, reason = Reason })).AssertOk()));

        // The hold keeps it from the sweep; released, the next sweep erases it.
        Assert.Equal(1, (await d.RetentionSweep().RunAsync()).Held);
        Assert.True(File.Exists(blob));
        (await carol.PostAsync($"/holds/{hold}/release")).AssertOk();
        Assert.Equal(1, (await d.RetentionSweep().RunAsync()).Deleted);
        Assert.False(File.Exists(blob));
        var after = (await carol.GetAsync($"/erasures/{id}")).AssertOk();
        Assert.Equal((1, 0, 0), Counts(after));
        Assert.Equal(JsonValueKind.String, Assert.Single(after.Items()).GetProperty("erasedAt").ValueKind);
        Assert.Equal(1, await d.AuditCountAsync("document.erase", AuditOutcome.Success, RetentionSweep.Actor, doc));
        await using var data = d.Server.Data();
        Assert.False(await data.Documents.AnyAsync(x => x.Id == doc));
        Assert.False(await data.DocumentVersions.AnyAsync(v => v.DocumentId == doc));
        Assert.False(await data.DocumentSearchRows.AnyAsync(r => r.DocumentId == doc));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WithoutManage_EveryDocumentIsRefused_NothingChanges_AndStrangersGet404(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        using var frank = await d.ConnectAsync("frank");
        var folder = await carol.FolderAsync("Kunden");
        var content = Text("Kundenakte Hans Schmidt");
        var doc = await dave.UploadFileAsync(folder, "Kundenakte Schmidt.txt", content, TextType);
        await d.Server.AddUsersAsync("bob");
        await d.Server.AddGroupAsync("blue", "bob");
        await d.Server.RunAsync("tenant", "add", "Globex");
        await d.Server.RunAsync("tenant", "grant", "Globex", "blue", "--documents", "manage");
        var globex = await d.Server.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Globex'");
        using var bob = await d.ConnectAsync("bob", globex);
        var globexDoc = await bob.UploadFileAsync(await bob.FolderAsync("Globex Kunden"), "Globex Geheimakte.txt", Text("Globex Schmidt"), TextType);
        await d.IndexAsync();

        // dave (Write) and erin (Read): a report of refusals, by id and by search; another tenant's id is refused without its name.
        foreach (var (who, client) in new[] { ("dave", dave), ("erin", erin) })
        {
            var report = (await client.EraseAsync(new { documents = new[] { doc, globexDoc, Guid.NewGuid() }, reason = Reason })).AssertOk();
            Assert.Equal((0, 0, 3), Counts(report));
            Assert.All(report.Items(), i => Assert.Equal("refused", i.GetProperty("outcome").GetString()));
            var own = Assert.Single(report.Items(), i => i.GetProperty("documentId").GetGuid() == doc);
            Assert.Contains("Manage", own.GetProperty("detail").GetString());
            Assert.DoesNotContain("Globex", report.Body);
            Assert.Equal((0, 0, 1), Counts((await client.EraseAsync(new { search = new { text = "schmidt" }, reason = Reason })).AssertOk()));
            Assert.True(await d.AuditCountAsync("document.erase", AuditOutcome.Denied, $"user:{who}", doc) >= 2, who);
            // Their own reports they may read; the list shows only theirs.
            Assert.Equal(2, (await client.GetAsync("/erasures")).AssertOk().Json.GetArrayLength());
        }
        Assert.Equal(content, (await carol.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Equal(["Kundenakte Schmidt.txt"], await erin.FoundAsync(Q("schmidt")));
        Assert.Equal(0, await d.AuditCountAsync("document.erase", AuditOutcome.Success));
        await using (var data = d.Server.Data())
            Assert.Null((await data.Documents.SingleAsync(x => x.Id == doc)).RestrictionId);

        // carol (Manage on the whole tenant) sees every request; erin does not see dave's.
        Assert.Equal(4, (await carol.GetAsync("/erasures")).AssertOk().Json.GetArrayLength());
        var davesRequest = (await dave.GetAsync("/erasures")).AssertOk().Json[0].GetProperty("id").GetGuid();
        (await carol.GetAsync($"/erasures/{davesRequest}")).AssertOk();
        (await erin.GetAsync($"/erasures/{davesRequest}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // bob (Manage on Globex) may not erase Acme's documents through either URL, nor read Acme's reports.
        var bobsReport = (await bob.EraseAsync(new { documents = new[] { doc }, reason = Reason })).AssertOk();
        Assert.Equal((0, 0, 1), Counts(bobsReport));
        Assert.Equal("?", Assert.Single(bobsReport.Items()).GetProperty("name").GetString());
        (await bob.On(d.Tenant).EraseAsync(new { documents = new[] { doc }, reason = Reason })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await bob.On(d.Tenant).GetAsync($"/erasures/{davesRequest}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await bob.GetAsync($"/erasures/{davesRequest}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        Assert.Single((await bob.GetAsync("/erasures")).AssertOk().Json.EnumerateArray());

        // frank reaches nothing of Acme.
        (await frank.EraseAsync(new { documents = new[] { doc }, reason = Reason })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await frank.GetAsync("/erasures")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await frank.GetAsync($"/erasures/{davesRequest}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        Assert.Equal(content, (await carol.DownloadAsync(doc)).AssertOk().Bytes);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task BySearch_ErasesOrRestrictsWhatTheSearchFinds_AndNothingElse(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var customers = await carol.FolderAsync("Kunden");
        var invoices = await carol.FolderAsync("Rechnungen");
        var letter = await dave.UploadFileAsync(customers, "Brief.txt", Text("Sehr geehrter Herr Schmidt, anbei das Angebot."), TextType);
        var contract = await dave.UploadFileAsync(customers, "Vertrag.pdf", Pdf("Vertragspartner: Hans Schmidt", "Laufzeit 24 Monate"), PdfType);
        var invoice = await dave.UploadFileAsync(invoices, "Rechnung 118.txt", Text("Rechnung an Hans Schmidt"), TextType);
        var other = await dave.UploadFileAsync(customers, "Meier.txt", Text("Sehr geehrte Frau Meier"), TextType);
        var namesake = await dave.UploadFileAsync(customers, "Schmidtke.txt", Text("Herr Schmidtke"), TextType);
        (await carol.PutAsync($"/{invoice}/label", new { classId = RetentionDefaults.GoBd8 })).AssertOk();
        (await dave.TagAsync(namesake, "andere person")).AssertOk();
        await d.IndexAsync();

        // The search: "hans schmidt" (all words) finds the contract and the invoice; the letter names "Herr Schmidt" only.
        var report = (await carol.EraseAsync(new { search = new { text = "Hans Schmidt" }, reason = Reason, restrictTo = "editors" })).AssertOk();
        Assert.Equal((1, 1, 0), Counts(report));
        Assert.Contains("text=Hans Schmidt", report.Json.GetProperty("query").GetString());
        var outcomes = report.Items().ToDictionary(i => i.GetProperty("documentId").GetGuid(), i => i.GetProperty("outcome").GetString());
        Assert.Equal(new Dictionary<Guid, string?> { [contract] = "erased", [invoice] = "restricted" }, outcomes);
        await using (var data = d.Server.Data())
        {
            Assert.False(await data.Documents.AnyAsync(x => x.Id == contract));
            Assert.Equal(new HashSet<Guid> { letter, invoice, other, namesake }, (await data.Documents.Select(x => x.Id).ToListAsync()).ToHashSet());
            Assert.NotNull((await data.Documents.SingleAsync(x => x.Id == invoice)).RestrictionId);
            Assert.Null((await data.Documents.SingleAsync(x => x.Id == letter)).RestrictionId);
        }

        // Criteria combine as in the search: the folder and the words; a prefix search would take "Schmidtke" too.
        Assert.Equal(["Brief.txt", "Schmidtke.txt"], await carol.FoundSortedAsync($"{Q("schmidt")}&folder={customers}"));
        var second = (await carol.EraseAsync(new { search = new { text = "schmidt", folder = customers, tag = "andere person" }, reason = Reason })).AssertOk();
        Assert.Equal((1, 0, 0), Counts(second));
        Assert.Equal(namesake, Assert.Single(second.Items()).GetProperty("documentId").GetGuid());
        var third = (await carol.EraseAsync(new { search = new { name = "brief" }, documents = new[] { letter }, reason = Reason })).AssertOk();
        Assert.Equal((1, 0, 0), Counts(third));
        Assert.Equal(["Meier.txt"], await dave.FoundAsync("name=txt"));

        // A search that finds nothing is an empty report, on record.
        var none = (await carol.EraseAsync(new { search = new { text = "Nirgendwo" }, reason = Reason })).AssertOk();
        Assert.Equal((0, 0, 0), Counts(none));
        Assert.Empty(none.Items());
        Assert.Equal(4, await d.AuditCountAsync("document.erasure_request", AuditOutcome.Success, "user:carol"));
        Assert.Equal(3, await d.AuditCountAsync("document.erase", AuditOutcome.Success, "user:carol"));
        Assert.Equal(1, await d.AuditCountAsync("document.restrict", AuditOutcome.Success, "user:carol", invoice));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task BadRequests_Answer400_AndEraseNothing(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Kunden");
        var doc = await carol.UploadFileAsync(folder, "Kundenakte.txt", Text("Kundenakte Schmidt"), TextType);
        await d.IndexAsync();

        object[] bad =
        [
            new { documents = new[] { doc } },
            new { documents = new[] { doc }, reason = "" },
            new { documents = new[] { doc }, reason = "   " },
            new { documents = new[] { doc }, reason = new string('x', 1001) },
            new { reason = Reason },
            new { documents = Array.Empty<Guid>(), reason = Reason },
            new { search = new { }, reason = Reason },
            new { search = new { text = "  " }, reason = Reason },
            new { documents = new[] { doc }, reason = Reason, restrictTo = "no-such-group" },
            new { search = new { text = "schmidt" }, reason = Reason, restrictTo = "no-such-group" },
            new { search = new { retention = "forever" }, reason = Reason },
        ];
        foreach (var body in bad)
            (await carol.EraseAsync(body)).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await carol.EraseAsync(new { search = new { folder = Guid.NewGuid() }, reason = Reason })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        Assert.Equal(HttpStatusCode.BadRequest, (await carol.EraseAsync(new { documents = new[] { "not-a-guid" }, reason = Reason })).Status);

        Assert.Equal(Text("Kundenakte Schmidt"), (await carol.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Empty((await carol.GetAsync("/erasures")).AssertOk().Json.EnumerateArray());
        Assert.Equal(0, await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'document.erase%' OR action = 'document.restrict'"));
        (await carol.GetAsync($"/erasures/{Guid.NewGuid()}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // A token without documents:write may read reports but not ask for an erasure.
        using var readOnly = await d.ConnectWithScopesAsync("carol", "documents:read");
        Assert.True((await readOnly.EraseAsync(new { documents = new[] { doc }, reason = Reason })).Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized);
        (await readOnly.GetAsync("/erasures")).AssertOk();
        Assert.Equal(Text("Kundenakte Schmidt"), (await carol.DownloadAsync(doc)).AssertOk().Bytes);
    }

    private static (int Erased, int Restricted, int Refused) Counts(Reply report) =>
        (report.Json.GetProperty("erased").GetInt32(), report.Json.GetProperty("restricted").GetInt32(), report.Json.GetProperty("refused").GetInt32());
}
