using System.Net;
using System.Net.Http.Json;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Sharing;

/// <summary>
/// The sender's side: what a link may be (expiry within the policy, a password unless the policy waives it), who sees
/// and manages which links (the creator; the tenant's managers all of them; nobody across tenants), and folder shares.
/// </summary>
public sealed class ShareLinkTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Expiry_DefaultsToSevenDays_NeverGoesPastTheMaximum_AndCanOnlyBeShortened(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Berichte");
        var document = await carol.Docs.UploadOkAsync(folder, "Bericht.dat", DocumentTestSetup.RandomContent(1_000));
        var documents = new[] { new { documentId = document } };
        var now = s.Server.Now;

        var link = await carol.ShareAsync(new { documents });
        var shown = (await carol.GetAsync($"/{link.Id}")).AssertOk().Json;
        Assert.InRange(shown.GetProperty("expiresAt").GetDateTimeOffset(), now.AddDays(7).AddSeconds(-1), now.AddDays(7).AddSeconds(1));
        var ceiling = shown.GetProperty("expiryCeiling").GetDateTimeOffset();
        Assert.InRange(ceiling, now.AddDays(30).AddSeconds(-1), now.AddDays(30).AddSeconds(1));

        (await carol.PostAsync("", new { documents, expiresInDays = 31 })).AssertStatus((HttpStatusCode)422, "share.expiry_too_late");
        (await carol.PostAsync("", new { documents, expiresAt = now.AddMinutes(-1) })).AssertStatus(HttpStatusCode.BadRequest, "share.invalid");
        (await carol.PostAsync($"/{link.Id}/expiry", new { expiresAt = ceiling.AddSeconds(1) })).AssertStatus((HttpStatusCode)422, "share.expiry_too_late");
        var later = (await carol.PostAsync($"/{link.Id}/expiry", new { expiresAt = ceiling })).AssertOk().Json;
        Assert.Equal(ceiling, later.GetProperty("expiresAt").GetDateTimeOffset());
        // Twenty days on, the ceiling still counts from creation: ten more days at most.
        s.Server.Time.Advance(TimeSpan.FromDays(20));
        (await carol.PostAsync($"/{link.Id}/expiry", new { expiresAt = s.Server.Now.AddDays(11) })).AssertStatus((HttpStatusCode)422, "share.expiry_too_late");
        var shorter = (await carol.PostAsync($"/{link.Id}/expiry", new { expiresAt = s.Server.Now.AddDays(1) })).AssertOk().Json;
        Assert.Equal("Active", shorter.GetProperty("state").GetString());

        await using var data = s.Server.Data();
        Assert.Equal(2, await data.AuditEvents.CountAsync(a => a.Action == "share.expiry" && a.Target == $"share:{link.Id}"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task APassword_IsRequiredByDefault_AnOwnOneMustBeLongEnough_AndOnlyAnAdministratorCanWaiveIt(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Offen");
        var document = await carol.Docs.UploadOkAsync(folder, "Flyer.dat", DocumentTestSetup.RandomContent(1_000));
        var documents = new[] { new { documentId = document } };

        (await carol.PostAsync("", new { documents, password = "none" })).AssertStatus((HttpStatusCode)422, "share.password_required");
        (await carol.PostAsync("", new { documents, password = "given", ownPassword = "kurz" })).AssertStatus(HttpStatusCode.BadRequest, "share.invalid");
        var own = await carol.ShareAsync(new { documents, password = "given", ownPassword = "Sommer-Wiese-2026" });
        Assert.Null(own.Password);
        using (var max = s.NewRecipient())
        {
            await max.EnterPasswordAsync(own.Path, "Sommer-Wiese-2026");
            Assert.Single(await max.FilesAsync(own.Path));
        }

        // Only administrators set the policy.
        (await Vault.Reply.Of(await carol.Http.PutAsJsonAsync($"{carol.Api}/policy",
            new { passwordRequired = false, defaultExpiryDays = 3, maxExpiryDays = 10, uploadRequestsAllowed = true }))).AssertStatus(HttpStatusCode.Forbidden);
        (await s.Server.Server.LoginWithTotpAsync()).Dispose();
        using var ada = await s.Documents.ConnectWithScopesAsync(Infrastructure.TestServer.AdminName, "admin", "shares");
        (await Vault.Reply.Of(await ada.Http.PutAsJsonAsync($"/api/v1/tenants/{s.Tenant}/shares/policy",
            new { passwordRequired = false, defaultExpiryDays = 3, maxExpiryDays = 10, uploadRequestsAllowed = true }))).AssertOk();
        var open = await carol.ShareAsync(new { documents, password = "none" });
        using var anyone = s.NewRecipient();
        Assert.Single(await anyone.FilesAsync(open.Path));
        var shown = (await carol.GetAsync($"/{open.Id}")).AssertOk().Json;
        Assert.False(shown.GetProperty("hasPassword").GetBoolean());
        Assert.InRange(shown.GetProperty("expiresAt").GetDateTimeOffset(), s.Server.Now.AddDays(3).AddSeconds(-1), s.Server.Now.AddDays(3).AddSeconds(1));
        (await carol.PostAsync("", new { documents, expiresInDays = 11 })).AssertStatus((HttpStatusCode)422, "share.expiry_too_late");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task LinksAreSeenByTheirCreator_AllOfThemByTheTenantsManagers_AndByNobodyElse(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        using var dave = await s.SenderAsync("dave");
        using var erin = await s.SenderAsync("erin");
        using var frank = await s.SenderAsync("frank");
        var folder = await carol.Docs.FolderAsync("Projekte");
        var document = await carol.Docs.UploadOkAsync(folder, "Projekt.dat", DocumentTestSetup.RandomContent(1_000));
        var erins = await erin.ShareAsync(new { documents = new[] { new { documentId = document } } });

        // frank reaches no document: he cannot share it, and learns nothing about it.
        (await frank.PostAsync("", new { documents = new[] { new { documentId = document } } })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await dave.GetAsync($"/{erins.Id}")).AssertStatus(HttpStatusCode.NotFound, "share.not_found");
        (await dave.PostAsync($"/{erins.Id}/revoke", new { })).AssertStatus(HttpStatusCode.NotFound, "share.not_found");
        (await dave.GetAsync($"/{erins.Id}/log")).AssertStatus(HttpStatusCode.NotFound, "share.not_found");
        Assert.Empty((await dave.GetAsync("")).AssertOk().Json.EnumerateArray());
        (await erin.GetAsync("?all=true")).AssertStatus(HttpStatusCode.Forbidden, "share.forbidden");
        // The tenant's share policy is shown to those who reach its documents only.
        (await frank.GetAsync("/policy")).AssertStatus(HttpStatusCode.NotFound, "share.not_found");
        Assert.True((await erin.GetAsync("/policy")).AssertOk().Json.GetProperty("passwordRequired").GetBoolean());

        // carol manages Acme's documents: she sees every link of the tenant, and may end erin's.
        var all = (await carol.GetAsync("?all=true")).AssertOk().Json.EnumerateArray().ToList();
        Assert.Equal(erins.Id, Assert.Single(all).GetProperty("id").GetGuid());
        Assert.Empty((await carol.GetAsync("")).AssertOk().Json.EnumerateArray());
        (await carol.PostAsync($"/{erins.Id}/revoke", new { })).AssertOk();
        var mine = (await erin.GetAsync("")).AssertOk().Json.EnumerateArray().Single();
        Assert.Equal("Revoked", mine.GetProperty("state").GetString());
        Assert.Equal("carol", mine.GetProperty("revokedBy").GetString());

        // Another tenant's URL for the same id: not found.
        await s.Server.RunAsync("tenant", "add", "Globex");
        var globex = await s.Server.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Globex'");
        (await Vault.Reply.Of(await carol.Http.GetAsync($"/api/v1/tenants/{globex}/shares/{erins.Id}"))).AssertStatus(HttpStatusCode.NotFound, "share.not_found");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AFolderShare_IsASnapshot_OfTheDocumentsInReach_WithTheirPaths(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Kunde Muster");
        var sub = await carol.Docs.FolderAsync("2026", folder);
        var a = DocumentTestSetup.RandomContent(2_000);
        var b = DocumentTestSetup.RandomContent(3_000);
        await carol.Docs.UploadOkAsync(folder, "Angebot.dat", a);
        var later = await carol.Docs.UploadOkAsync(sub, "Rechnung.dat", b);
        var link = await carol.ShareAsync(new { folderId = folder, recipient = "Muster GmbH" });

        // A new version after sharing does not change what was shared.
        (await carol.Docs.PostAsync($"/{later}/checkout")).AssertOk();
        (await carol.Docs.CheckInAsync(later, DocumentTestSetup.RandomContent(100))).AssertOk();

        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(link.Path, link.Password!);
        var files = await max.FilesAsync(link.Path);
        Assert.Equal(["2026/Rechnung.dat", "Angebot.dat"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(b, (await max.GetAsync(files.Single(f => f.Name == "2026/Rechnung.dat").Path)).AssertOk().Bytes);
        Assert.Equal(a, (await max.GetAsync(files.Single(f => f.Name == "Angebot.dat").Path)).AssertOk().Bytes);
    }
}
