using System.Net;
using System.Net.Http.Json;
using Custos.Core.Audit;
using Custos.Core.Documents;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Documents;

/// <summary>
/// Retention (TOM 7.5): a label keeps a document (WORM, administrators included) until 1 January after its years have
/// passed, then the sweep deletes it (keys, rows, blobs) on the record, or marks it for review; labels and class changes
/// never shorten a running retention; a folder's default class covers its unlabelled documents.
/// </summary>
public sealed class RetentionTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task GoBdTenYears_RefusesDeletionForEveryone_ThenTheSweepShredsItWhenItEnds(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var folder = await carol.FolderAsync("Buchhaltung");
        var first = DocumentTestSetup.RandomContent(60_000);
        var second = DocumentTestSetup.RandomContent(20_000);
        var doc = await dave.UploadOkAsync(folder, "Jahresabschluss 2026.dat", first);
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        (await dave.CheckInAsync(doc, second)).AssertOk();
        var blobs = new[] { d.BlobPath(await d.BlobAddressAsync(doc, 1)), d.BlobPath(await d.BlobAddressAsync(doc, 2)) };

        var end = new DateOnly(d.Server.Now.Year + 11, 1, 1);
        var labelled = (await carol.PutAsync($"/{doc}/label", new { classId = RetentionDefaults.GoBd10 })).AssertOk().Json;
        Assert.Equal(Iso(end), labelled.GetProperty("retainUntil").GetString());
        Assert.Equal("GoBD 10 years", labelled.GetProperty("className").GetString());

        // WORM: the Manage holder and the administrator (with Manage, and the admin scope) are refused alike, with the end date.
        var refused = (await carol.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Conflict, "document.retained");
        Assert.Contains($"retention runs until {Iso(end)}", refused.Json.GetProperty("title").GetString());
        using var ada = await d.AdministratorAsync();
        await d.Server.RunAsync("group", "add-member", "editors", TestServer.AdminName);
        var adaRefused = (await ada.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Conflict, "document.retained");
        Assert.Contains($"retention runs until {Iso(end)}", adaRefused.Json.GetProperty("title").GetString());
        Assert.Equal(2, await d.AuditCountAsync("document.delete", AuditOutcome.Denied, target: doc));

        // The sweep leaves it alone up to the last day of its retention ...
        await d.RetentionSweep().RunAsync();
        d.Server.Time.Advance(StartOf(end.AddDays(-1)) - d.Server.Now);
        await d.RetentionSweep().RunAsync();
        Assert.All(blobs, b => Assert.True(File.Exists(b)));
        Assert.Equal(0, await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.retention_delete'"));

        // ... and on the day it ends shreds it: rows (with their wrapped keys) and blobs gone, its checksums and class on record.
        d.Server.Time.Advance(TimeSpan.FromDays(1));
        await d.RetentionSweep().RunAsync();
        Assert.All(blobs, b => Assert.False(File.Exists(b), $"{b} is still there"));
        await using (var data = d.Server.Data())
        {
            Assert.False(await data.Documents.AnyAsync(x => x.Id == doc));
            Assert.False(await data.DocumentVersions.AnyAsync(v => v.DocumentId == doc));
            var deletion = Assert.Single(await data.AuditEvents.AsNoTracking().Where(a => a.Action == "document.retention_delete").ToListAsync());
            Assert.Equal(RetentionSweep.Actor, deletion.Actor);
            Assert.Equal($"document:{doc}", deletion.Target);
            Assert.Equal(d.Tenant, deletion.TenantId.Value);
            Assert.Contains($"1:{DocumentTestSetup.Sha256Hex(first)}", deletion.Details);
            Assert.Contains($"2:{DocumentTestSetup.Sha256Hex(second)}", deletion.Details);
            Assert.Contains("GoBD 10 years", deletion.Details);
        }
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ReviewClass_MarksTheDocumentForReview_InsteadOfDeletingIt_Once(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var ada = await d.AdministratorAsync();
        var input = new { name = "Korrespondenz (Prüfung)", years = 2, action = "Review", description = "Entscheidung nach Ablauf" };
        (await carol.PostClassAsync(input)).AssertStatus(HttpStatusCode.Forbidden, "retention.administrators_only");
        var review = (await ada.PostClassAsync(input)).AssertOk().Json.GetProperty("id").GetGuid();
        Assert.Contains("Korrespondenz (Prüfung)", (await carol.GetClassesAsync()).AssertOk().Body);

        var folder = await carol.FolderAsync("Korrespondenz");
        var doc = await carol.UploadOkAsync(folder, "Brief.dat", DocumentTestSetup.RandomContent(5_000));
        var end = new DateOnly(d.Server.Now.Year + 3, 1, 1);
        Assert.Equal(Iso(end), (await carol.PutAsync($"/{doc}/label", new { classId = review })).AssertOk().Json.GetProperty("retainUntil").GetString());

        d.Server.Time.Advance(StartOf(end) - d.Server.Now + TimeSpan.FromHours(1));
        await d.RetentionSweep().RunAsync();
        await d.RetentionSweep().RunAsync();
        await using var data = d.Server.Data();
        var kept = await data.Documents.AsNoTracking().SingleAsync(x => x.Id == doc);
        Assert.True(kept.ReviewDue);
        Assert.True(File.Exists(d.BlobPath(await d.BlobAddressAsync(doc))));
        Assert.Equal(1, await d.AuditCountAsync("document.retention_review", AuditOutcome.Success, RetentionSweep.Actor, doc));
        Assert.Equal(0, await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.retention_delete'"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task LabelChanges_CannotShortenARunningRetention_ButMayLengthenIt(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Rechnungen");
        var doc = await carol.UploadOkAsync(folder, "Rechnung 4711.dat", DocumentTestSetup.RandomContent(4_000));
        var year = d.Server.Now.Year;
        var end = Iso(new DateOnly(year + 11, 1, 1));
        (await carol.PutAsync($"/{doc}/label", new { classId = RetentionDefaults.GoBd10 })).AssertOk();

        var shorter = new object[]
        {
            new { classId = RetentionDefaults.GoBd6 },
            new { classId = (Guid?)null },
            new { classId = RetentionDefaults.GoBd10, documentDate = Iso(new DateOnly(year - 2, 6, 30)) },
        };
        foreach (var body in shorter)
        {
            var refused = (await carol.PutAsync($"/{doc}/label", body)).AssertStatus(HttpStatusCode.Conflict, "document.retained");
            Assert.Contains($"retention runs until {end}", refused.Json.GetProperty("title").GetString());
        }
        Assert.Equal(new DateOnly(year + 11, 1, 1), await RetainUntilAsync(d, doc));
        Assert.Equal(3, await d.AuditCountAsync("document.label", AuditOutcome.Denied, "user:carol", doc));

        // A later document date (at most a year ahead) lengthens it; an unknown class is no label.
        var later = (await carol.PutAsync($"/{doc}/label", new { classId = RetentionDefaults.GoBd10, documentDate = Iso(Today(d).AddYears(1)) }))
            .AssertOk().Json;
        Assert.Equal(Iso(new DateOnly(year + 12, 1, 1)), later.GetProperty("retainUntil").GetString());
        (await carol.PutAsync($"/{doc}/label", new { classId = Guid.NewGuid() })).AssertStatus(HttpStatusCode.NotFound, "retention.class_not_found");
        Assert.Equal(new DateOnly(year + 12, 1, 1), await RetainUntilAsync(d, doc));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FolderDefault_AppliesToNewUploadsAndUnlabelledDocuments_NeverShorteningOne(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var year = d.Server.Now.Year;
        var root = await carol.FolderAsync("Buchhaltung");
        var sub = await carol.FolderAsync("Belege", root);
        var unlabelled = await dave.UploadOkAsync(sub, "Beleg 1.dat", DocumentTestSetup.RandomContent(3_000));
        var labelled = await dave.UploadOkAsync(sub, "Brief.dat", DocumentTestSetup.RandomContent(3_000));
        (await carol.PutAsync($"/{labelled}/label", new { classId = RetentionDefaults.GoBd6 })).AssertOk();
        Assert.Null(await RetainUntilAsync(d, unlabelled));

        // The root's default reaches the unlabelled document in the subfolder and every new upload below; the label wins.
        var set = (await carol.PutAsync($"/folders/{root}/retention", new { classId = RetentionDefaults.GoBd8 })).AssertOk().Json;
        Assert.Equal(1, set.GetProperty("documentsRecomputed").GetInt32());
        Assert.Equal(new DateOnly(year + 9, 1, 1), await RetainUntilAsync(d, unlabelled));
        Assert.Equal(new DateOnly(year + 7, 1, 1), await RetainUntilAsync(d, labelled));
        var uploaded = await dave.UploadOkAsync(sub, "Beleg 2.dat", DocumentTestSetup.RandomContent(3_000));
        Assert.Equal(new DateOnly(year + 9, 1, 1), await RetainUntilAsync(d, uploaded));

        // A shorter default on the subfolder applies to what comes next, but the running retentions stay as they are.
        (await carol.PutAsync($"/folders/{sub}/retention", new { classId = RetentionDefaults.GoBd6 })).AssertOk();
        Assert.Equal(new DateOnly(year + 9, 1, 1), await RetainUntilAsync(d, unlabelled));
        Assert.Equal(new DateOnly(year + 9, 1, 1), await RetainUntilAsync(d, uploaded));
        var next = await dave.UploadOkAsync(sub, "Beleg 3.dat", DocumentTestSetup.RandomContent(3_000));
        Assert.Equal(new DateOnly(year + 7, 1, 1), await RetainUntilAsync(d, next));
        (await carol.DeleteAsync($"/{unlabelled}")).AssertStatus(HttpStatusCode.Conflict, "document.retained");
        Assert.Equal(2, await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.folder_retention' AND outcome = 1"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ClassDuration_Change_LengthensButNeverShortensRunningRetentions(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var ada = await d.AdministratorAsync();
        var year = d.Server.Now.Year;
        var contracts = (await ada.PostClassAsync(new { name = "Verträge", years = 5 })).AssertOk().Json.GetProperty("id").GetGuid();
        var folder = await carol.FolderAsync("Verträge");
        var byFolder = await carol.UploadOkAsync(folder, "Rahmenvertrag.dat", DocumentTestSetup.RandomContent(2_000));
        (await carol.PutAsync($"/folders/{folder}/retention", new { classId = contracts })).AssertOk();
        var byLabel = await carol.UploadOkAsync(await carol.FolderAsync("Sonstiges"), "Mietvertrag.dat", DocumentTestSetup.RandomContent(2_000));
        (await carol.PutAsync($"/{byLabel}/label", new { classId = contracts, documentDate = Iso(new DateOnly(year - 3, 3, 1)) })).AssertOk();
        Assert.Equal(new DateOnly(year + 6, 1, 1), await RetainUntilAsync(d, byFolder));
        Assert.Equal(new DateOnly(year + 3, 1, 1), await RetainUntilAsync(d, byLabel));

        (await carol.PutClassAsync(contracts, new { years = 2 })).AssertStatus(HttpStatusCode.Forbidden, "retention.administrators_only");
        (await ada.PutClassAsync(contracts, new { years = 2 })).AssertOk();
        Assert.Equal(new DateOnly(year + 6, 1, 1), await RetainUntilAsync(d, byFolder));
        Assert.Equal(new DateOnly(year + 3, 1, 1), await RetainUntilAsync(d, byLabel));
        (await ada.PutClassAsync(contracts, new { years = 12 })).AssertOk();
        Assert.Equal(new DateOnly(year + 13, 1, 1), await RetainUntilAsync(d, byFolder));
        Assert.Equal(new DateOnly(year + 10, 1, 1), await RetainUntilAsync(d, byLabel));
        Assert.Equal(2, await d.AuditCountAsync("retention.class_update", AuditOutcome.Success, $"user:{TestServer.AdminName}"));
        Assert.Equal(1, await d.AuditCountAsync("retention.class_update", AuditOutcome.Denied, "user:carol"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ReadAndWriteUsers_CannotLabelOrDelete_OtherTenantsIdsAreNotFound_AnUnretainedDocumentIsShredded(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        using var frank = await d.ConnectAsync("frank");
        var folder = await carol.FolderAsync("Angebote");
        var content = DocumentTestSetup.RandomContent(8_000);
        var doc = await dave.UploadOkAsync(folder, "Angebot.dat", content);
        foreach (var (who, client) in new[] { ("dave (Write)", dave), ("erin (Read)", erin) })
        {
            Assert.True((await client.PutAsync($"/{doc}/label", new { classId = RetentionDefaults.GoBd6 })).Status == HttpStatusCode.Forbidden, who);
            (await client.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
            (await client.PutAsync($"/folders/{folder}/retention", new { classId = RetentionDefaults.GoBd6 }))
                .AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        }
        (await frank.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // Globex's Manage holder knows the id, under either tenant's URL: not found, nothing changes.
        await d.Server.AddUsersAsync("bob");
        await d.Server.AddGroupAsync("blue", "bob");
        await d.Server.RunAsync("tenant", "add", "Globex");
        await d.Server.RunAsync("tenant", "grant", "Globex", "blue", "--documents", "manage");
        var globex = await d.Server.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Globex'");
        using var bob = await d.ConnectAsync("bob", globex);
        foreach (var client in new[] { bob, bob.On(d.Tenant) })
        {
            (await client.PutAsync($"/{doc}/label", new { classId = RetentionDefaults.GoBd10 })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await client.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await client.PutAsync($"/folders/{folder}/retention", new { classId = RetentionDefaults.GoBd10 }))
                .AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        }
        Assert.Null(await RetainUntilAsync(d, doc));

        // Checked out by dave, it waits; then, without retention, carol's deletion shreds it at once.
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        (await carol.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Conflict, "document.locked");
        (await dave.PostAsync($"/{doc}/cancel-checkout")).AssertOk();
        var blob = d.BlobPath(await d.BlobAddressAsync(doc));
        var deleted = (await carol.DeleteAsync($"/{doc}")).AssertOk().Json;
        Assert.Equal(DocumentTestSetup.Sha256Hex(content), deleted.GetProperty("sha256")[0].GetString());
        Assert.False(File.Exists(blob));
        (await carol.GetAsync($"/{doc}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        Assert.Equal(1, await d.AuditCountAsync("document.delete", AuditOutcome.Success, "user:carol", doc));
    }

    internal static DateOnly Today(DocumentTestSetup d) => DateOnly.FromDateTime(d.Server.Now.UtcDateTime);

    internal static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    internal static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    internal static async Task<DateOnly?> RetainUntilAsync(DocumentTestSetup d, Guid document)
    {
        await using var data = d.Server.Data();
        return await data.Documents.Where(x => x.Id == document).Select(x => x.RetainUntil).SingleAsync();
    }
}

/// <summary>The retention routes through a <see cref="DocumentClient"/>, and the server's sweep.</summary>
internal static class RetentionTestCalls
{
    public static async Task<Reply> PutAsync(this DocumentClient c, string path, object body) => await Reply.Of(await c.Http.PutAsJsonAsync(c.Api + path, body));

    public static async Task<Reply> DeleteAsync(this DocumentClient c, string path) => await Reply.Of(await c.Http.DeleteAsync(c.Api + path));

    public static async Task<Reply> GetClassesAsync(this DocumentClient c) => await Reply.Of(await c.Http.GetAsync("/api/v1/retention-classes"));

    public static async Task<Reply> PostClassAsync(this DocumentClient c, object body) =>
        await Reply.Of(await c.Http.PostAsJsonAsync("/api/v1/retention-classes", body));

    public static async Task<Reply> PutClassAsync(this DocumentClient c, Guid id, object body) =>
        await Reply.Of(await c.Http.PutAsJsonAsync($"/api/v1/retention-classes/{id}", body));

    /// <summary>The server's own sweep (runs are serialised, so one started by the clock has finished when this returns).</summary>
    public static RetentionSweep RetentionSweep(this DocumentTestSetup d) => d.Server.Server.Host.Services.GetRequiredService<RetentionSweep>();

    /// <summary>ada, the administrator (second factor enrolled), with the admin scope.</summary>
    public static async Task<DocumentClient> AdministratorAsync(this DocumentTestSetup d)
    {
        (await d.Server.Server.LoginWithTotpAsync()).Dispose();
        return await d.ConnectWithScopesAsync(TestServer.AdminName, "admin", "documents:read", "documents:write");
    }
}
