using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// Rights through the tenant grants (deny by default): Read lists and downloads, Write also creates folders, uploads,
/// checks out and in, Manage also breaks locks; a token reaches documents only with a documents scope; a project grant
/// reaches that project's folders and nothing else of the tenant.
/// </summary>
public sealed class DocumentRightsTests
{
    private static async Task<string> SnapshotAsync(DocumentTestSetup d)
    {
        await using var data = d.Server.Data();
        var folders = await data.DocumentFolders.AsNoTracking().OrderBy(f => f.Id).ToListAsync();
        var documents = await data.Documents.AsNoTracking().OrderBy(x => x.Id).ToListAsync();
        // The background indexer may catch up at any moment; that is not a change by the refused caller.
        documents.ForEach(x => x.IndexedVersion = 0);
        var versions = await data.DocumentVersions.AsNoTracking().OrderBy(v => v.Id).ToListAsync();
        return JsonSerializer.Serialize(new { folders, documents, versions, blobs = d.BlobFiles(), temp = d.TempBlobFiles() });
    }

    private static async Task<Guid> ProjectAsync(DocumentTestSetup d, string name)
    {
        await d.Server.RunAsync("tenant", "add-project", "Acme", name);
        await using var data = d.Server.Data();
        return (await data.Projects.SingleAsync(p => p.Name == name)).Id.Value;
    }

    private static async Task<int> DeniedAsync(DocumentTestSetup d, string actor, string action)
    {
        await using var data = d.Server.Data();
        return await data.AuditEvents.CountAsync(a => a.Actor == actor && a.Action == action && a.Outcome == AuditOutcome.Denied);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Writer_CreatesFoldersAndUploads_Reader_ListsAndDownloadsOnly_RefusalsAudited(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");

        // dave (Write): folders, subfolders, uploads, check-out and check-in.
        var created = (await dave.CreateFolderAsync("Projekte")).AssertOk().Json;
        Assert.Equal("Read, Write", created.GetProperty("rights").GetString());
        var folder = created.GetProperty("id").GetGuid();
        var sub = await dave.FolderAsync("2026", folder);
        var first = DocumentTestSetup.RandomContent(12_000);
        var doc = await dave.UploadOkAsync(sub, "Angebot.dat", first);
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        var second = DocumentTestSetup.RandomContent(13_000);
        (await dave.CheckInAsync(doc, second)).AssertOk();
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();

        // erin (Read): sees and downloads everything.
        var folders = (await erin.GetAsync("/folders")).AssertOk().Json.EnumerateArray().ToList();
        Assert.Equal(new[] { folder, sub }.Order(), folders.Select(f => f.GetProperty("id").GetGuid()).Order());
        Assert.All(folders, f => Assert.Equal("Read", f.GetProperty("rights").GetString()));
        var listed = Assert.Single((await erin.GetAsync($"?folder={sub}")).AssertOk().Json.EnumerateArray());
        Assert.Equal(doc, listed.GetProperty("id").GetGuid());
        Assert.Equal(2, (await erin.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("versions").GetArrayLength());
        Assert.Equal(second, (await erin.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Equal(first, (await erin.DownloadAsync(doc, 1)).AssertOk().Bytes);
        var before = await SnapshotAsync(d);

        // ... but changes nothing: each refusal is 403 document.forbidden and on record.
        (string Action, Func<Task<Reply>> Call)[] refused =
        [
            ("document.folder_create", () => erin.CreateFolderAsync("Meins")),
            ("document.folder_create", () => erin.CreateFolderAsync("Meins", folder)),
            ("document.upload", () => erin.UploadAsync(sub, "Meins.dat", DocumentTestSetup.RandomContent(3_000))),
            ("document.checkout", () => erin.PostAsync($"/{doc}/checkout")),
            ("document.checkin", () => erin.CheckInAsync(doc, DocumentTestSetup.RandomContent(3_000))),
            ("document.checkout_cancel", () => erin.PostAsync($"/{doc}/cancel-checkout")),
            ("document.lock_break", () => erin.PostAsync($"/{doc}/break-lock", new { reason = "mine" })),
        ];
        foreach (var (action, call) in refused)
        {
            var denied = await DeniedAsync(d, "user:erin", action);
            var reply = await call();
            Assert.True(reply.Status == HttpStatusCode.Forbidden && reply.Code == "document.forbidden", $"{action}: {reply}");
            Assert.True(await DeniedAsync(d, "user:erin", action) == denied + 1, $"{action}: the refusal is not on record");
        }
        Assert.Equal(before, await SnapshotAsync(d));
        Assert.Equal("dave", (await erin.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("lock").GetProperty("holder").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task TokenWithoutDocumentScopes_Answers403OnEveryDocumentRoute_ReadScopeOnlyReads(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Verträge");
        var content = DocumentTestSetup.RandomContent(7_000);
        var doc = await carol.UploadOkAsync(folder, "Vertrag.dat", content);
        var held = await carol.UploadOkAsync(folder, "Gesperrt.dat", content);
        (await carol.PostAsync($"/{held}/checkout")).AssertOk();
        var before = await SnapshotAsync(d);

        (string Route, bool Writes, Func<DocumentClient, Task<Reply>> Call)[] routes =
        [
            ("list folders", false, c => c.GetAsync("/folders")),
            ("list documents", false, c => c.GetAsync($"?folder={folder}")),
            ("get", false, c => c.GetAsync($"/{doc}")),
            ("download", false, c => c.DownloadAsync(doc)),
            ("download version", false, c => c.DownloadAsync(doc, 1)),
            ("create folder", true, c => c.CreateFolderAsync("Neu")),
            ("upload", true, c => c.UploadAsync(folder, "Neu.dat", DocumentTestSetup.RandomContent(1_000))),
            ("check out", true, c => c.PostAsync($"/{doc}/checkout")),
            ("cancel check-out", true, c => c.PostAsync($"/{held}/cancel-checkout")),
            ("break lock", true, c => c.PostAsync($"/{held}/break-lock", new { reason = "x" })),
            ("check in", true, c => c.CheckInAsync(held, DocumentTestSetup.RandomContent(1_000))),
        ];

        // carol has Manage, but her vault token is no key to documents.
        using var vaultOnly = await d.ConnectWithScopesAsync("carol", "vault:read", "vault:write");
        foreach (var (route, _, call) in routes)
        {
            var reply = await call(vaultOnly);
            Assert.True(reply.Status == HttpStatusCode.Forbidden, $"{route} with a vault token: {reply}");
            Assert.Contains("documents:", reply.Body);
            Assert.DoesNotContain("Vertrag", reply.Body);
        }
        Assert.Equal(before, await SnapshotAsync(d));

        // documents:read reads, but changes nothing.
        using var readOnly = await d.ConnectWithScopesAsync("carol", "documents:read");
        foreach (var (route, writes, call) in routes)
        {
            var reply = await call(readOnly);
            if (writes)
            {
                Assert.True(reply.Status == HttpStatusCode.Forbidden, $"{route} with documents:read: {reply}");
                Assert.Contains("documents:write", reply.Body);
            }
            else
            {
                reply.AssertOk();
            }
        }
        Assert.Equal(content, (await readOnly.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Equal(before, await SnapshotAsync(d));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ProjectGrant_ReachesOnlyThatProjectsFolders_NotTheTenantWideOnes(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        var payroll = await ProjectAsync(d, "Payroll");
        var sales = await ProjectAsync(d, "Vertrieb");
        await d.Server.AddUsersAsync("paula");
        await d.Server.AddGroupAsync("payroll-group", "paula");
        await d.Server.RunAsync("tenant", "grant", "Acme", "payroll-group", "--project", "Payroll", "--documents", "write");
        using var carol = await d.ConnectAsync("carol");
        using var erin = await d.ConnectAsync("erin");
        using var paula = await d.ConnectAsync("paula");

        var general = await carol.FolderAsync("Allgemein");
        var generalDoc = await carol.UploadOkAsync(general, "Betriebsvereinbarung.dat", DocumentTestSetup.RandomContent(4_000));
        var wages = (await carol.CreateFolderAsync("Lohn", null, payroll)).AssertOk().Json.GetProperty("id").GetGuid();
        var payslipContent = DocumentTestSetup.RandomContent(5_000);
        var payslip = await carol.UploadOkAsync(wages, "Lohnabrechnung 01.dat", payslipContent);
        var offers = (await carol.CreateFolderAsync("Angebote", null, sales)).AssertOk().Json.GetProperty("id").GetGuid();
        var offer = await carol.UploadOkAsync(offers, "Angebot.dat", DocumentTestSetup.RandomContent(4_000));

        // paula sees the project's folder only, and works in it with Write.
        var visible = (await paula.GetAsync("/folders")).AssertOk().Json.EnumerateArray().ToList();
        var only = Assert.Single(visible);
        Assert.Equal(wages, only.GetProperty("id").GetGuid());
        Assert.Equal("Read, Write", only.GetProperty("rights").GetString());
        Assert.Equal(payslipContent, (await paula.DownloadAsync(payslip)).AssertOk().Bytes);
        var sub = await paula.FolderAsync("2026", wages);
        var own = await paula.UploadOkAsync(sub, "Lohnabrechnung 02.dat", DocumentTestSetup.RandomContent(5_000));
        (await paula.PostAsync($"/{own}/checkout")).AssertOk();
        (await paula.CheckInAsync(own, DocumentTestSetup.RandomContent(6_000))).AssertOk();
        var ownRoot = (await paula.CreateFolderAsync("Reisekosten", null, payroll)).AssertOk().Json.GetProperty("id").GetGuid();
        await using (var data = d.Server.Data())
        {
            foreach (var id in new[] { sub, ownRoot })
                Assert.Equal(payroll, (await data.DocumentFolders.SingleAsync(f => f.Id == id)).ProjectId?.Value);
            Assert.Equal(payroll, (await data.Documents.SingleAsync(x => x.Id == own)).ProjectId?.Value);
        }
        var before = await SnapshotAsync(d);

        // The tenant-wide folder and another project's are as absent for her as another tenant's.
        foreach (var (folder, document, what) in new[] { (general, generalDoc, "tenant-wide"), (offers, offer, "other project") })
        {
            (string Route, Func<Task<Reply>> Call)[] calls =
            [
                ("list", () => paula.GetAsync($"?folder={folder}")),
                ("subfolder", () => paula.CreateFolderAsync("Drin", folder)),
                ("upload", () => paula.UploadAsync(folder, "Drin.dat", DocumentTestSetup.RandomContent(1_000))),
                ("get", () => paula.GetAsync($"/{document}")),
                ("download", () => paula.DownloadAsync(document)),
                ("check out", () => paula.PostAsync($"/{document}/checkout")),
                ("check in", () => paula.CheckInAsync(document, DocumentTestSetup.RandomContent(1_000))),
            ];
            foreach (var (route, call) in calls)
            {
                var reply = await call();
                Assert.True(reply.Status == HttpStatusCode.NotFound && reply.Code == "document.not_found", $"{route} ({what}): {reply}");
            }
        }
        foreach (var (reply, what) in new[] { (await paula.CreateFolderAsync("Drin", null, sales), "root folder in the other project"),
                     (await paula.CreateFolderAsync("Drin"), "tenant-wide root folder") })
            Assert.True(reply.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{what}: {reply}");
        Assert.Equal(before, await SnapshotAsync(d));

        // Whole-tenant grants reach the project folders too.
        var erinSees = (await erin.GetAsync("/folders")).AssertOk().Json.EnumerateArray().Select(f => f.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Superset(new HashSet<Guid> { general, wages, sub, ownRoot, offers }, erinSees);
        Assert.Equal(2, (await erin.GetAsync($"/{own}")).AssertOk().Json.GetProperty("currentVersion").GetInt32());
    }

    /// <summary>
    /// Rights are cached per node between requests (DocumentAccessCache); a revoked grant or a removed membership must
    /// still count from the very next request, for uploads and downloads alike.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RevokedGrantOrMembership_CountsFromTheNextRequest_DespiteCachedRights(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Verträge");
        var content = DocumentTestSetup.RandomContent(4_000);
        var doc = await dave.UploadOkAsync(folder, "Vertrag.dat", content);
        // Warm both users' cached rights with several requests each.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(content, (await erin.DownloadAsync(doc)).AssertOk().Bytes);
            await dave.UploadOkAsync(folder, $"Anlage-{i}.dat", DocumentTestSetup.RandomContent(1_000));
        }

        await d.Server.RunAsync("tenant", "revoke", "Acme", "readers");
        var download = await erin.DownloadAsync(doc);
        Assert.True(download.Status == HttpStatusCode.NotFound && download.Code == "document.not_found", $"after revoke: {download}");
        Assert.Equal(HttpStatusCode.OK, (await dave.DownloadAsync(doc)).Status);

        await d.Server.RunAsync("group", "remove-member", "writers", "dave");
        var upload = await dave.UploadAsync(folder, "Danach.dat", DocumentTestSetup.RandomContent(1_000));
        Assert.True(upload.Status == HttpStatusCode.NotFound && upload.Code == "document.not_found", $"after removal from the group: {upload}");
        await using var data = d.Server.Data();
        Assert.False(await data.Documents.AnyAsync(x => x.Name == "Danach.dat"));

        // Granted again: reachable again at once.
        await d.Server.RunAsync("tenant", "grant", "Acme", "readers");
        Assert.Equal(content, (await erin.DownloadAsync(doc)).AssertOk().Bytes);
    }
}
