using System.Net;
using System.Text;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// Names are metadata, never paths: whatever a user calls a document (separators, "..", look-alike letters, umlauts in
/// either Unicode form) is kept as given (NFC) and shown back, content lives only under blobs/; names that cannot be shown
/// safely (control characters, over 255 characters) are refused with a clear message; one name per folder.
/// </summary>
public sealed class DocumentNameTests
{
    private static readonly string[] PathLikeNames =
    [
        "a/../../etc/passwd",
        "../../../../../../tmp/escape.dat",
        "/etc/shadow",
        "..\\..\\Windows\\win.ini",
        "C:\\boot.ini",
        "blobs/tmp/../../custos.db",
        ".hidden",
        "Say \"hi\".dat",
    ];

    /// <summary>Every file under the data directory, relative to it.</summary>
    private static HashSet<string> FilesUnder(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).ToHashSet();

    private static bool IsBlobPath(string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar);
        return parts.Length == 4 && parts[0] == "blobs" && parts[3].Length == 64 && parts[3].All(char.IsAsciiHexDigitLower)
            && parts[1] == parts[3][..2] && parts[2] == parts[3][2..4];
    }

    /// <summary>The file name a browser would save the download as (RFC 6266: filename* wins), and the ASCII fallback.</summary>
    private static (string? Utf8, string? Ascii) SavedAs(Reply download)
    {
        var disposition = download.Response.Content.Headers.ContentDisposition;
        Assert.NotNull(disposition);
        Assert.Equal("attachment", disposition.DispositionType);
        return (disposition.FileNameStar, disposition.FileName?.Trim('"'));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_NamesWithSeparatorsAndDotDot_AreStoredAsGiven_AndNeverBecomePaths(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var dataDir = d.Server.Db.DataDirectory;
        // A folder name of the same kind is only a name, too.
        var folder = (await dave.CreateFolderAsync("../../outside")).AssertOk().Json;
        Assert.Equal("../../outside", folder.GetProperty("name").GetString());
        var folderId = folder.GetProperty("id").GetGuid();
        var before = FilesUnder(dataDir);

        var contents = new Dictionary<string, byte[]>();
        foreach (var name in PathLikeNames)
        {
            var content = DocumentTestSetup.RandomContent(1_000 + contents.Count);
            var view = (await dave.UploadAsync(folderId, name, content)).AssertOk().Json;
            Assert.Equal(name, view.GetProperty("name").GetString());
            contents[view.GetProperty("id").GetString()!] = content;
        }

        // Listed and shown under the names given; downloads carry them with separators and quotes defused.
        var listed = (await dave.GetAsync($"?folder={folderId}")).AssertOk().Json.EnumerateArray().ToList();
        Assert.Equal(PathLikeNames.Order(StringComparer.Ordinal), listed.Select(x => x.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        foreach (var item in listed)
        {
            var id = item.GetProperty("id").GetGuid();
            var name = item.GetProperty("name").GetString()!;
            Assert.Equal(name, (await dave.GetAsync($"/{id}")).AssertOk().Json.GetProperty("name").GetString());
            var download = (await dave.DownloadAsync(id)).AssertOk();
            Assert.Equal(contents[id.ToString()], download.Bytes);
            var (utf8, ascii) = SavedAs(download);
            var expected = name.Replace('/', '_').Replace('\\', '_').Replace('"', '_');
            Assert.Equal(expected, utf8);
            Assert.Equal(expected, ascii);
        }

        // The only new files are blobs under their hashes; no name reached the file system.
        var added = FilesUnder(dataDir).Except(before).ToList();
        Assert.All(added.Where(f => !f.StartsWith("custos.db", StringComparison.Ordinal)), f => Assert.True(IsBlobPath(f), $"unexpected file {f}"));
        // Two blobs per upload: its original in the sluice's quarantine, and the released document.
        Assert.Equal(2 * PathLikeNames.Length, added.Count(IsBlobPath));
        foreach (var leaf in new[] { "passwd", "shadow", "escape.dat", "win.ini", "boot.ini", ".hidden", "outside" })
            Assert.Empty(Directory.EnumerateFileSystemEntries(dataDir, leaf, SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escape.dat")), "a name escaped to the temporary directory");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_ConfusableAndUmlautNames_AreDistinctAndShownExactly(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Buchhaltung");
        var latin = "Rechnung.dat";
        var cyrillic = "R\u0435chnung.dat"; // Cyrillic small ie, looks like the Latin e
        var komiDe = "Rechnung.p\u0501f"; // Cyrillic komi de, looks like d
        var umlauts = "Prüfbericht Größe Übermaß äöüÄÖÜß.dat";
        var names = new[] { latin, cyrillic, komiDe, umlauts, "日本語の請求書.dat", "Résumé – “final”.dat" };

        var ids = new Dictionary<string, (Guid Id, byte[] Content)>();
        foreach (var name in names)
        {
            var content = DocumentTestSetup.RandomContent(2_000);
            var view = (await dave.UploadAsync(folder, name, content)).AssertOk().Json;
            Assert.Equal(name, view.GetProperty("name").GetString());
            ids[name] = (view.GetProperty("id").GetGuid(), content);
        }

        // Look-alikes are different documents: each keeps its own content and its own exact name.
        Assert.Equal(names.Length, ids.Values.Select(v => v.Id).Distinct().Count());
        foreach (var (name, (id, content)) in ids)
        {
            var download = (await dave.DownloadAsync(id)).AssertOk();
            Assert.Equal(content, download.Bytes);
            var (utf8, ascii) = SavedAs(download);
            Assert.Equal(name, utf8);
            Assert.NotNull(ascii);
            Assert.True(ascii.All(c => c is >= ' ' and <= '~'), $"ASCII fallback {ascii}");
            Assert.Equal(name.Length, ascii.Length);
        }
        await using var data = d.Server.Data();
        var stored = await data.Documents.AsNoTracking().Select(x => x.Name).ToListAsync();
        Assert.Equal(names.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_DecomposedName_IsStoredAsNfc_AndCollidesWithItsComposedTwin(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var nfc = "Übersicht Gebühren Größe.dat".Normalize(NormalizationForm.FormC);
        var nfd = nfc.Normalize(NormalizationForm.FormD);
        Assert.NotEqual(nfc, nfd);
        var folder = (await dave.CreateFolderAsync("Prüfungen".Normalize(NormalizationForm.FormD))).AssertOk().Json;
        Assert.Equal("Prüfungen", folder.GetProperty("name").GetString());
        var folderId = folder.GetProperty("id").GetGuid();
        (await dave.CreateFolderAsync("Prüfungen")).AssertStatus(HttpStatusCode.Conflict, "document.name_taken");

        // A Mac sends the decomposed form; it is kept composed, everywhere.
        var content = DocumentTestSetup.RandomContent(4_000);
        var view = (await dave.UploadAsync(folderId, nfd, content)).AssertOk().Json;
        Assert.Equal(nfc, view.GetProperty("name").GetString());
        var id = view.GetProperty("id").GetGuid();
        Assert.Equal(nfc, (await dave.GetAsync($"/{id}")).AssertOk().Json.GetProperty("name").GetString());
        Assert.Equal(nfc, SavedAs((await dave.DownloadAsync(id)).AssertOk()).Utf8);
        await using (var data = d.Server.Data())
            Assert.Equal(nfc, (await data.Documents.SingleAsync(x => x.Id == id)).Name);

        // The composed form of the same name is the same name; a look-alike in the other form is not a way around it.
        (await dave.UploadAsync(folderId, nfc, DocumentTestSetup.RandomContent(10))).AssertStatus(HttpStatusCode.Conflict, "document.name_taken");
        (await dave.UploadAsync(folderId, nfd, DocumentTestSetup.RandomContent(10))).AssertStatus(HttpStatusCode.Conflict, "document.name_taken");
        Assert.Single(d.BlobFiles());
        Assert.Equal(content, (await dave.DownloadAsync(id)).AssertOk().Bytes);
    }

    private static readonly (string Name, string Message)[] BadNames =
    [
        ("Rechnung\u0000.dat", "control characters"),
        ("Zeile 1\nZeile 2.dat", "control characters"),
        ("Zeile 1\r\nZeile 2.dat", "control characters"),
        ("Tab\there.dat", "control characters"),
        ("Klingel\u0007.dat", "control characters"),
        ("\u001b[31mrot.dat", "control characters"),
        ("Entf\u007f.dat", "control characters"),
        ("NEL\u0085.dat", "control characters"),
        (new string('x', 10_000), "at most 255 characters"),
        (new string('ä', 256), "at most 255 characters"),
        ("", "name is required"),
        ("   ", "name is required"),
        ("..", "not names"),
        (".", "not names"),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UploadAndCreateFolder_NameWithControlCharactersOrTooLong_Answer400AndStoreNothing(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Eingang");
        var before = FilesUnder(d.Server.Db.DataDirectory);

        foreach (var (name, message) in BadNames)
        {
            var shown = name.Length > 20 ? $"{name[..10]}... ({name.Length} characters)" : Uri.EscapeDataString(name);
            var upload = await dave.UploadAsync(folder, name, DocumentTestSetup.RandomContent(200_000));
            Assert.True(upload.Status == HttpStatusCode.BadRequest && upload.Code == "document.invalid", $"upload of {shown}: {upload}");
            Assert.True(upload.Json.GetProperty("title").GetString()!.Contains(message, StringComparison.Ordinal), $"upload of {shown}: {upload}");
            Assert.True(upload.Body.Length < 2_000, $"upload of {shown}: the refusal echoes the name back");
            var newFolder = await dave.CreateFolderAsync(name, folder);
            Assert.True(newFolder.Status == HttpStatusCode.BadRequest && newFolder.Code == "document.invalid", $"folder {shown}: {newFolder}");
            Assert.True(newFolder.Json.GetProperty("title").GetString()!.Contains(message, StringComparison.Ordinal), $"folder {shown}: {newFolder}");
        }

        await using (var data = d.Server.Data())
        {
            Assert.Equal(0, await data.Documents.CountAsync());
            Assert.Equal(0, await data.DocumentVersions.CountAsync());
            Assert.Equal(1, await data.DocumentFolders.CountAsync());
        }
        Assert.Empty(d.BlobFiles());
        Assert.True(await d.TempBlobsGoneAsync());
        var added = FilesUnder(d.Server.Db.DataDirectory).Except(before).Where(f => !f.StartsWith("custos.db", StringComparison.Ordinal)).ToList();
        Assert.True(added.Count == 0, $"files appeared: {string.Join(", ", added)}");
        Assert.Equal(0, await d.AuditCountAsync("document.upload", Core.Audit.AuditOutcome.Success));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_NameOfExactly255Characters_IsAccepted_256AreNot(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Eingang");
        var longest = new string('ß', 251) + ".dat";
        Assert.Equal(255, longest.Length);
        var view = (await dave.UploadAsync(folder, longest, DocumentTestSetup.RandomContent(100))).AssertOk().Json;
        Assert.Equal(longest, view.GetProperty("name").GetString());
        var reply = (await dave.UploadAsync(folder, "ß" + longest, DocumentTestSetup.RandomContent(100))).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        Assert.Contains("256", reply.Json.GetProperty("title").GetString());
        // Decomposed, the 255 umlauts would be 510 characters; composed they fit.
        var umlauts = new string('ü', 251).Normalize(NormalizationForm.FormD) + ".txt";
        Assert.Equal(506, umlauts.Length);
        var composed = (await dave.UploadAsync(folder, umlauts, "Notiz"u8.ToArray(), "text/plain")).AssertOk().Json;
        Assert.Equal(umlauts.Normalize(NormalizationForm.FormC), composed.GetProperty("name").GetString());
        await using var data = d.Server.Data();
        Assert.Equal(2, await data.Documents.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_DuplicateNameInOneFolder_Answers409_AndKeepsTheFirst(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Verträge");
        var other = await dave.FolderAsync("Archiv");
        var first = DocumentTestSetup.RandomContent(8_000);
        var doc = await dave.UploadOkAsync(folder, "Vertrag.dat", first);

        (await carol.UploadAsync(folder, "Vertrag.dat", DocumentTestSetup.RandomContent(9_000))).AssertStatus(HttpStatusCode.Conflict, "document.name_taken");
        (await dave.UploadAsync(folder, "  Vertrag.dat ", DocumentTestSetup.RandomContent(9_000))).AssertStatus(HttpStatusCode.Conflict, "document.name_taken");
        Assert.Single(d.BlobFiles());
        Assert.True(await d.TempBlobsGoneAsync());
        Assert.Equal(first, (await dave.DownloadAsync(doc)).AssertOk().Bytes);
        Assert.Single((await dave.GetAsync($"?folder={folder}")).AssertOk().Json.EnumerateArray());

        // The same name in another folder is another document; so is a folder of that name.
        (await dave.UploadAsync(other, "Vertrag.dat", DocumentTestSetup.RandomContent(9_000))).AssertOk();
        (await dave.CreateFolderAsync("Verträge")).AssertStatus(HttpStatusCode.Conflict, "document.name_taken");
        (await dave.CreateFolderAsync("Verträge", other)).AssertOk();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Upload_SameNameEightTimesAtOnce_OneWins_OthersGet409_NoOrphanBlobs(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var folder = await dave.FolderAsync("Scans");
        // Each body stops short of its last chunk until all eight are there, so that all of them are stored together and
        // reach the database at the same moment.
        const int racers = 8;
        var arrived = 0;
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var uploads = Enumerable.Range(0, racers).Select(async _ =>
        {
            using var body = new StreamedBody(4 * StreamedBody.ChunkSize)
            {
                AfterChunk = async sent =>
                {
                    if (sent != 3 * StreamedBody.ChunkSize) return;
                    if (Interlocked.Increment(ref arrived) == racers) finish.SetResult();
                    await finish.Task;
                },
            };
            var reply = await dave.UploadContentAsync(folder, "Scan 001.dat", body);
            return (Content: Enumerable.Repeat(body.Chunk, 4).SelectMany(c => c).ToArray(), Reply: reply);
        }).ToList();
        var results = await Task.WhenAll(uploads);

        // Whatever the answers, only the winner's content is kept.
        Assert.True(await d.TempBlobsGoneAsync());
        Assert.Single(d.BlobFiles());
        await using (var data = d.Server.Data())
            Assert.Equal(1, await data.Documents.CountAsync());
        var won = results.Where(r => r.Reply.Status == HttpStatusCode.OK).ToList();
        Assert.True(won.Count == 1, $"{won.Count} uploads won: {string.Join("; ", results.Select(r => r.Reply.ToString()))}");
        var lost = results.Where(r => r.Reply.Status != HttpStatusCode.OK).Select(r => r.Reply).ToList();
        Assert.True(lost.All(r => r.Status == HttpStatusCode.Conflict && r.Code == "document.name_taken"),
            "the losers were not told the name is taken: " + string.Join("; ", lost.Select(r => $"{(int)r.Status} {r.Code ?? r.Json.GetProperty("title").GetString()}")));
        var id = won[0].Reply.Json.GetProperty("id").GetGuid();
        Assert.Equal(won[0].Content, (await dave.DownloadAsync(id)).AssertOk().Bytes);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CreateFolder_SameNameEightTimesAtOnce_OneWins_OthersGet409(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var dave = await d.ConnectAsync("dave");
        var parent = await dave.FolderAsync("Kunden");
        var wrong = new List<string>();
        foreach (var name in new[] { "Müller GmbH", "Schmidt AG", "Meier KG", "Schulz OHG", "Becker e.K." })
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var creates = Enumerable.Range(0, 8).Select(async _ =>
            {
                await start.Task;
                return await dave.CreateFolderAsync(name, parent);
            }).ToList();
            start.SetResult();
            var results = await Task.WhenAll(creates);
            var won = results.Count(r => r.Status == HttpStatusCode.OK);
            var others = results.Where(r => r.Status != HttpStatusCode.OK).Select(r => $"{(int)r.Status} {r.Code}").Distinct();
            if (won != 1 || others.Any(o => o != "409 document.name_taken"))
                wrong.Add($"{name}: {won} created, others answered {string.Join(", ", others)}");
        }
        await using var data = d.Server.Data();
        var duplicates = await data.DocumentFolders.Where(f => f.ParentId == parent).GroupBy(f => f.Name)
            .Select(g => new { Name = g.Key, Count = g.Count() }).Where(g => g.Count > 1).ToListAsync();
        Assert.True(wrong.Count == 0 && duplicates.Count == 0,
            $"racing creates of one folder name: {string.Join("; ", wrong)}; stored twice: {string.Join(", ", duplicates.Select(x => $"{x.Name} x{x.Count}"))}");
    }
}
