using System.Net;
using System.Text;
using Custos.Core.Sluice;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Sharing;

/// <summary>
/// Upload requests (file drop, TOM 10.4/10.5): what an outsider sends lands in the sluice's quarantine, never straight
/// in the folder; names cannot climb out of it; the link's size and count limits hold and a refused file leaves nothing.
/// </summary>
public sealed class UploadRequestTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FilesSentThroughARequest_WaitInQuarantine_UnderTheirBaseName_AndTheSenderSeesOnlyTheirOwn(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var dave = await s.SenderAsync("dave");
        var folder = await dave.Docs.FolderAsync("Eingang Muster");
        var request = await dave.RequestAsync(new { folderId = folder, recipient = "Muster GmbH", message = "Bitte die Unterlagen hochladen.", maxFiles = 3 });

        using var customer = s.NewRecipient();
        // Without a visitor cookie (a cross-site form), nothing is taken.
        Assert.Equal(HttpStatusCode.Redirect, (await customer.UploadAsync(request.Path, ("a.txt", "x"u8.ToArray()))).Status);
        var page = (await customer.GetAsync(request.Path)).AssertOk();
        Assert.Contains("share-password-form", page.Body);
        await customer.EnterPasswordAsync(request.Path, request.Password!);
        Assert.Contains("Bitte die Unterlagen hochladen.", (await customer.GetAsync(request.Path)).AssertOk().Body);

        var text = Encoding.UTF8.GetBytes("Kontoauszug 2026\nSaldo: 1.234,56 EUR\n");
        var sent = (await customer.UploadAsync(request.Path, ("../../etc/Kontoauszug.txt", text))).AssertOk().Json.EnumerateArray().Single();
        Assert.Equal("Kontoauszug.txt", sent.GetProperty("name").GetString());
        Assert.Equal(JsonValueKindNull, sent.GetProperty("error").ValueKind);

        await using (var data = s.Server.Data())
        {
            // Documents first: one that exists was released before the item is read.
            var inFolder = await data.Documents.Where(d => d.FolderId == folder).ToListAsync();
            var item = await data.QuarantineItems.SingleAsync(q => q.FileName == "Kontoauszug.txt");
            Assert.Equal(folder, item.TargetId);
            Assert.Equal($"share:{request.Id}", item.UploaderActor);
            Assert.Equal("share", item.Source);
            Assert.Equal(text.Length, item.Size);
            // Whatever the folder holds by this name came out of the sluice, never past it.
            foreach (var doc in inFolder)
                Assert.Equal(item.DocumentId, doc.Id);
            Assert.True(item.State is QuarantineState.Pending or QuarantineState.Released, $"state {item.State}");
        }

        // The customer sees what they sent; another visitor of the same link does not.
        Assert.Contains("Kontoauszug.txt", (await customer.GetAsync(request.Path)).AssertOk().Body);
        using var other = s.NewRecipient();
        await other.EnterPasswordAsync(request.Path, request.Password!);
        Assert.DoesNotContain("Kontoauszug.txt", (await other.GetAsync(request.Path)).AssertOk().Body);
        // A browser form gets sent back to the page with the count.
        var form = await customer.Http.PostAsync($"{request.Path}/files", Multipart(("Brief.txt", "Hallo"u8.ToArray())));
        Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
        Assert.Equal($"{request.Path}?sent=1", form.Headers.Location!.OriginalString);

        var log = (await dave.GetAsync($"/{request.Id}/log")).AssertOk().Json.EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "upload").Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Brief.txt", "Kontoauszug.txt"], log.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AVirusSentThroughARequest_IsBlockedByTheSluice_AndNeverReachesTheFolder(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var dave = await s.SenderAsync("dave");
        var folder = await dave.Docs.FolderAsync("Eingang");
        var request = await dave.RequestAsync(new { folderId = folder });
        using var customer = s.NewRecipient();
        await customer.EnterPasswordAsync(request.Path, request.Password!);
        (await customer.UploadAsync(request.Path, ("rechnung.txt", ClamdTestServer.Eicar()))).AssertOk();

        QuarantineItem? item = null;
        for (var i = 0; i < 120 && item?.State is null or QuarantineState.Pending; i++)
        {
            if (i > 0) await Task.Delay(250);
            await using var data = s.Server.Data();
            item = await data.QuarantineItems.AsNoTracking().SingleAsync(q => q.FileName == "rechnung.txt");
        }
        Assert.Equal(QuarantineState.Blocked, item!.State);
        Assert.Equal("antivirus.found", item.Reason);
        await using (var data = s.Server.Data())
            Assert.Empty(await data.Documents.Where(d => d.FolderId == folder).ToListAsync());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static MultipartFormDataContent Multipart(params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files) form.Add(new ByteArrayContent(content), "files", name);
        return form;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task OversizedAndOverCountFiles_AreRefused_AndLeaveNothingBehind(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var dave = await s.SenderAsync("dave");
        var folder = await dave.Docs.FolderAsync("Eingang");
        var request = await dave.RequestAsync(new { folderId = folder, maxFiles = 2, maxBytes = 10_000 });
        using var customer = s.NewRecipient();
        await customer.EnterPasswordAsync(request.Path, request.Password!);

        var big = Encoding.UTF8.GetBytes(new string('x', 10_001));
        var refused = (await customer.UploadAsync(request.Path, ("gross.txt", big))).AssertStatus((HttpStatusCode)422).Json.EnumerateArray().Single();
        Assert.Equal("share.upload_too_large", refused.GetProperty("error").GetString());
        await using (var data = s.Server.Data())
        {
            Assert.Empty(await data.QuarantineItems.ToListAsync());
            var link = await data.ShareLinks.SingleAsync(l => l.Id == request.Id);
            Assert.Equal(0, link.UploadedFiles);
            Assert.Equal(0, link.UploadedBytes);
        }

        (await customer.UploadAsync(request.Path, ("eins.txt", "1"u8.ToArray()), ("zwei.txt", "2"u8.ToArray()))).AssertOk();
        var third = (await customer.UploadAsync(request.Path, ("drei.txt", "3"u8.ToArray()))).AssertStatus((HttpStatusCode)422).Json.EnumerateArray().Single();
        Assert.Equal("share.upload_too_many", third.GetProperty("error").GetString());
        await using (var data = s.Server.Data())
        {
            Assert.Equal(["eins.txt", "zwei.txt"], (await data.QuarantineItems.Select(q => q.FileName).ToListAsync()).Order());
            Assert.Equal(2, (await data.ShareLinks.SingleAsync(l => l.Id == request.Id)).UploadedFiles);
        }
        // The page no longer offers the form.
        Assert.DoesNotContain("upload-form", (await customer.GetAsync(request.Path)).AssertOk().Body);
    }
}
