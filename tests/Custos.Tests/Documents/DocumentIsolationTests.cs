using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// Tenants never meet in the document store: another tenant's ids answer 404 document.not_found on every route, exactly
/// like ids that do not exist, under the own tenant's URL and under the other's; nothing of the other tenant changes.
/// </summary>
public sealed class DocumentIsolationTests
{
    /// <summary>Globex's documents: a folder with a subfolder, an open document and one bob has checked out, and a project.</summary>
    private sealed record Globex(Guid Tenant, Guid Project, Guid Folder, Guid SubFolder, Guid Open, Guid Held, byte[] OpenContent);

    private static async Task<Globex> GlobexAsync(DocumentTestSetup d)
    {
        await d.Server.AddUsersAsync("bob");
        await d.Server.AddGroupAsync("blue", "bob");
        await d.Server.RunAsync("tenant", "add", "Globex");
        await d.Server.RunAsync("tenant", "add-project", "Globex", "Research");
        await d.Server.RunAsync("tenant", "grant", "Globex", "blue", "--documents", "manage");
        var tenant = await d.Server.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Globex'");
        Guid project;
        await using (var data = d.Server.Data())
            project = (await data.Projects.SingleAsync(p => p.Name == "Research")).Id.Value;
        using var bob = await d.ConnectAsync("bob", tenant);
        var folder = await bob.FolderAsync("Globex contracts");
        var sub = await bob.FolderAsync("Globex 2026", folder);
        var content = DocumentTestSetup.RandomContent(70_000);
        var open = await bob.UploadOkAsync(folder, "Globex merger.dat", content);
        var held = await bob.UploadOkAsync(sub, "Globex payroll.dat", DocumentTestSetup.RandomContent(1_000));
        (await bob.PostAsync($"/{held}/checkout")).AssertOk();
        return new Globex(tenant, project, folder, sub, open, held, content);
    }

    /// <summary>Everything stored about documents (all tenants), and the blob files: must not move while strangers knock.</summary>
    private static async Task<string> SnapshotAsync(DocumentTestSetup d)
    {
        await using var data = d.Server.Data();
        var folders = await data.DocumentFolders.AsNoTracking().OrderBy(f => f.Id).ToListAsync();
        var documents = await data.Documents.AsNoTracking().OrderBy(x => x.Id).ToListAsync();
        // The background indexer may catch up at any moment; that is not a change by the refused caller.
        documents.ForEach(x => x.IndexedVersion = 0);
        var versions = await data.DocumentVersions.AsNoTracking().OrderBy(v => v.Id).ToListAsync();
        var notices = await data.VaultNotifications.AsNoTracking().OrderBy(n => n.Id).ToListAsync();
        return JsonSerializer.Serialize(new { folders, documents, versions, notices, blobs = d.BlobFiles(), temp = d.TempBlobFiles() });
    }

    private static async Task AssertNotFoundAsync(IEnumerable<(string Route, Func<Task<Reply>> Call)> calls)
    {
        foreach (var (route, call) in calls)
        {
            var reply = await call();
            Assert.True(reply.Status == HttpStatusCode.NotFound, $"{route}: expected 404, got {reply}");
            Assert.True(reply.Code == "document.not_found", $"{route}: expected document.not_found, got {reply}");
            Assert.DoesNotContain("Globex", reply.Body);
        }
    }

    /// <summary>Every route that names a folder or document, aimed at Globex's ids through <paramref name="c"/>.</summary>
    private static (string Route, Guid Target, Func<Task<Reply>> Call)[] RoutesAt(DocumentClient c, Globex g) =>
    [
        ("folder under a Globex parent", g.Folder, () => c.CreateFolderAsync("Inside", g.Folder)),
        ("folder under a Globex subfolder", g.SubFolder, () => c.CreateFolderAsync("Inside", g.SubFolder)),
        ("folder in a Globex project", g.Project, () => c.CreateFolderAsync("Inside", null, g.Project)),
        ("list a Globex folder", g.Folder, () => c.GetAsync($"?folder={g.Folder}")),
        ("upload into a Globex folder", g.Folder, () => c.UploadAsync(g.Folder, "planted.dat", DocumentTestSetup.RandomContent(5_000))),
        ("get a Globex document", g.Open, () => c.GetAsync($"/{g.Open}")),
        ("check out a Globex document", g.Open, () => c.PostAsync($"/{g.Open}/checkout")),
        ("cancel bob's check-out", g.Held, () => c.PostAsync($"/{g.Held}/cancel-checkout")),
        ("break bob's lock", g.Held, () => c.PostAsync($"/{g.Held}/break-lock", new { reason = "mine now" })),
        ("new version of the held document", g.Held, () => c.CheckInAsync(g.Held, DocumentTestSetup.RandomContent(5_000))),
        ("new version of the open document", g.Open, () => c.CheckInAsync(g.Open, DocumentTestSetup.RandomContent(5_000))),
        ("download the current version", g.Open, () => c.DownloadAsync(g.Open)),
        ("download version 1", g.Open, () => c.DownloadAsync(g.Open, 1)),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AnotherTenantsIds_EveryDocumentRoute_Answers404AndChangesNothing(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        var g = await GlobexAsync(d);
        using var carol = await d.ConnectAsync("carol");
        var own = await carol.FolderAsync("Acme contracts");
        await carol.UploadOkAsync(own, "Acme offer.dat", DocumentTestSetup.RandomContent(2_000));
        var before = await SnapshotAsync(d);

        // Under Acme's URL (where carol has Manage) Globex's ids do not exist.
        await AssertNotFoundAsync(RoutesAt(carol, g).Select(r => (r.Route + " (Acme URL)", r.Call)));
        var folders = (await carol.GetAsync("/folders")).AssertOk();
        Assert.DoesNotContain("Globex", folders.Body);
        foreach (var id in new[] { g.Folder, g.SubFolder }) Assert.DoesNotContain(id.ToString(), folders.Body, StringComparison.OrdinalIgnoreCase);

        // Under Globex's own URL carol is a stranger: the same 404, the folder list included.
        var onGlobex = carol.On(g.Tenant);
        await AssertNotFoundAsync(RoutesAt(onGlobex, g).Select(r => (r.Route + " (Globex URL)", r.Call))
            .Append(("list Globex folders (Globex URL)", () => onGlobex.GetAsync("/folders")))
            .Append(("new root folder (Globex URL)", () => onGlobex.CreateFolderAsync("Planted"))));

        // Nothing of Globex (or Acme) changed: bob still holds his lock, no folder, document, version, notice or blob appeared.
        Assert.Equal(before, await SnapshotAsync(d));
        await using var data = d.Server.Data();
        Assert.Equal("bob", (await data.Documents.SingleAsync(x => x.Id == g.Held)).LockedByName);
        var globex = new TenantId(g.Tenant);
        Assert.Equal(0, await data.AuditEvents.CountAsync(a => a.Actor == "user:carol" && a.TenantId == globex && a.Outcome == AuditOutcome.Success));
        using var bob = await d.ConnectAsync("bob", g.Tenant);
        Assert.Equal(g.OpenContent, (await bob.DownloadAsync(g.Open)).AssertOk().Bytes);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AnotherTenantsIds_EveryRefusal_IsOnRecordUnderTheUrlTenant(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        var g = await GlobexAsync(d);
        using var carol = await d.ConnectAsync("carol");
        var missing = new List<string>();
        foreach (var (client, urlTenant, where) in new[] { (carol, d.Tenant, "Acme URL"), (carol.On(g.Tenant), g.Tenant, "Globex URL") })
        {
            foreach (var (route, target, call) in RoutesAt(client, g))
            {
                var before = await DeniedAsync(d, "user:carol");
                (await call()).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
                var denied = await DeniedAsync(d, "user:carol");
                if (denied.Count != before.Count + 1)
                {
                    missing.Add($"{route} ({where}): {denied.Count - before.Count} refusals recorded");
                    continue;
                }
                var recorded = denied[^1];
                if (recorded.TenantId.Value != urlTenant || recorded.Target?.Contains(target.ToString(), StringComparison.OrdinalIgnoreCase) != true)
                    missing.Add($"{route} ({where}): recorded as {recorded.Action} on {recorded.Target} in tenant {recorded.TenantId}");
            }
        }
        Assert.True(missing.Count == 0, "refusals not on record as such:\n" + string.Join("\n", missing));
    }

    private static async Task<List<AuditEvent>> DeniedAsync(DocumentTestSetup d, string actor)
    {
        await using var data = d.Server.Data();
        return await data.AuditEvents.AsNoTracking().Where(a => a.Actor == actor && a.Outcome == AuditOutcome.Denied).OrderBy(a => a.Sequence).ToListAsync();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task OwnIdsUnderTheOtherTenantsUrl_Answer404_EvenForSomeoneWhoManagesBoth(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        var g = await GlobexAsync(d);
        await d.Server.AddUsersAsync("max");
        await d.Server.AddGroupAsync("both", "max");
        await d.Server.RunAsync("tenant", "grant", "Acme", "both", "--documents", "manage");
        await d.Server.RunAsync("tenant", "grant", "Globex", "both", "--documents", "manage");
        using var max = await d.ConnectAsync("max");
        var onGlobex = max.On(g.Tenant);
        // max reaches both: Globex's document is his to read under Globex's URL.
        Assert.Equal(g.OpenContent, (await onGlobex.DownloadAsync(g.Open)).AssertOk().Bytes);
        var acmeFolder = await max.FolderAsync("Acme contracts");
        var acmeContent = DocumentTestSetup.RandomContent(3_000);
        var acmeDoc = await max.UploadOkAsync(acmeFolder, "Acme offer.dat", acmeContent);
        await d.Server.RunAsync("tenant", "add-project", "Acme", "Payroll");
        Guid acmeProject;
        await using (var data = d.Server.Data())
            acmeProject = (await data.Projects.SingleAsync(p => p.Name == "Payroll")).Id.Value;
        var before = await SnapshotAsync(d);

        // The ids are real and his, only the URL names the other tenant.
        await AssertNotFoundAsync(RoutesAt(max, g).Select(r => (r.Route + " (Acme URL)", r.Call)));
        var acmeAsGlobex = new Globex(d.Tenant, acmeProject, acmeFolder, acmeFolder, acmeDoc, acmeDoc, acmeContent);
        await AssertNotFoundAsync(RoutesAt(onGlobex, acmeAsGlobex).Select(r => (r.Route.Replace("Globex", "Acme") + " (Globex URL)", r.Call)));
        Assert.Equal(before, await SnapshotAsync(d));
        Assert.Equal(acmeContent, (await max.DownloadAsync(acmeDoc)).AssertOk().Bytes);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UserWithoutGrant_EveryDocumentRoute_Answers404AndChangesNothing(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Acme contracts");
        var sub = await carol.FolderAsync("2026", folder);
        var open = await carol.UploadOkAsync(folder, "Acme offer.dat", DocumentTestSetup.RandomContent(4_000));
        var held = await carol.UploadOkAsync(sub, "Acme payroll.dat", DocumentTestSetup.RandomContent(4_000));
        (await carol.PostAsync($"/{held}/checkout")).AssertOk();
        await d.Server.RunAsync("tenant", "add-project", "Acme", "Payroll");
        Guid project;
        await using (var data = d.Server.Data())
            project = (await data.Projects.SingleAsync(p => p.Name == "Payroll")).Id.Value;
        var before = await SnapshotAsync(d);

        // frank is in no group: Acme's documents are as absent for him as another tenant's, the folder list included.
        using var frank = await d.ConnectAsync("frank");
        var acme = new Globex(d.Tenant, project, folder, sub, open, held, []);
        await AssertNotFoundAsync(RoutesAt(frank, acme).Select(r => (r.Route.Replace("Globex", "Acme") + " (frank)", r.Call))
            .Append(("list folders (frank)", () => frank.GetAsync("/folders")))
            .Append(("new root folder (frank)", () => frank.CreateFolderAsync("Planted"))));
        Assert.Equal(before, await SnapshotAsync(d));
    }
}
