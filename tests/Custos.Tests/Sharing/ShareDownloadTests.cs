using System.Net;
using Custos.Core.Sharing;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Sharing;

/// <summary>
/// The recipient's side of a download link (TOM 7.3): the password before anything, the files, the download that
/// resumes, and the sender's log of it all; the public page shows nothing of the tenant and is never cached or indexed.
/// </summary>
public sealed class ShareDownloadTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ARecipient_TypesThePassword_Downloads_AndTheSenderSeesItInTheLog(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var erin = await s.SenderAsync("erin");
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Verträge");
        var content = DocumentTestSetup.RandomContent(300_000);
        var document = await carol.Docs.UploadOkAsync(folder, "Vertrag Muster.dat", content);
        // erin only reads Acme's documents: that is enough to share them.
        var link = await erin.ShareAsync(new
        {
            documents = new[] { new { documentId = document } }, recipient = "Max Muster, Muster GmbH", notifyOnFirstDownload = true,
        });
        Assert.Equal(ShareTokens.Length, link.Token.Length);
        Assert.NotNull(link.Password);

        using var max = s.NewRecipient();
        var first = (await max.GetAsync(link.Path)).AssertOk();
        Assert.Contains("share-password-form", first.Body);
        Assert.DoesNotContain("Vertrag Muster", first.Body);
        Assert.DoesNotContain("Acme", first.Body);
        Assert.Contains("no-store", first.Header("Cache-Control"));
        Assert.Equal("no-referrer", first.Header("Referrer-Policy"));
        Assert.Contains("noindex", first.Header("X-Robots-Tag"));
        Assert.DoesNotContain("<script", first.Body);
        Assert.Contains("Passwort", (await max.GetAsync($"{link.Path}?lang=de")).AssertOk().Body);

        // Without the password the file route sends the browser back to the form.
        var fileId = await ItemIdAsync(s, link.Id);
        Assert.Equal(HttpStatusCode.Redirect, (await max.GetAsync($"{link.Path}/files/{fileId}")).Status);

        var wrong = await max.EnterPasswordAsync(link.Path, "Falsches-Passwort-1");
        Assert.Contains("share-password-error", wrong.Body);
        Assert.Equal(HttpStatusCode.Redirect, (await max.EnterPasswordAsync(link.Path, link.Password!)).Status);
        var files = await max.FilesAsync(link.Path);
        Assert.Equal("Vertrag Muster.dat", Assert.Single(files).Name);
        var download = (await max.GetAsync(files[0].Path)).AssertOk();
        Assert.Equal(content, download.Bytes);
        Assert.Contains("attachment", download.Header("Content-Disposition"));
        Assert.Equal("bytes", download.Header("Accept-Ranges"));

        var log = (await erin.GetAsync($"/{link.Id}/log")).AssertOk().Json.EnumerateArray().ToList();
        Assert.Contains(log, e => e.GetProperty("kind").GetString() == "password.wrong");
        Assert.Contains(log, e => e.GetProperty("kind").GetString() == "password.ok");
        var line = Assert.Single(log, e => e.GetProperty("kind").GetString() == "download");
        Assert.Equal(content.Length, line.GetProperty("bytes").GetInt64());
        Assert.True(line.GetProperty("completed").GetBoolean());
        Assert.Equal("127.0.0.1", line.GetProperty("clientAddress").GetString());
        // One browser is one recipient: all its lines carry the same visitor id.
        Assert.Single(log.Select(e => e.GetProperty("visitor").GetString()).Distinct());
        var shown = (await erin.GetAsync($"/{link.Id}")).AssertOk().Json;
        Assert.Equal(1, shown.GetProperty("downloads").GetInt32());
        Assert.Equal("Max Muster, Muster GmbH", shown.GetProperty("recipient").GetString());

        await using var data = s.Server.Data();
        // erin asked to hear of the first download: one notice, on her start page.
        var notice = await data.VaultNotifications.SingleAsync(n => n.Kind == "share-first-download");
        Assert.Equal("erin", (await data.Users.SingleAsync(u => u.Id == notice.UserId)).UserName);
        var audit = await data.AuditEvents.Where(a => a.Action == "share.download").ToListAsync();
        Assert.Equal($"share:{link.Id}", Assert.Single(audit).Target);
        Assert.Single(await data.AuditEvents.Where(a => a.Action == "share.create" && a.Target == $"share:{link.Id}").ToListAsync());
        // The token itself is nowhere: only its hash.
        var stored = await data.ShareLinks.SingleAsync(l => l.Id == link.Id);
        Assert.Equal(ShareTokens.Hash(link.Token), stored.TokenHash);
        Assert.DoesNotContain(await data.AuditEvents.Select(a => a.Details).ToListAsync(), d => d != null && d.Contains(link.Token));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RangeRequests_ResumeADownload_AcrossSegments_WithoutCountingAgain_AndARangePastTheEndIsRefused(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Pläne");
        var content = DocumentTestSetup.RandomContent(300_000);
        var document = await carol.Docs.UploadOkAsync(folder, "Plan.dat", content);
        var link = await carol.ShareAsync(new { documents = new[] { new { documentId = document } }, downloadLimit = 1 });
        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await max.FilesAsync(link.Path)).Path;

        // The first part of the file (a download that broke off), then the rest: 65,000 lies in the first 64 KiB
        // segment, 140,000 in the third, so the resumed part starts inside a segment.
        var head = (await max.GetAsync(file, r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 64_999)))
            .AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(content[..65_000], head.Bytes);
        Assert.Equal("bytes 0-64999/300000", head.Header("Content-Range"));
        var middle = (await max.GetAsync(file, r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(65_000, 140_000)))
            .AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(content[65_000..140_001], middle.Bytes);
        var rest = (await max.GetAsync(file, r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(140_001, null)))
            .AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(content[140_001..], rest.Bytes);
        var tail = (await max.GetAsync(file, r => r.Headers.Add("Range", "bytes=-10"))).AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(content[^10..], tail.Bytes);

        // Past the end: 416 with the size, and nothing counted.
        var beyond = await max.GetAsync(file, r => r.Headers.Add("Range", "bytes=300000-"));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.Status);
        Assert.Equal("bytes */300000", beyond.Header("Content-Range"));

        // The limit of one was taken by the first request; the resumed parts continued it. Someone else's range
        // request is a new download and finds the limit used up.
        var shown = (await carol.GetAsync($"/{link.Id}")).AssertOk().Json;
        Assert.Equal(1, shown.GetProperty("downloads").GetInt32());
        using var other = s.NewRecipient();
        await other.EnterPasswordAsync(link.Path, link.Password!);
        var refused = await other.GetAsync(file, r => r.Headers.Add("Range", "bytes=1000-"));
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Contains("share-unavailable", refused.Body);

        // Revoked: even the recipient who started the download cannot fetch another byte.
        (await carol.PostAsync($"/{link.Id}/revoke", new { })).AssertOk();
        Assert.Equal(HttpStatusCode.NotFound, (await max.GetAsync(file, r => r.Headers.Add("Range", "bytes=2000-"))).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task TwoParallelDownloads_OfALinkWithOneDownloadLeft_ExactlyOneIsServed(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Angebote");
        var content = DocumentTestSetup.RandomContent(2_000_000);
        var document = await carol.Docs.UploadOkAsync(folder, "Angebot.dat", content);
        var link = await carol.ShareAsync(new { documents = new[] { new { documentId = document } }, downloadLimit = 2 });
        using var first = s.NewRecipient();
        await first.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await first.FilesAsync(link.Path)).Path;
        Assert.Equal(content, (await first.GetAsync(file)).AssertOk().Bytes);

        var racers = Enumerable.Range(0, 4).Select(_ => s.NewRecipient()).ToList();
        foreach (var r in racers) await r.EnterPasswordAsync(link.Path, link.Password!);
        var replies = await Task.WhenAll(racers.Select(r => r.GetAsync(file)));
        Assert.Single(replies, r => r.Status == HttpStatusCode.OK && r.Bytes.AsSpan().SequenceEqual(content));
        Assert.Equal(3, replies.Count(r => r.Status == HttpStatusCode.NotFound));
        await using var data = s.Server.Data();
        Assert.Equal(2, (await data.ShareLinks.SingleAsync(l => l.Id == link.Id)).Downloads);
        Assert.Equal(2, await data.AuditEvents.CountAsync(a => a.Action == "share.download"));
        racers.ForEach(r => r.Dispose());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AlteredContent_NeverReachesTheRecipientWhole_AndRaisesAnIntegrityAlarm(string kind)
    {
        await using var s = await ShareTestSetup.StartAsync(kind);
        using var carol = await s.SenderAsync("carol");
        var folder = await carol.Docs.FolderAsync("Archiv");
        var content = DocumentTestSetup.RandomContent(700_000);
        var document = await carol.Docs.UploadOkAsync(folder, "Archiv.dat", content);
        var link = await carol.ShareAsync(new { documents = new[] { new { documentId = document } } });
        string blob;
        await using (var data = s.Server.Data())
            blob = s.Documents.BlobPath((await data.DocumentVersions.SingleAsync(v => v.DocumentId == document)).BlobAddress);
        // One bit flipped near the end: every chunk before it is authentic, the last one is not.
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[^100] ^= 1;
        await File.WriteAllBytesAsync(blob, bytes);

        using var max = s.NewRecipient();
        await max.EnterPasswordAsync(link.Path, link.Password!);
        var file = Assert.Single(await max.FilesAsync(link.Path)).Path;
        byte[]? received = null;
        try
        {
            received = (await max.GetAsync(file)).Bytes;
        }
        catch (HttpRequestException)
        {
            // The server cut the transfer short: that is the point.
        }
        Assert.True(received is null || received.Length < content.Length, "the altered file was delivered whole");
        await using (var data = s.Server.Data())
        {
            var alarm = await data.AuditEvents.SingleAsync(e => e.Action == "share.integrity");
            Assert.Equal(Core.Audit.AuditOutcome.Failure, alarm.Outcome);
            var line = await data.ShareEvents.SingleAsync(e => e.ShareId == link.Id && e.Kind == "download");
            Assert.False(line.Completed);
        }
    }

    internal static async Task<Guid> ItemIdAsync(ShareTestSetup s, Guid share)
    {
        await using var data = s.Server.Data();
        return (await data.ShareItems.FirstAsync(i => i.ShareId == share)).Id;
    }
}
