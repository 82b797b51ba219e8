using System.Net;
using Custos.Core.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Custos.Tests.Documents.SearchTestCalls;
using static Custos.Tests.Documents.SearchTestFiles;

namespace Custos.Tests.Documents;

/// <summary>
/// Document search: the words of names, tags and the current version's text (plain text, PDF text layer, Word) are
/// found as prefixes, umlauts included, on both databases; the filters narrow it down; only what the caller may read is
/// ever returned; the index follows new versions, tag changes and deletions; whatever a user types is words, never syntax.
/// </summary>
public sealed class DocumentSearchTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FullText_FindsWordsOfPlainTextPdfAndDocx_AsPrefixes_WithUmlauts(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var erin = await d.ConnectAsync("erin");
        var folder = await carol.FolderAsync("Haustechnik");
        await carol.UploadFileAsync(folder, "Notizen.txt", Text("Die Heizungsanlage im Keller wurde gewartet.\nZählerstand 4711 am Montag."), TextType);
        await carol.UploadFileAsync(folder, "Bericht.pdf", Pdf("Prüfbericht Brandschutz", "Größe der Fluchtwege ausreichend"), PdfType);
        await carol.UploadFileAsync(folder, "Vertrag.docx", Docx("Wartungsvertrag Aufzug", "Jährliche Überprüfung durch den Hersteller"), DocxType);
        // A "PDF" that is random bytes has no words; it is indexed (by name) without holding up the others.
        await carol.UploadFileAsync(folder, "Scan.dat", DocumentTestSetup.RandomContent(20_000), PdfType);

        // Uploads wake the background indexer; whatever it has not done yet is done here, and then nothing is left.
        await d.IndexAsync();
        Assert.Equal(0, await d.IndexAsync());

        // Every reader finds whole words and prefixes, in any case, with or without capitals on the umlauts.
        foreach (var client in new[] { carol, erin })
        {
            Assert.Equal(["Notizen.txt"], await client.FoundAsync(Q("Heizungsanlage")));
            Assert.Equal(["Notizen.txt"], await client.FoundAsync(Q("heiz")));
            Assert.Equal(["Notizen.txt"], await client.FoundAsync(Q("4711")));
            Assert.Equal(["Notizen.txt"], await client.FoundAsync(Q("zählerstand")));
            Assert.Equal(["Bericht.pdf"], await client.FoundAsync(Q("Prüfbericht")));
            Assert.Equal(["Bericht.pdf"], await client.FoundAsync(Q("prüf")));
            Assert.Equal(["Bericht.pdf"], await client.FoundAsync(Q("GRÖßE")));
            Assert.Equal(["Bericht.pdf"], await client.FoundAsync(Q("größe fluchtweg")));
            Assert.Equal(["Vertrag.docx"], await client.FoundAsync(Q("Wartungsvertrag")));
            Assert.Equal(["Vertrag.docx"], await client.FoundAsync(Q("ÜBERPRÜFUNG")));
            Assert.Equal(["Vertrag.docx"], await client.FoundAsync(Q("über")));
            Assert.Equal(["Vertrag.docx"], await client.FoundAsync(Q("jährlich aufzug")));
            // Names are words too; every term must match (AND), in one document.
            Assert.Equal(["Scan.dat"], await client.FoundAsync(Q("scan")));
            Assert.Equal(["Notizen.txt"], await client.FoundAsync(Q("notizen keller")));
            Assert.Empty(await client.FoundAsync(Q("Wartungsvertrag Heizungsanlage")));
            Assert.Empty(await client.FoundAsync(Q("Fluchtwegeplan")));
            // Within a word is not a prefix.
            Assert.Empty(await client.FoundAsync(Q("zungsanlage")));
        }

        var reply = (await carol.SearchAsync(Q("prüf"))).AssertOk().Json;
        Assert.Equal(0, reply.GetProperty("pending").GetInt32());
        Assert.False(reply.GetProperty("truncated").GetBoolean());
        var hit = Assert.Single(reply.GetProperty("hits").EnumerateArray());
        Assert.Equal("/Haustechnik", hit.GetProperty("folderPath").GetString());
        Assert.Equal("none", hit.GetProperty("retentionState").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, hit.GetProperty("retainUntil").ValueKind);
        Assert.Equal(folder, hit.GetProperty("document").GetProperty("folderId").GetGuid());
        // The hit carries no text of the document.
        Assert.DoesNotContain("Brandschutz", reply.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WordsJoinedByDotsSlashesUnderscoresOrAt_AreEachFound_OnBothDatabases(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Kontakte");
        await carol.UploadFileAsync(folder, "Jahresabschluss_2026.txt",
            Text("Kontakt: info@mueller-bau.de, Web: www.mueller-bau.de/impressum, Akte 3/O/12-26, Betrag 12,50 EUR"), TextType);
        await d.IndexAsync();

        // Each word counts, however it is joined to the next one: as in the name and the text, so on both databases.
        foreach (var word in new[] { "Jahresabschluss", "2026", "txt", "info", "mueller", "bau", "impressum", "www", "Akte", "12", "50" })
            Assert.True((await carol.FoundAsync(Q(word))).SequenceEqual(["Jahresabschluss_2026.txt"]), $"\"{word}\" is not found");
        Assert.Equal(["Jahresabschluss_2026.txt"], await carol.FoundAsync(Q("mueller-bau.de/impressum")));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Filters_NameTagAuthorDatesLabelRetentionAndFolderWithSubfolders(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var erin = await d.ConnectAsync("erin");
        var year = d.Server.Now.Year;
        var today = RetentionTests.Today(d);
        var books = await carol.FolderAsync("Buchhaltung");
        var y2025 = await carol.FolderAsync("2025", books);
        var vouchers = await carol.FolderAsync("Belege", y2025);
        var staff = await carol.FolderAsync("Personal");
        var voucher = await dave.UploadFileAsync(vouchers, "Überweisung Müller.txt", Text("Überweisung an Müller GmbH"), TextType);
        var statement = await carol.UploadFileAsync(y2025, "Jahresabschluss.txt", Text("Bilanz und GuV"), TextType);
        var old = await carol.UploadFileAsync(y2025, "Kassenbuch 2016.txt", Text("Kassenbuch"), TextType);
        var file = await carol.UploadFileAsync(staff, "Personalakte Weber.txt", Text("Arbeitsvertrag Weber"), TextType);

        (await carol.PutAsync($"/{statement}/label", new { classId = RetentionDefaults.GoBd10 })).AssertOk();
        (await carol.PutAsync($"/{old}/label", new { classId = RetentionDefaults.GoBd6, documentDate = RetentionTests.Iso(new DateOnly(year - 9, 3, 1)) }))
            .AssertOk();
        (await dave.TagAsync(voucher, "Steuer 2025", " MÜLLER ", "steuer 2025")).AssertOk();
        (await erin.TagAsync(voucher, "nope")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        (await carol.PostAsync("/holds", new { folderId = staff, reason = "Arbeitsgericht", owner = "Rechtsabteilung" })).AssertOk();
        await d.IndexAsync();

        // Folder: the folder and all below it.
        Assert.Equal(["Jahresabschluss.txt", "Kassenbuch 2016.txt", "Überweisung Müller.txt"], await erin.FoundSortedAsync($"folder={books}"));
        Assert.Equal(["Jahresabschluss.txt", "Kassenbuch 2016.txt", "Überweisung Müller.txt"], await erin.FoundSortedAsync($"folder={y2025}"));
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync($"folder={vouchers}"));
        Assert.Equal(["Personalakte Weber.txt"], await erin.FoundAsync($"folder={staff}"));
        (await erin.SearchAsync($"folder={Guid.NewGuid()}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // Name: a part of it, in any case, umlauts included.
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync("name=" + Uri.EscapeDataString("überweisung")));
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync("name=" + Uri.EscapeDataString("MÜLLER")));
        Assert.Equal(["Kassenbuch 2016.txt"], await erin.FoundAsync("name=" + Uri.EscapeDataString("buch 20")));
        Assert.Equal(4, (await erin.FoundAsync("name=.txt")).Count);

        // Tags: stored trimmed, lower-case, once; a filter and words of the full text.
        var tags = (await erin.SearchAsync($"folder={vouchers}")).AssertOk().Json.GetProperty("hits")[0].GetProperty("tags");
        Assert.Equal(["müller", "steuer 2025"], tags.EnumerateArray().Select(t => t.GetString()!).ToList());
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync("tag=" + Uri.EscapeDataString("Steuer 2025")));
        Assert.Empty(await erin.FoundAsync("tag=steuer"));
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync(Q("steuer")));

        // Author: whoever wrote a version.
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync("author=dave"));
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync("author=DAVE"));
        Assert.Equal(3, (await erin.FoundAsync("author=carol")).Count);
        Assert.Empty(await erin.FoundAsync("author=frank"));

        // Document date: the upload day unless a label gave another.
        Assert.Equal(["Kassenbuch 2016.txt"], await erin.FoundAsync($"to={RetentionTests.Iso(today.AddDays(-1))}"));
        Assert.Equal(3, (await erin.FoundAsync($"from={RetentionTests.Iso(today)}")).Count);
        Assert.Equal(["Kassenbuch 2016.txt"],
            await erin.FoundAsync($"from={RetentionTests.Iso(new DateOnly(year - 9, 3, 1))}&to={RetentionTests.Iso(new DateOnly(year - 9, 3, 1))}"));
        Assert.Empty(await erin.FoundAsync($"from={RetentionTests.Iso(today.AddDays(1))}"));

        // Label and retention state.
        Assert.Equal(["Jahresabschluss.txt"], await erin.FoundAsync($"label={RetentionDefaults.GoBd10}"));
        Assert.Equal(["Jahresabschluss.txt"], await erin.FoundAsync("retention=running"));
        Assert.Equal(["Kassenbuch 2016.txt"], await erin.FoundAsync("retention=expired"));
        Assert.Equal(["Personalakte Weber.txt"], await erin.FoundAsync("retention=held"));
        Assert.Equal(["Personalakte Weber.txt", "Überweisung Müller.txt"], await erin.FoundSortedAsync("retention=none"));
        Assert.Empty(await erin.FoundAsync("retention=review"));
        Assert.Empty(await erin.FoundAsync("retention=restricted"));
        var running = Assert.Single((await erin.SearchAsync("retention=running")).AssertOk().Json.GetProperty("hits").EnumerateArray());
        Assert.Equal("GoBD 10 years", running.GetProperty("className").GetString());
        Assert.Equal(RetentionTests.Iso(new DateOnly(year + 11, 1, 1)), running.GetProperty("retainUntil").GetString());
        Assert.Equal("running", running.GetProperty("retentionState").GetString());
        Assert.Equal("/Buchhaltung/2025", running.GetProperty("folderPath").GetString());
        Assert.Equal("held", Assert.Single((await erin.SearchAsync(Q("Weber"))).AssertOk().Json.GetProperty("hits").EnumerateArray())
            .GetProperty("retentionState").GetString());

        // Criteria combine (AND), with the words too.
        Assert.Equal(["Überweisung Müller.txt"], await erin.FoundAsync($"{Q("müller")}&folder={books}&author=dave&retention=none&tag=steuer%202025"));
        Assert.Empty(await erin.FoundAsync($"{Q("müller")}&folder={staff}"));
        Assert.Empty(await erin.FoundAsync($"{Q("bilanz")}&retention=none"));

        // The limit cuts the list and says so.
        var limited = (await erin.SearchAsync($"folder={books}&limit=2")).AssertOk().Json;
        Assert.Equal(2, limited.GetProperty("hits").GetArrayLength());
        Assert.True(limited.GetProperty("truncated").GetBoolean());
        Assert.False((await erin.SearchAsync($"folder={books}&limit=3")).AssertOk().Json.GetProperty("truncated").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task OnlyWhatTheCallerMayRead_IsFound_AcrossTenantsProjectsAndUsersWithoutRights(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var frank = await d.ConnectAsync("frank");
        await d.Server.RunAsync("tenant", "add-project", "Acme", "Payroll");
        await d.Server.RunAsync("tenant", "add-project", "Acme", "Vertrieb");
        Guid payroll, sales;
        await using (var data = d.Server.Data())
        {
            payroll = (await data.Projects.SingleAsync(p => p.Name == "Payroll")).Id.Value;
            sales = (await data.Projects.SingleAsync(p => p.Name == "Vertrieb")).Id.Value;
        }
        await d.Server.AddUsersAsync("paula");
        await d.Server.AddGroupAsync("payroll-group", "paula");
        await d.Server.RunAsync("tenant", "grant", "Acme", "payroll-group", "--project", "Payroll", "--documents", "read");
        using var paula = await d.ConnectAsync("paula");

        var general = await carol.FolderAsync("Allgemein");
        var wages = (await carol.CreateFolderAsync("Lohn", null, payroll)).AssertOk().Json.GetProperty("id").GetGuid();
        var offers = (await carol.CreateFolderAsync("Angebote", null, sales)).AssertOk().Json.GetProperty("id").GetGuid();
        await carol.UploadFileAsync(general, "Acme allgemein.txt", Text("Kronjuwelen der Firma"), TextType);
        await carol.UploadFileAsync(wages, "Acme Lohn.txt", Text("Kronjuwelen im Lohnbüro"), TextType);
        await carol.UploadFileAsync(offers, "Acme Angebot.txt", Text("Kronjuwelen im Vertrieb"), TextType);

        await d.Server.AddUsersAsync("bob");
        await d.Server.AddGroupAsync("blue", "bob");
        await d.Server.RunAsync("tenant", "add", "Globex");
        await d.Server.RunAsync("tenant", "grant", "Globex", "blue", "--documents", "manage");
        var globex = await d.Server.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Globex'");
        using var bob = await d.ConnectAsync("bob", globex);
        var globexFolder = await bob.FolderAsync("Globex geheim");
        await bob.UploadFileAsync(globexFolder, "Globex Tresor.txt", Text("Kronjuwelen von Globex"), TextType);
        await d.IndexAsync();

        // Each tenant finds its own; the words are the same.
        Assert.Equal(["Acme Angebot.txt", "Acme Lohn.txt", "Acme allgemein.txt"], await carol.FoundSortedAsync(Q("kronjuwelen")));
        Assert.Equal(["Globex Tresor.txt"], await bob.FoundAsync(Q("kronjuwelen")));
        Assert.Empty(await carol.FoundAsync(Q("globex")));
        Assert.Empty(await bob.FoundAsync(Q("acme")));
        Assert.Empty(await bob.FoundAsync($"folder={globexFolder}&{Q("acme")}"));

        // Under the other tenant's URL: not found, whatever the criteria.
        foreach (var query in new[] { Q("kronjuwelen"), "name=Globex", $"folder={globexFolder}", "retention=none" })
        {
            (await carol.On(globex).SearchAsync(query)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
            (await bob.On(d.Tenant).SearchAsync(query)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        }
        // Another tenant's folder id under the own URL is no folder.
        (await carol.SearchAsync($"folder={globexFolder}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // A project grant finds the project's documents only, and another project's folder is as absent as a stranger's.
        Assert.Equal(["Acme Lohn.txt"], await paula.FoundAsync(Q("kronjuwelen")));
        Assert.Equal(["Acme Lohn.txt"], await paula.FoundAsync("name=Acme"));
        Assert.Equal(["Acme Lohn.txt"], await paula.FoundAsync("retention=none"));
        Assert.Equal(["Acme Lohn.txt"], await paula.FoundAsync($"folder={wages}"));
        foreach (var folder in new[] { general, offers })
            (await paula.SearchAsync($"folder={folder}")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // frank reaches nothing of Acme: not found, as for a tenant he does not know.
        foreach (var query in new[] { Q("kronjuwelen"), "name=Acme", "retention=none" })
            (await frank.SearchAsync(query)).AssertStatus(HttpStatusCode.NotFound, "document.not_found");

        // A token without documents:read cannot search at all.
        using var vaultOnly = await d.ConnectWithScopesAsync("carol", "vault:read");
        Assert.True((await vaultOnly.SearchAsync(Q("kronjuwelen"))).Status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task TheIndex_FollowsNewVersionsTagChangesAndDeletion(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        using var frank = await d.ConnectAsync("frank");
        var folder = await carol.FolderAsync("Protokolle");
        var doc = await dave.UploadFileAsync(folder, "Protokoll.txt", Text("Alphabet Bravour Charisma"), TextType);
        var other = await dave.UploadFileAsync(folder, "Anderes.txt", Text("Bravour bleibt"), TextType);
        await d.IndexAsync();
        Assert.Equal(["Protokoll.txt"], await carol.FoundAsync(Q("alphabet")));
        Assert.Equal(1, await IndexedRowsMatchingAsync(d, "alphabet"));

        // A new version's words replace the old ones once indexed; until then the search says something is pending.
        await dave.CheckInFileAsync(doc, Text("Delphin Echo Foxtrott"), TextType);
        var pending = (await carol.SearchAsync(Q("delphin"))).AssertOk().Json;
        Assert.True(pending.GetProperty("pending").GetInt32() <= 1);
        await d.IndexAsync();
        Assert.Equal(0, (await carol.SearchAsync(Q("delphin"))).AssertOk().Json.GetProperty("pending").GetInt32());
        Assert.Empty(await carol.FoundAsync(Q("alphabet")));
        Assert.Empty(await carol.FoundAsync(Q("charisma")));
        Assert.Equal(["Protokoll.txt"], await carol.FoundAsync(Q("delphin")));
        Assert.Equal(["Anderes.txt"], await carol.FoundAsync(Q("bravour")));
        Assert.Equal(0, (await carol.SearchAsync(Q("delphin"))).AssertOk().Json.GetProperty("pending").GetInt32());
        Assert.Equal(0, await IndexedRowsMatchingAsync(d, "alphabet"));
        Assert.Equal(1, await IndexedRowsMatchingAsync(d, "delphin"));

        // Tags: set by a writer, re-indexed, replaced as a set; readers and strangers cannot set them.
        (await dave.TagAsync(doc, "Zebrastreifen", "Quartal 3")).AssertOk();
        await d.IndexAsync();
        Assert.Equal(["Protokoll.txt"], await carol.FoundAsync(Q("zebra")));
        Assert.Equal(["Protokoll.txt"], await carol.FoundAsync(Q("quartal delphin")));
        (await dave.TagAsync(doc, "Yakherde")).AssertOk();
        await d.IndexAsync();
        Assert.Empty(await carol.FoundAsync(Q("zebra")));
        Assert.Empty(await carol.FoundAsync("tag=zebrastreifen"));
        Assert.Equal(["Protokoll.txt"], await carol.FoundAsync(Q("yak")));
        Assert.Equal(["Protokoll.txt"], await carol.FoundAsync("tag=yakherde"));
        using (var erin = await d.ConnectAsync("erin"))
            (await erin.TagAsync(doc, "Ziege")).AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        (await frank.TagAsync(doc, "Ziege")).AssertStatus(HttpStatusCode.NotFound, "document.not_found");
        (await dave.TagAsync(doc, new string('x', 51))).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await dave.TagAsync(doc, "a,b")).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await dave.TagAsync(doc, Enumerable.Range(0, 21).Select(i => $"tag{i}").ToArray())).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        Assert.Equal(2, await d.AuditCountAsync("document.tags", Core.Audit.AuditOutcome.Success, "user:dave", doc));
        Assert.Equal(1, await d.AuditCountAsync("document.tags", Core.Audit.AuditOutcome.Denied, "user:erin", doc));

        // Deleted, its words leave the index with it: the search row and the full-text entry.
        (await carol.DeleteAsync($"/{doc}")).AssertOk();
        Assert.Empty(await carol.FoundAsync(Q("delphin")));
        Assert.Empty(await carol.FoundAsync(Q("yak")));
        Assert.Equal(0, await IndexedRowsMatchingAsync(d, "delphin"));
        Assert.Equal(0, await IndexedRowsMatchingAsync(d, "yakherde"));
        Assert.Equal(0, await IndexedRowsMatchingAsync(d, "protokoll"));
        await using (var data = d.Server.Data())
        {
            Assert.False(await data.DocumentSearchRows.AnyAsync(r => r.DocumentId == doc));
            Assert.False(await data.DocumentTags.AnyAsync(t => t.DocumentId == doc));
            Assert.True(await data.DocumentSearchRows.AnyAsync(r => r.DocumentId == other));
        }
        Assert.Equal(1, await FullTextRowsAsync(d));
        Assert.Equal(["Anderes.txt"], await carol.FoundAsync(Q("bravour")));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task BadInput_Answers400_AndWhatUsersTypeIsWordsNeverSyntax(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Technik");
        await carol.UploadFileAsync(folder, "Alle vier.txt", Text("foo and bar or not near the pier"), TextType);
        await carol.UploadFileAsync(folder, "Nur foo.txt", Text("foo alone"), TextType);
        await carol.UploadFileAsync(folder, "Zitat.txt", Text("O'Brien sagte: \"Hallo\" & tschüss"), TextType);
        await d.IndexAsync();

        (await carol.SearchAsync("")).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await carol.SearchAsync("q=%20%20&name=&tag=%20")).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await carol.SearchAsync("retention=forever")).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        (await carol.SearchAsync($"{Q("foo")}&retention=RUNNING")).AssertStatus(HttpStatusCode.BadRequest, "document.invalid");
        Assert.Equal(HttpStatusCode.BadRequest, (await carol.SearchAsync("from=yesterday")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await carol.SearchAsync("folder=not-a-guid")).Status);

        // Operators, quotes and brackets of either database's query language are nothing but the words between them.
        string[] hostile =
        [
            "\"foo\" OR bar* NEAR(", "foo AND (bar OR near", "foo:* & bar | !near", "foo <-> bar & near:*", "foo' & 'bar' NEAR/",
            "{foo bar} near^ -", "foo\" \"bar near", "FOO + BAR + NEAR", "foo: bar:: near:", "foo\\ bar\\ near", "foo NOT bar", "-foo +bar ~near",
        ];
        foreach (var text in hostile)
        {
            var reply = await carol.SearchAsync(Q(text));
            Assert.True(reply.Status == HttpStatusCode.OK, $"{text}: {reply}");
            var found = reply.Json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("document").GetProperty("name").GetString()).ToList();
            Assert.True(found.SequenceEqual(["Alle vier.txt"]), $"{text}: found {string.Join(", ", found)}");
        }
        Assert.Equal(["Zitat.txt"], await carol.FoundAsync(Q("o'brien \"hallo\" & tschü")));

        // Nothing but operators is no words: nothing found, no error.
        foreach (var text in new[] { "*", "\"\"", "( ) : & | ! <->", "'", "--", "NEAR(" })
        {
            var reply = await carol.SearchAsync(Q(text));
            Assert.True(reply.Status == HttpStatusCode.OK, $"{text}: {reply}");
            if (text != "NEAR(") Assert.True(reply.Json.GetProperty("hits").GetArrayLength() == 0, $"{text}: {reply}");
        }

        // SQL is words too, and the tables stay.
        Assert.Empty(await carol.FoundAsync(Q("'); DROP TABLE documents; --")));
        Assert.Empty(await carol.FoundAsync("name=" + Uri.EscapeDataString("%' OR 1=1 --")));
        Assert.Empty(await carol.FoundAsync("tag=" + Uri.EscapeDataString("' OR ''='")));
        Assert.Equal(3, await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM documents"));

        // Very long input is cut to its first words, not refused.
        var longWords = string.Join(' ', Enumerable.Repeat("foo", 100)) + " " + new string('b', 5000);
        Assert.Equal(HttpStatusCode.OK, (await carol.SearchAsync(Q(longWords))).Status);
        Assert.Equal(HttpStatusCode.OK, (await carol.SearchAsync("limit=-5&name=txt")).Status);
        Assert.Equal(3, (await carol.FoundAsync("limit=100000&name=txt")).Count);
    }

    /// <summary>How many entries of the database's own full-text index hold a word starting with <paramref name="word"/> (lower-case ASCII).</summary>
    internal static async Task<long> IndexedRowsMatchingAsync(DocumentTestSetup d, string word) =>
        d.Server.Db.Kind == TestDatabase.Sqlite
            ? await d.Server.Db.ScalarAsync($"SELECT COUNT(*) FROM document_fts WHERE document_fts MATCH '\"{word}\"*'")
            : await d.Server.Db.ScalarAsync($"SELECT COUNT(*) FROM document_search_rows WHERE words @@ to_tsquery('simple', '{word}:*')");

    /// <summary>How many documents the full-text index holds (SQLite: FTS rows; PostgreSQL: rows with words).</summary>
    internal static async Task<long> FullTextRowsAsync(DocumentTestSetup d) =>
        d.Server.Db.Kind == TestDatabase.Sqlite
            ? await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM document_fts")
            : await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM document_search_rows WHERE words <> ''::tsvector");
}
