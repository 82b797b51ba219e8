using System.Net;
using Custos.Core.Audit;
using Custos.Core.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// Legal holds: a hold (reason and owner) on a folder or a document blocks every deletion below it, by anyone and by the
/// retention sweep, until it is released; placing and releasing need Manage and stay within the tenant.
/// </summary>
public sealed class LegalHoldTests
{
    private const string Reason = "Rechtsstreit Müller ./. Acme, Az. 3 O 12/26";
    private const string Owner = "Dr. Weber (Rechtsabteilung)";

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FolderHold_BlocksDeletionAndTheSweep_UntilReleased(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var root = await carol.FolderAsync("Verträge");
        var sub = await carol.FolderAsync("2018", root);
        var content = DocumentTestSetup.RandomContent(9_000);
        var doc = await dave.UploadOkAsync(sub, "Liefervertrag 2018.dat", content);
        var blob = d.BlobPath(await d.BlobAddressAsync(doc));

        // Placing needs Manage, a reason and an owner.
        foreach (var client in new[] { dave, erin })
            (await client.PostAsync("/holds", new { folderId = root, reason = Reason, owner = Owner })).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        (await carol.PostAsync("/holds", new { folderId = root, reason = Reason })).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await carol.PostAsync("/holds", new { folderId = root, owner = Owner })).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await carol.PostAsync("/holds", new { folderId = root, documentId = doc, reason = Reason, owner = Owner }))
            .AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        var hold = (await carol.PostAsync("/holds", new { folderId = root, reason = Reason, owner = Owner })).AssertOk().Json.GetProperty("id").GetGuid();

        // Dated 2018 with six years, its retention has run out: only the hold on the folder above keeps it, from everyone.
        var year = d.Server.Now.Year;
        (await carol.PutAsync($"/{doc}/label", new { classId = RetentionDefaults.GoBd6, documentDate = RetentionTests.Iso(new DateOnly(year - 8, 5, 1)) }))
            .AssertOk();
        var refused = (await carol.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Conflict, "document.held");
        Assert.Contains(Owner, refused.Json.GetProperty("title").GetString());
        using var ada = await d.AdministratorAsync();
        await d.Server.RunAsync("group", "add-member", "editors", TestServer.AdminName);
        (await ada.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Conflict, "document.held");

        // The sweep skips it and says so once.
        var sweep = d.RetentionSweep();
        Assert.Equal(1, (await sweep.RunAsync()).Held);
        Assert.Equal(1, (await sweep.RunAsync()).Held);
        Assert.True(File.Exists(blob));
        Assert.Equal(1, await d.AuditCountAsync("document.retention_held", AuditOutcome.Success, RetentionSweep.Actor, doc));

        var listed = Assert.Single((await carol.GetAsync("/holds")).AssertOk().Json.EnumerateArray());
        Assert.Equal(Owner, listed.GetProperty("owner").GetString());
        Assert.Equal(Reason, listed.GetProperty("reason").GetString());
        Assert.Equal("Verträge", listed.GetProperty("targetName").GetString());
        Assert.Equal(0, (await dave.GetAsync("/holds")).AssertOk().Json.GetArrayLength());

        // Released (Manage only, once), the next sweep deletes it.
        (await dave.PostAsync($"/holds/{hold}/release")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        (await carol.PostAsync($"/holds/{hold}/release")).AssertOk();
        (await carol.PostAsync($"/holds/{hold}/release")).AssertStatus(HttpStatusCode.Conflict, "document.hold_released");
        Assert.Equal(0, (await carol.GetAsync("/holds")).AssertOk().Json.GetArrayLength());
        Assert.Equal(1, (await carol.GetAsync("/holds?released=true")).AssertOk().Json.GetArrayLength());
        await sweep.RunAsync();
        Assert.False(File.Exists(blob));
        await using (var data = d.Server.Data())
        {
            Assert.False(await data.Documents.AnyAsync(x => x.Id == doc));
            var deletion = Assert.Single(await data.AuditEvents.AsNoTracking().Where(a => a.Action == "document.retention_delete").ToListAsync());
            Assert.Contains(DocumentTestSetup.Sha256Hex(content), deletion.Details);
            Assert.Contains("GoBD 6 years", deletion.Details);
        }
        Assert.Equal(1, await d.AuditCountAsync("document.hold", AuditOutcome.Success, "user:carol"));
        Assert.Equal(1, await d.AuditCountAsync("document.hold_release", AuditOutcome.Success, "user:carol"));
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task DocumentHold_BlocksManualDeletion_AndOtherTenantsCannotSeeOrReleaseIt(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Personal");
        var doc = await carol.UploadOkAsync(folder, "Abmahnung.dat", DocumentTestSetup.RandomContent(2_000));
        var hold = (await carol.PostAsync("/holds", new { documentId = doc, reason = Reason, owner = Owner })).AssertOk().Json.GetProperty("id").GetGuid();
        (await carol.DeleteAsync($"/{doc}")).AssertStatus(HttpStatusCode.Conflict, "document.held");

        await d.Server.AddUsersAsync("bob");
        await d.Server.AddGroupAsync("blue", "bob");
        await d.Server.RunAsync("tenant", "add", "Globex");
        await d.Server.RunAsync("tenant", "grant", "Globex", "blue", "--documents", "manage");
        var globex = await d.Server.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Globex'");
        using var bob = await d.ConnectAsync("bob", globex);
        foreach (var client in new[] { bob, bob.On(d.Tenant) })
        {
            (await client.PostAsync("/holds", new { documentId = doc, reason = "mine", owner = "bob" })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await client.PostAsync("/holds", new { folderId = folder, reason = "mine", owner = "bob" })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            Assert.True((await client.PostAsync($"/holds/{hold}/release")).Status == HttpStatusCode.NotFound);
        }
        Assert.Equal(0, (await bob.GetAsync("/holds?released=true")).AssertOk().Json.GetArrayLength());
        (await bob.On(d.Tenant).GetAsync("/holds")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        (await carol.PostAsync($"/holds/{hold}/release")).AssertOk();
        (await carol.DeleteAsync($"/{doc}")).AssertOk();
        await using var data = d.Server.Data();
        Assert.False(await data.DocumentVersions.AnyAsync(v => v.DocumentId == doc));
        var released = await data.LegalHolds.AsNoTracking().SingleAsync(h => h.Id == hold);
        Assert.Equal("user:carol", released.ReleasedBy);
    }
}
