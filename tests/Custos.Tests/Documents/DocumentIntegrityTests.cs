using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Keys;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// Stored content is checked on every read (TOM 8.1): a blob altered, cut short, swapped or removed on disk never
/// downloads as if it were the document; the download fails and the audit log records an integrity alarm.
/// </summary>
public sealed class DocumentIntegrityTests
{
    /// <summary>What the client got: the status (if a response came at all), the bytes it could read, and how reading ended.</summary>
    private sealed record Attempt(HttpStatusCode? Status, long? ContentLength, byte[] Received, Exception? Failure);

    /// <summary>Downloads as a client streaming to disk would, without giving up at the first broken byte.</summary>
    private static async Task<Attempt> TryDownloadAsync(DocumentClient c, Guid document)
    {
        HttpResponseMessage response;
        try
        {
            response = await c.Http.GetAsync($"{c.Api}/{document}/content", HttpCompletionOption.ResponseHeadersRead);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new Attempt(null, null, [], e);
        }
        using (response)
        {
            var received = new MemoryStream();
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync();
                await stream.CopyToAsync(received);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                return new Attempt(response.StatusCode, response.Content.Headers.ContentLength, received.ToArray(), e);
            }
            return new Attempt(response.StatusCode, response.Content.Headers.ContentLength, received.ToArray(), null);
        }
    }

    /// <summary>
    /// The download must not look like a good one: a fault found before the response began answers 500
    /// document.integrity; one found later breaks the transfer off, and what did arrive is only ever an authenticated
    /// prefix of the true content, never altered bytes.
    /// </summary>
    private static void AssertFailed(Attempt attempt, byte[] content, bool beforeAnyByte = false)
    {
        if (attempt.Status is { } status && status != HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Null(attempt.Failure);
            Assert.Equal("document.integrity", JsonDocument.Parse(attempt.Received).RootElement.GetProperty("code").GetString());
            return;
        }
        var complete = attempt.Failure is null && attempt.Received.AsSpan().SequenceEqual(content);
        Assert.False(complete, "the altered document downloaded as if it were intact");
        if (attempt.Failure is null)
            Assert.True(attempt.ContentLength != attempt.Received.Length || !attempt.Received.AsSpan().SequenceEqual(content),
                "the download ended cleanly with the announced length");
        Assert.True(content.AsSpan().StartsWith(attempt.Received), "bytes that are not the document's reached the client");
        if (beforeAnyByte) Assert.Empty(attempt.Received);
    }

    private static async Task<AuditEvent?> AlarmAsync(DocumentTestSetup d, Guid document, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            await using (var data = d.Server.Data())
            {
                var target = $"document:{document}";
                var alarm = await data.AuditEvents.AsNoTracking()
                    .Where(a => a.Action == "document.integrity" && a.Target == target).OrderBy(a => a.Sequence).FirstOrDefaultAsync();
                if (alarm is not null || DateTime.UtcNow > until) return alarm;
            }
            await Task.Delay(50);
        }
    }

    private static async Task AssertAlarmAsync(DocumentTestSetup d, Guid document, string blobAddress, string problem)
    {
        var alarm = await AlarmAsync(d, document);
        Assert.NotNull(alarm);
        Assert.Equal(AuditOutcome.Failure, alarm.Outcome);
        Assert.Equal(d.Tenant, alarm.TenantId.Value);
        Assert.Equal("user:erin", alarm.Actor);
        Assert.Contains(blobAddress, alarm.Details);
        Assert.Contains(problem, alarm.Details);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Download_BlobWithOneByteAltered_FailsAndRaisesAnIntegrityAlarm(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Rechnungen");
        var content = DocumentTestSetup.RandomContent(1_000_000);
        var doc = await dave.UploadOkAsync(folder, "Rechnung 4711.dat", content);
        var other = DocumentTestSetup.RandomContent(20_000);
        var untouched = await dave.UploadOkAsync(folder, "Rechnung 4712.dat", other);
        var address = await d.BlobAddressAsync(doc);
        var path = d.BlobPath(address);
        Assert.True(File.Exists(path), $"no blob at {path}");

        // One bit flipped in the middle of the file (segment 8 of 16: well after the response has begun).
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        AssertFailed(await TryDownloadAsync(erin, doc), content);
        await AssertAlarmAsync(d, doc, address, "altered or cut short");
        // Only that document is affected, and the alarm leaves the audit chain intact.
        Assert.Equal(other, (await erin.DownloadAsync(untouched)).AssertOk().Bytes);
        Assert.Null(await AlarmAsync(d, untouched, seconds: 0));
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Download_BlobWithFirstSegmentAltered_FailsBeforeAnyByteAndRaisesAnAlarm(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Rechnungen");
        var content = DocumentTestSetup.RandomContent(5_000);
        var doc = await dave.UploadOkAsync(folder, "Quittung.dat", content);
        var address = await d.BlobAddressAsync(doc);
        var path = d.BlobPath(address);

        // The last byte: the tag of the one and only segment.
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^1] ^= 0x80;
        await File.WriteAllBytesAsync(path, bytes);

        AssertFailed(await TryDownloadAsync(erin, doc), content, beforeAnyByte: true);
        await AssertAlarmAsync(d, doc, address, "altered or cut short");
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Download_BlobCutShortAtASegmentBoundary_FailsAndRaisesAnAlarm(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Rechnungen");
        var content = DocumentTestSetup.RandomContent(300_000);
        var doc = await dave.UploadOkAsync(folder, "Rechnung 4711.dat", content);
        var address = await d.BlobAddressAsync(doc);
        var path = d.BlobPath(address);
        Assert.Equal(SegmentedStreamFormat.GetCiphertextLength(content.Length), new FileInfo(path).Length);

        // The final segment dropped: what is left is four whole, individually valid segments.
        const int segment = SegmentedStreamFormat.DefaultSegmentSize + SegmentedStreamFormat.TagSize;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
            file.SetLength(SegmentedStreamFormat.HeaderLength + 4L * segment);

        AssertFailed(await TryDownloadAsync(erin, doc), content);
        await AssertAlarmAsync(d, doc, address, "altered or cut short");
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Download_BlobOfAnotherVersionSwappedIn_FailsAndRaisesAnAlarm(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Rechnungen");
        var content = DocumentTestSetup.RandomContent(100_000);
        var doc = await dave.UploadOkAsync(folder, "Echt.dat", content);
        var forged = await dave.UploadOkAsync(folder, "Fälschung.dat", DocumentTestSetup.RandomContent(100_000));
        var address = await d.BlobAddressAsync(doc);

        // Someone with access to the disk copies the other document's blob over this one's.
        File.Copy(d.BlobPath(await d.BlobAddressAsync(forged)), d.BlobPath(address), overwrite: true);

        AssertFailed(await TryDownloadAsync(erin, doc), content, beforeAnyByte: true);
        await AssertAlarmAsync(d, doc, address, "altered or cut short");
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Download_RecordedChecksumNotTheContents_FailsAndRaisesAnAlarm(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Rechnungen");
        var completed = new List<string>();
        // A small document (read whole before the response begins) and a large one (the mismatch shows at its very end).
        foreach (var size in new[] { 200_000, 1_000_000 })
        {
            var content = DocumentTestSetup.RandomContent(size);
            var doc = await dave.UploadOkAsync(folder, $"Rechnung {size}.dat", content);
            var address = await d.BlobAddressAsync(doc);
            // The checksum on record no longer matches what the blob holds (the record or the blob was exchanged).
            await using (var data = d.Server.Data())
            {
                var version = await data.DocumentVersions.SingleAsync(v => v.DocumentId == doc);
                version.Sha256 = System.Security.Cryptography.SHA256.HashData("something else"u8);
                await data.SaveChangesAsync();
            }

            var attempt = await TryDownloadAsync(erin, doc);
            await AssertAlarmAsync(d, doc, address, "checksum");
            if (attempt.Failure is null && attempt.Status == HttpStatusCode.OK && attempt.Received.AsSpan().SequenceEqual(content))
                completed.Add($"{size} bytes");
            else
                AssertFailed(attempt, content);
        }
        Assert.True(completed.Count == 0,
            $"downloads completed although their checksum does not match the record (only the audit log knows): {string.Join(", ", completed)}");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Download_BlobRemovedFromDisk_Answers500IntegrityAndRaisesAnAlarm(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Rechnungen");
        var first = DocumentTestSetup.RandomContent(30_000);
        var doc = await dave.UploadOkAsync(folder, "Rechnung 4711.dat", first);
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        var second = DocumentTestSetup.RandomContent(40_000);
        (await dave.CheckInAsync(doc, second)).AssertOk();
        var address = await d.BlobAddressAsync(doc, version: 1);
        File.Delete(d.BlobPath(address));

        var reply = (await erin.DownloadAsync(doc, 1)).AssertStatus(HttpStatusCode.InternalServerError, "document.integrity");
        Assert.DoesNotContain(address, reply.Body);
        var alarm = await AlarmAsync(d, doc, seconds: 0);
        Assert.NotNull(alarm);
        Assert.Equal(AuditOutcome.Failure, alarm.Outcome);
        Assert.Contains(address, alarm.Details);
        Assert.Contains("missing", alarm.Details);
        // The other version is unharmed.
        Assert.Equal(second, (await erin.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Equal(second, (await erin.DownloadAsync(doc, 2)).AssertOk().Bytes);
        await using (var data = d.Server.Data())
            Assert.Equal(1, await data.AuditEvents.CountAsync(a => a.Action == "document.integrity"));
        await d.Server.RunAsync("audit", "verify");
    }
}
