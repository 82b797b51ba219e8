using System.Net;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// Uploads that go wrong leave nothing behind: no half version becomes visible, no blob (committed or temporary) stays,
/// the name is free again; refused uploads are refused before a byte of the body is stored.
/// </summary>
public sealed class DocumentUploadFaultTests
{
    private const long MiB = 1 << 20;

    /// <summary>After <paramref name="sent"/> bytes: waits until the server is storing this upload (a temporary blob of at least 1 MiB).</summary>
    private static async Task<bool> ServerIsStoringAsync(DocumentTestSetup d)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!d.TempBlobFiles().Any(f => new FileInfo(f).Length >= MiB))
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(20);
        }
        return true;
    }

    private static async Task AssertNothingStoredAsync(DocumentTestSetup d, IReadOnlyList<string> blobsBefore, int documents, int versions)
    {
        Assert.True(await d.TempBlobsGoneAsync(), $"temporary blob files left behind: {string.Join(", ", d.TempBlobFiles())}");
        Assert.Equal(blobsBefore, d.BlobFiles());
        await using var data = d.Server.Data();
        Assert.Equal(documents, await data.Documents.CountAsync());
        Assert.Equal(versions, await data.DocumentVersions.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_ClientFailsHalfWayThroughALargeChunkedBody_LeavesNoVersionNoBlob_AndTheNameIsFree(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Archiv");
        var storing = false;
        using var body = new StreamedBody(256 * MiB)
        {
            FailAfter = 8 * MiB,
            AfterChunk = async sent =>
            {
                if (sent == 8 * MiB) storing = await ServerIsStoringAsync(d);
            },
        };

        var failure = await Record.ExceptionAsync(() => dave.UploadContentAsync(folder, "Jahresarchiv 2025.dat", body));
        Assert.NotNull(failure);
        Assert.True(storing, "the server never started to store the upload, so the interruption was not tested");
        Assert.Equal(8 * MiB, body.Sent);

        await AssertNothingStoredAsync(d, [], documents: 0, versions: 0);
        Assert.Equal(0, await d.AuditCountAsync("document.upload", AuditOutcome.Success));
        Assert.Equal(0, (await dave.GetAsync($"?folder={folder}")).AssertOk().Json.GetArrayLength());

        // The name is free: the upload done again goes through and is exactly what was sent.
        var content = DocumentTestSetup.RandomContent(300_000);
        var doc = (await dave.UploadAsync(folder, "Jahresarchiv 2025.dat", content, "application/zip")).AssertOk().Json.GetProperty("id").GetGuid();
        Assert.Equal(content, (await dave.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Single(d.BlobFiles());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_ClientCancelsAfterSomeMiB_LeavesNoVersionNoBlob(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Archiv");
        var kept = await dave.UploadOkAsync(folder, "Bleibt.dat", DocumentTestSetup.RandomContent(50_000));
        var blobsBefore = d.BlobFiles();
        using var cancel = new CancellationTokenSource();
        var storing = false;
        using var body = new StreamedBody(1024 * MiB)
        {
            AfterChunk = async sent =>
            {
                if (sent != 6 * MiB) return;
                storing = await ServerIsStoringAsync(d);
                await cancel.CancelAsync();
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dave.UploadContentAsync(folder, "Backup.dat", body, cancel.Token));
        Assert.True(storing, "the server never started to store the upload, so the interruption was not tested");
        Assert.True(body.Sent < 16 * MiB, $"the client kept sending after it cancelled ({body.Sent} bytes)");

        await AssertNothingStoredAsync(d, blobsBefore, documents: 1, versions: 1);
        var listed = (await dave.GetAsync($"?folder={folder}")).AssertOk().Json;
        Assert.Equal(kept, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetGuid());
        (await dave.UploadAsync(folder, "Backup.dat", DocumentTestSetup.RandomContent(1_000), "application/x-tar")).AssertOk();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CheckIn_ClientFailsHalfWay_KeepsTheVersionAndTheLock_LeavesNoBlob(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Verträge");
        var first = DocumentTestSetup.RandomContent(70_000);
        var doc = await dave.UploadOkAsync(folder, "Rahmenvertrag.dat", first);
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();
        var blobsBefore = d.BlobFiles();
        var storing = false;
        using var body = new StreamedBody(128 * MiB)
        {
            FailAfter = 4 * MiB,
            AfterChunk = async sent =>
            {
                if (sent == 4 * MiB) storing = await ServerIsStoringAsync(d);
            },
        };

        Assert.NotNull(await Record.ExceptionAsync(() => dave.CheckInContentAsync(doc, body)));
        Assert.True(storing, "the server never started to store the check-in, so the interruption was not tested");

        await AssertNothingStoredAsync(d, blobsBefore, documents: 1, versions: 1);
        var shown = (await erin.GetAsync($"/{doc}")).AssertOk().Json;
        Assert.Equal(1, shown.GetProperty("currentVersion").GetInt32());
        Assert.Equal("dave", shown.GetProperty("lock").GetProperty("holder").GetString());
        Assert.Equal(first, (await erin.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Equal(0, await d.AuditCountAsync("document.checkin", AuditOutcome.Success));

        // dave still holds the lock and checks in for real.
        var second = DocumentTestSetup.RandomContent(90_000);
        Assert.Equal(2, (await dave.CheckInAsync(doc, second)).AssertOk().Json.GetProperty("currentVersion").GetInt32());
        Assert.Equal(second, (await erin.DownloadAsync(doc)).AssertOk().Bytes);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_ByReadUser_Answers403BeforeAnyOfTheBodyIsStored(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var folder = await dave.FolderAsync("Spesen");
        var doc = await dave.UploadOkAsync(folder, "Reise März.dat", DocumentTestSetup.RandomContent(10_000));
        var blobsBefore = d.BlobFiles();
        var sawTemporaryBlob = false;
        using var body = new StreamedBody(8 * MiB)
        {
            AfterChunk = _ =>
            {
                sawTemporaryBlob |= d.TempBlobFiles().Count > 0;
                return Task.CompletedTask;
            },
        };

        (await erin.UploadContentAsync(folder, "Reise April.dat", body)).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.False(sawTemporaryBlob, "the server began storing a refused upload");
        using var version = new StreamedBody(8 * MiB)
        {
            AfterChunk = _ =>
            {
                sawTemporaryBlob |= d.TempBlobFiles().Count > 0;
                return Task.CompletedTask;
            },
        };
        (await erin.CheckInContentAsync(doc, version)).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.False(sawTemporaryBlob, "the server began storing a refused check-in");

        await AssertNothingStoredAsync(d, blobsBefore, documents: 1, versions: 1);
        Assert.Equal(1, await d.AuditCountAsync("document.upload", AuditOutcome.Denied, "user:erin"));
        Assert.Equal(1, await d.AuditCountAsync("document.checkin", AuditOutcome.Denied, "user:erin", doc));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_ThirtyTwoAtOnce_CommittedInGroups_EachStoredAndRecordedOnce(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Belege");
        var contents = Enumerable.Range(0, 32).Select(i => DocumentTestSetup.RandomContent(10_000 + i)).ToArray();

        var ids = await Task.WhenAll(contents.Select((c, i) => dave.UploadOkAsync(folder, $"Beleg {i:D2}.dat", c)));

        Assert.Equal(32, ids.Distinct().Count());
        Assert.Equal(32, d.BlobFiles().Count);
        Assert.Equal(32, await d.AuditCountAsync("document.upload", AuditOutcome.Success));
        for (var i = 0; i < ids.Length; i++) Assert.Equal(contents[i], (await dave.DownloadAsync(ids[i])).AssertOk().Bytes);
        Assert.Equal(32, await d.AuditCountAsync("document.download", AuditOutcome.Success));
        await using var data = d.Server.Data();
        Assert.Equal(32, await data.DocumentVersions.CountAsync());
        Assert.Empty(d.TempBlobFiles());
    }
}
