using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// Check-out locks (TOM 8.2): one holder at a time, released by check-in or cancel, broken only by a manager or an
/// administrator, who leaves the holder a notice; every transition on record.
/// </summary>
public sealed class DocumentLockTests
{
    private static async Task<(string? Holder, int Version)> StateAsync(DocumentTestSetup d, Guid document)
    {
        await using var data = d.Server.Data();
        var row = await data.Documents.AsNoTracking().SingleAsync(x => x.Id == document);
        return (row.LockedByName, row.CurrentVersion);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CheckOut_TenConcurrentRequestsFromTwoUsers_ExactlyOneWins(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var folder = await carol.FolderAsync("Verträge");
        var doc = await dave.UploadOkAsync(folder, "Rahmenvertrag.dat", DocumentTestSetup.RandomContent(10_000));
        var users = new[] { ("dave", dave), ("carol", carol) };

        for (var round = 1; round <= 3; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, 10).Select(async i =>
            {
                var (name, client) = users[i % 2];
                await start.Task;
                return (Name: name, Client: client, Reply: await client.PostAsync($"/{doc}/checkout"));
            }).ToList();
            start.SetResult();
            var results = await Task.WhenAll(racers);

            var winners = results.Where(r => r.Reply.Status == HttpStatusCode.OK).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {winners.Count} requests won the lock: {string.Join("; ", results.Select(r => $"{r.Name} {r.Reply}"))}");
            var winner = winners[0];
            Assert.Equal(winner.Name, winner.Reply.Json.GetProperty("holder").GetString());
            foreach (var (name, _, reply) in results.Where(r => r.Reply.Status != HttpStatusCode.OK))
                reply.AssertStatus(HttpStatusCode.Conflict, name == winner.Name ? "document.already_checked_out" : "document.locked");

            // Everybody sees the one holder; the lock is on record exactly once for this round.
            Assert.Equal((winner.Name, 1), await StateAsync(d, doc));
            var shown = (await carol.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("lock");
            Assert.Equal(winner.Name, shown.GetProperty("holder").GetString());
            Assert.Equal(winner.Name == "carol", shown.GetProperty("mine").GetBoolean());
            Assert.Equal(round, await d.AuditCountAsync("document.checkout", AuditOutcome.Success, target: doc));
            Assert.Equal(round * 9, await d.AuditCountAsync("document.checkout", AuditOutcome.Denied, target: doc));

            (await winner.Client.PostAsync($"/{doc}/cancel-checkout")).AssertOk();
            Assert.Equal((null, 1), await StateAsync(d, doc));
        }
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CheckOutAndCancel_OnlyWritersTakeTheLock_OnlyTheHolderReleasesIt(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await carol.FolderAsync("Verträge");
        var content = DocumentTestSetup.RandomContent(20_000);
        var doc = await dave.UploadOkAsync(folder, "Mietvertrag.dat", content);

        // erin (Read) can neither take nor release a lock.
        (await erin.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.Equal((null, 1), await StateAsync(d, doc));
        Assert.Equal(1, await d.AuditCountAsync("document.checkout", AuditOutcome.Denied, "user:erin", doc));

        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        (await dave.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.Conflict, "document.already_checked_out");
        // Not the holder: carol (Manage) cannot cancel dave's check-out, erin may not; the lock stays.
        (await carol.PostAsync($"/{doc}/cancel-checkout")).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");
        (await erin.PostAsync($"/{doc}/cancel-checkout")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.Equal(("dave", 1), await StateAsync(d, doc));
        // Others still read the current version while it is checked out.
        Assert.Equal(content, (await erin.DownloadAsync(doc)).AssertOk().Bytes);

        // The holder's cancel releases the lock without a version; then carol can take it, and dave is the one locked out.
        (await dave.PostAsync($"/{doc}/cancel-checkout")).AssertOk();
        Assert.Equal((null, 1), await StateAsync(d, doc));
        Assert.Equal(JsonValueKind.Null, (await erin.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("lock").ValueKind);
        (await carol.PostAsync($"/{doc}/checkout")).AssertOk();
        (await dave.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.Conflict, "document.locked");
        (await dave.CheckInAsync(doc, DocumentTestSetup.RandomContent(100))).AssertStatus(HttpStatusCode.Conflict, "document.locked");
        (await dave.PostAsync($"/{doc}/cancel-checkout")).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");
        (await carol.PostAsync($"/{doc}/cancel-checkout")).AssertOk();
        // Cancelling what nobody holds is refused.
        (await carol.PostAsync($"/{doc}/cancel-checkout")).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");

        Assert.Equal((null, 1), await StateAsync(d, doc));
        Assert.Single((await erin.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("versions").EnumerateArray());
        Assert.Equal(2, await d.AuditCountAsync("document.checkout_cancel", AuditOutcome.Success, target: doc));
        Assert.Equal(2, await d.AuditCountAsync("document.checkout", AuditOutcome.Success, target: doc));
        Assert.Equal(4, await d.AuditCountAsync("document.checkout_cancel", AuditOutcome.Denied, target: doc));
        Assert.Equal(3, await d.AuditCountAsync("document.checkout", AuditOutcome.Denied, target: doc));
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task BreakLock_ByWriterRefused_ByManagerNotifiesTheHolder_WhoCanNoLongerCheckIn(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        await d.AddToGroupAsync("writers", "gina");
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        using var gina = await d.ConnectAsync("gina");
        var folder = await carol.FolderAsync("Verträge");
        var doc = await gina.UploadOkAsync(folder, "Kaufvertrag Halle 3.dat", DocumentTestSetup.RandomContent(5_000));
        (await gina.PostAsync($"/{doc}/checkout")).AssertOk();

        // Write or Read is not enough to break someone's lock.
        (await dave.PostAsync($"/{doc}/break-lock", new { reason = "I need it" })).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        (await erin.PostAsync($"/{doc}/break-lock", new { reason = "I need it" })).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.Equal(("gina", 1), await StateAsync(d, doc));
        Assert.Equal(1, await d.AuditCountAsync("document.lock_break", AuditOutcome.Denied, "user:dave", doc));
        Assert.Equal(1, await d.AuditCountAsync("document.lock_break", AuditOutcome.Denied, "user:erin", doc));

        // carol (Manage) breaks it; the lock is gone for everyone.
        (await carol.PostAsync($"/{doc}/break-lock", new { reason = "gina is on leave" })).AssertOk();
        Assert.Equal((null, 1), await StateAsync(d, doc));
        Assert.Equal(JsonValueKind.Null, (await gina.GetAsync($"/{doc}")).AssertOk().Json.GetProperty("lock").ValueKind);

        // gina finds an unread notice naming who broke it and why, in the table and on her start page.
        await using (var data = d.Server.Data())
        {
            var ginaId = (await data.Users.SingleAsync(u => u.UserName == "gina")).Id;
            var notices = await data.VaultNotifications.AsNoTracking().Where(n => n.UserId == ginaId).ToListAsync();
            var notice = Assert.Single(notices);
            Assert.Equal("document-lock-broken", notice.Kind);
            Assert.Null(notice.ReadAt);
            Assert.Equal(d.Tenant, notice.TenantId.Value);
            Assert.Contains("carol", notice.Text);
            Assert.Contains("Kaufvertrag Halle 3.dat", notice.Text);
            Assert.Contains("gina is on leave", notice.Text);
            Assert.Equal(0, await data.VaultNotifications.CountAsync(n => n.UserId != ginaId));
        }
        var (browser, _) = await d.Server.BrowserSessionAsync("gina");
        var home = await browser.GetStringAsync("/");
        Assert.Contains("class=\"document-lock-broken\"", home);
        Assert.Contains("carol broke your check-out", home);

        // Her check-in is refused now and adds nothing.
        (await gina.CheckInAsync(doc, DocumentTestSetup.RandomContent(6_000))).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");
        Assert.Equal((null, 1), await StateAsync(d, doc));
        Assert.Single(d.BlobFiles());
        // A lock nobody holds cannot be broken; the document is free to check out again.
        (await carol.PostAsync($"/{doc}/break-lock", new { })).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();

        await using (var data = d.Server.Data())
        {
            var broken = await data.AuditEvents.AsNoTracking()
                .Where(a => a.Action == "document.lock_break" && a.Outcome == AuditOutcome.Success).ToListAsync();
            var e = Assert.Single(broken);
            Assert.Equal("user:carol", e.Actor);
            Assert.Equal($"document:{doc}", e.Target);
            Assert.Contains("gina", e.Details);
            Assert.Contains("gina is on leave", e.Details);
        }
        Assert.Equal(1, await d.AuditCountAsync("document.checkin", AuditOutcome.Denied, "user:gina", doc));
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CheckIn_LockBrokenWhileTheBodyStreams_AddsNoVersionAndLeavesNoBlob(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var folder = await carol.FolderAsync("Verträge");
        var first = DocumentTestSetup.RandomContent(40_000);
        var doc = await dave.UploadOkAsync(folder, "Leasing.dat", first);
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        var blobsBefore = d.BlobFiles();

        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var body = new StreamedBody(6 << 20)
        {
            AfterChunk = async sent =>
            {
                if (sent != 2 << 20) return;
                streaming.SetResult();
                await resume.Task;
            },
        };
        var checkIn = dave.CheckInContentAsync(doc, body);
        await streaming.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await WaitUntilAsync(() => d.TempBlobFiles().Count > 0), "the server never started to store the check-in");

        // While dave's new version streams in, carol breaks his lock.
        (await carol.PostAsync($"/{doc}/break-lock", new { reason = "urgent fix" })).AssertOk();
        resume.SetResult();
        (await checkIn).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");

        Assert.Equal((null, 1), await StateAsync(d, doc));
        Assert.True(await d.TempBlobsGoneAsync(), "the refused version's temporary file was left behind");
        Assert.Equal(blobsBefore, d.BlobFiles());
        await using (var data = d.Server.Data())
            Assert.Equal(1, await data.DocumentVersions.CountAsync(v => v.DocumentId == doc));
        Assert.Equal(first, (await carol.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Equal(0, await d.AuditCountAsync("document.checkin", AuditOutcome.Success));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task BreakLock_ByAdministratorWithReadAccess_Works_WithoutAnyGrant404(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var folder = await carol.FolderAsync("Verträge");
        var doc = await dave.UploadOkAsync(folder, "Wartung.dat", DocumentTestSetup.RandomContent(3_000));
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();

        // ada is the installation's administrator (with a second factor, as administrators must have).
        (await d.Server.Server.LoginWithTotpAsync()).Dispose();
        using var ada = await d.ConnectWithScopesAsync(TestServer.AdminName, "admin", "documents:read", "documents:write");
        using var adaWithoutAdminScope = await d.ConnectWithScopesAsync(TestServer.AdminName, "documents:read", "documents:write");

        // Deny by default, administrators included: without a grant the tenant's documents do not exist for her.
        (await ada.PostAsync($"/{doc}/break-lock", new { reason = "audit" })).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        Assert.Equal(("dave", 1), await StateAsync(d, doc));

        await d.Server.RunAsync("group", "add-member", "readers", TestServer.AdminName);
        // Read access: she can break a lock as administrator, but not check out; a token without the admin scope is just a reader.
        (await adaWithoutAdminScope.PostAsync($"/{doc}/break-lock", new { reason = "audit" })).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.Equal(("dave", 1), await StateAsync(d, doc));
        (await ada.PostAsync($"/{doc}/break-lock", new { reason = "dave left the company" })).AssertOk();
        Assert.Equal((null, 1), await StateAsync(d, doc));
        (await ada.PostAsync($"/{doc}/checkout")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");

        await using (var data = d.Server.Data())
        {
            var daveId = (await data.Users.SingleAsync(u => u.UserName == "dave")).Id;
            var notice = Assert.Single(await data.VaultNotifications.AsNoTracking().Where(n => n.UserId == daveId).ToListAsync());
            Assert.Equal("document-lock-broken", notice.Kind);
            Assert.Contains("dave left the company", notice.Text);
        }
        Assert.Equal(1, await d.AuditCountAsync("document.lock_break", AuditOutcome.Success, $"user:{TestServer.AdminName}", doc));
        (await dave.CheckInAsync(doc, DocumentTestSetup.RandomContent(10))).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");
        await d.Server.RunAsync("audit", "verify");
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(20);
        }
        return true;
    }
}
