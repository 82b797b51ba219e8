using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Custos.Core.Sharing;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Sharing;

/// <summary>
/// Files a sender uploads for a link alone (POST /shares/send): screened by the sluice before anything is kept, served
/// like shared documents, and deleted, audited, when the link ends (TOM 7.6, 10.4).
/// </summary>
public sealed class ShareTransferTests
{
    private static async Task<Reply> SendAsync(ShareTestSetup.Sender sender, object options, params (string Name, byte[] Content)[] files)
    {
        using var form = new MultipartFormDataContent();
        form.Add(JsonContent.Create(options), "options");
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        return await Reply.Of(await sender.Http.PostAsync($"{sender.Api}/send", form));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SentFiles_AreServedThroughTheLink_AndDeletedWhenItEnds(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var dave = await s.SenderAsync("dave");
        var a = DocumentTestSetup.RandomContent(150_000);
        var b = "Protokoll der Sitzung\n"u8.ToArray();
        var before = s.Documents.BlobFiles().Count;
        var created = ShareTestSetup.Created.Of((await SendAsync(dave, new { recipient = "Steuerberater", downloadLimit = 5 },
            ("Auszug.dat", a), ("../Protokoll.txt", b))).AssertStatus(HttpStatusCode.Created));
        Assert.Equal(before + 2, s.Documents.BlobFiles().Count);

        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(created.Path, created.Password!);
        var files = await max.FilesAsync(created.Path);
        Assert.Equal(["Auszug.dat", "Protokoll.txt"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(a, (await max.GetAsync(files.Single(f => f.Name == "Auszug.dat").Path)).AssertOk().Bytes);
        Assert.Equal(b, (await max.GetAsync(files.Single(f => f.Name == "Protokoll.txt").Path)).AssertOk().Bytes);
        await using (var data = s.Server.Data())
        {
            // Not filed as documents; each screened, each recorded with the link.
            Assert.Empty(await data.Documents.ToListAsync());
            Assert.Equal(2, await data.AuditEvents.CountAsync(e => e.Action == "sluice.screen" && e.Target!.StartsWith("share-transfer:")));
            Assert.Contains("Auszug.dat (150000 bytes", (await data.AuditEvents.SingleAsync(e => e.Action == "share.create")).Details);
        }

        (await dave.PostAsync($"/{created.Id}/revoke", new { })).AssertOk();
        await s.Server.Server.Host.Services.GetRequiredService<ShareSweep>().RunAsync();
        Assert.Equal(before, s.Documents.BlobFiles().Count);
        await using (var data = s.Server.Data())
        {
            var end = await data.AuditEvents.SingleAsync(e => e.Action == "share.end");
            Assert.Contains("transfer Auszug.dat (150000 bytes)", end.Details);
            Assert.Contains("transfer Protokoll.txt", end.Details);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AVirus_OrASenderWithoutWriteRights_CreatesNoLink_AndKeepsNothing(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var dave = await s.SenderAsync("dave");
        using var erin = await s.SenderAsync("erin");
        using var frank = await s.SenderAsync("frank");
        var before = s.Documents.BlobFiles().Count;

        var refused = await SendAsync(dave, new { }, ("harmlos.txt", "ok"u8.ToArray()), ("rechnung.txt", ClamdTestServer.Eicar()));
        refused.AssertStatus((HttpStatusCode)422, "sluice.blocked");
        Assert.Contains("antivirus.found", refused.Body);
        (await SendAsync(erin, new { }, ("a.txt", "a"u8.ToArray()))).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        (await SendAsync(frank, new { }, ("a.txt", "a"u8.ToArray()))).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await SendAsync(dave, new { password = "none" }, ("a.txt", "a"u8.ToArray()))).AssertStatus((HttpStatusCode)422, "share.password_required");

        Assert.Equal(before, s.Documents.BlobFiles().Count);
        Assert.Empty(s.Documents.TempBlobFiles());
        await using var data = s.Server.Data();
        Assert.Empty(await data.ShareLinks.ToListAsync());
        Assert.Empty(await data.ShareItems.ToListAsync());
    }
}
