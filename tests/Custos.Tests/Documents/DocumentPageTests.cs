using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Documents;

/// <summary>
/// The document pages through a logged-in browser session: the folder list with lock holders, the versions with their
/// checksums, the lock actions as page forms (refused without the right), the upload as documents.js sends it, German
/// text, and tenant isolation.
/// </summary>
public sealed partial class DocumentPageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FolderPage_ListsDocumentWithLockHolder_DocumentPage_ShowsEveryVersionsChecksum(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        using var dave = await d.ConnectAsync("dave");
        var folder = await carol.FolderAsync("Verträge");
        var sub = await carol.FolderAsync("2026", folder);
        var first = DocumentTestSetup.RandomContent(70_000);
        var doc = await dave.UploadOkAsync(folder, "Wartungsvertrag.dat", first);
        (await dave.PostAsync($"/{doc}/checkout")).AssertOk();

        var (erin, _) = await d.Server.BrowserSessionAsync("erin");
        var index = await PageAsync(erin, "/documents");
        Assert.Contains($"href=\"/documents/{d.Tenant}\"", index);
        Assert.Contains(">Acme<", index);
        Assert.Contains("href=\"/documents\"", index); // the navigation link

        var tenantPage = await PageAsync(erin, $"/documents/{d.Tenant}");
        Assert.Contains($"?folder={folder}\"", tenantPage);
        Assert.Contains($"?folder={sub}\"", tenantPage);
        Assert.Contains("Choose a folder", tenantPage);

        var list = await PageAsync(erin, $"/documents/{d.Tenant}?folder={folder}");
        Assert.Contains($"href=\"/documents/{d.Tenant}/doc/{doc}\"", list);
        Assert.Contains(">Wartungsvertrag.dat<", list);
        Assert.Matches(@"checked out by dave since \d{4}-\d\d-\d\d \d\d:\d\d UTC", list);
        Assert.Contains(">68 KiB<", list);
        // erin (Read) gets no upload zone and no form for a new folder.
        Assert.DoesNotContain("id=\"document-upload\"", list);
        Assert.DoesNotContain("id=\"document-new-folder\"", list);

        var (daveBrowser, _) = await d.Server.BrowserSessionAsync("dave");
        var davesList = await PageAsync(daveBrowser, $"/documents/{d.Tenant}?folder={folder}");
        Assert.Contains("checked out by you since", davesList);
        Assert.Contains("id=\"document-upload\"", davesList);
        Assert.Contains($"data-folder=\"{folder}\"", davesList);
        Assert.Contains("<script src=\"/js/documents.js\"", davesList);

        var second = DocumentTestSetup.RandomContent(4_321);
        (await dave.CheckInAsync(doc, second, "prices 2027")).AssertOk();

        var page = await PageAsync(erin, $"/documents/{d.Tenant}/doc/{doc}");
        Assert.Contains(">Wartungsvertrag.dat<", page);
        Assert.Contains($"<code class=\"sha256\">{DocumentTestSetup.Sha256Hex(first)}</code>", page);
        Assert.Contains($"<code class=\"sha256\">{DocumentTestSetup.Sha256Hex(second)}</code>", page);
        Assert.Contains("prices 2027", page);
        Assert.Contains("not checked out", page);
        Assert.Contains("application/pdf", page);
        Assert.Contains($"/documents/{doc}/content?version=1\"", page);
        Assert.Contains($"/documents/{doc}/content?version=2\"", page);
        Assert.DoesNotContain("id=\"document-checkout\"", page);

        // The browser session follows the download link itself (a GET with the cookie).
        using var download = await erin.GetAsync($"/api/v1/tenants/{d.Tenant}/documents/{doc}/content?version=1");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(first, await download.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CheckOutCancelAndBreak_ThroughThePageForms_RefusedForReadOnly(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carolApi = await d.ConnectAsync("carol");
        var folder = await carolApi.FolderAsync("Rechnungen");
        var doc = await carolApi.UploadOkAsync(folder, "R-2026-001.dat", DocumentTestSetup.RandomContent(1000));
        var pageUrl = $"/documents/{d.Tenant}/doc/{doc}";
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");
        var (erin, _) = await d.Server.BrowserSessionAsync("erin");
        var (carol, _) = await d.Server.BrowserSessionAsync("carol");

        // erin (Read) sees no check-out button, and the form sent anyway is refused on the page.
        Assert.DoesNotContain("id=\"document-checkout\"", await PageAsync(erin, pageUrl));
        var refused = await PostPageAsync(erin, pageUrl, "CheckOut");
        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.Contains("You do not have the right for this on these documents.", refused.Html);
        Assert.Null(await HolderAsync(d, doc));

        var davesPage = await PageAsync(dave, pageUrl);
        Assert.Contains("id=\"document-checkout\"", davesPage);
        var taken = await PostPageAsync(dave, pageUrl, "CheckOut");
        Assert.Equal(HttpStatusCode.Redirect, taken.Status);
        Assert.Equal(pageUrl, taken.Location);
        Assert.Equal("dave", await HolderAsync(d, doc));
        davesPage = await PageAsync(dave, pageUrl);
        Assert.Contains("You have checked the document out.", davesPage);
        Assert.Contains("checked out by you since", davesPage);
        Assert.Contains("id=\"document-cancel\"", davesPage);
        Assert.Contains($"data-api=\"/api/v1/tenants/{d.Tenant}/documents/{doc}/versions\"", davesPage);
        // The notice is shown once.
        Assert.DoesNotContain("You have checked the document out.", await PageAsync(dave, pageUrl));

        // Nobody else can take it or give it back: erin lacks the right, carol does not hold it.
        Assert.Contains("checked out by dave since", await PageAsync(erin, pageUrl));
        Assert.Contains("You do not have the right for this on these documents.", (await PostPageAsync(erin, pageUrl, "Cancel")).Html);
        Assert.Contains("The document is checked out by someone else.", (await PostPageAsync(carol, pageUrl, "CheckOut")).Html);
        Assert.Contains("The document is not checked out by you (any more).", (await PostPageAsync(carol, pageUrl, "Cancel")).Html);
        Assert.Contains("You have checked this document out already.", (await PostPageAsync(dave, pageUrl, "CheckOut")).Html);
        Assert.Contains("You do not have the right for this on these documents.", (await PostPageAsync(erin, pageUrl, "Break",
            new() { ["reason"] = "mine now" })).Html);
        Assert.Equal("dave", await HolderAsync(d, doc));

        var cancelled = await PostPageAsync(dave, pageUrl, "Cancel");
        Assert.Equal(HttpStatusCode.Redirect, cancelled.Status);
        Assert.Null(await HolderAsync(d, doc));
        Assert.Contains("The check-out has been cancelled.", await PageAsync(dave, pageUrl));

        // carol (Manage) breaks dave's next check-out with a reason; dave is told.
        Assert.Equal(HttpStatusCode.Redirect, (await PostPageAsync(dave, pageUrl, "CheckOut")).Status);
        var carolsPage = await PageAsync(carol, pageUrl);
        Assert.Contains("id=\"document-break\"", carolsPage);
        Assert.DoesNotContain("id=\"document-break\"", await PageAsync(erin, pageUrl));
        Assert.Equal(HttpStatusCode.Redirect, (await PostPageAsync(carol, pageUrl, "Break", new() { ["reason"] = "Urlaub" })).Status);
        Assert.Null(await HolderAsync(d, doc));
        await using (var db = d.Server.Data())
            Assert.Contains(await db.VaultNotifications.Select(n => n.Text).ToListAsync(), t => t.Contains("R-2026-001.dat") && t.Contains("Urlaub"));

        foreach (var (action, outcome, count) in new[] { ("document.checkout", 1, 2), ("document.checkout_cancel", 1, 1), ("document.lock_break", 1, 1) })
            Assert.Equal(count, await d.Server.Db.ScalarAsync($"SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND outcome = {outcome}"));
        Assert.True(await d.Server.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.checkout' AND outcome = 3") >= 2);
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task UploadAndCheckIn_AsDocumentsJsSendsThem_AndNewFolderForm(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");
        var (erin, _) = await d.Server.BrowserSessionAsync("erin");

        // The new-folder form; erin (Read) has none, and the one she sends anyway is refused.
        var root = await PageAsync(dave, $"/documents/{d.Tenant}");
        Assert.Contains("id=\"document-new-folder\"", root);
        Assert.DoesNotContain("id=\"document-new-folder\"", await PageAsync(erin, $"/documents/{d.Tenant}"));
        var refused = await PostPageAsync(erin, $"/documents/{d.Tenant}", "Folder", new() { ["name"] = "Forged", ["place"] = "root" });
        Assert.Contains("You do not have the right for this on these documents.", refused.Html);
        var created = await PostPageAsync(dave, $"/documents/{d.Tenant}", "Folder", new() { ["name"] = "Eingang", ["place"] = "root" });
        Assert.Equal(HttpStatusCode.Redirect, created.Status);
        Guid folder;
        await using (var db = d.Server.Data())
            folder = (await db.DocumentFolders.SingleAsync(f => f.Name == "Eingang")).Id;
        Assert.Equal($"/documents/{d.Tenant}?folder={folder}", created.Location);
        var inside = await PostPageAsync(dave, $"/documents/{d.Tenant}?folder={folder}", "Folder",
            new() { ["name"] = "Scans", ["place"] = $"folder:{folder}", ["folder"] = folder.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, inside.Status);
        await using (var db = d.Server.Data())
            Assert.Equal(folder, (await db.DocumentFolders.SingleAsync(f => f.Name == "Scans")).ParentId);
        Assert.Contains("A folder or document of that name is here already.",
            (await PostPageAsync(dave, $"/documents/{d.Tenant}", "Folder", new() { ["name"] = "Eingang", ["place"] = "root" })).Html);

        // The upload as documents.js sends it: the raw file, its name percent-encoded, the page's anti-forgery token.
        var page = await PageAsync(dave, $"/documents/{d.Tenant}?folder={folder}");
        var token = Token(page);
        var content = DocumentTestSetup.RandomContent(200_000);
        var api = $"/api/v1/tenants/{d.Tenant}/documents";
        (await SendAsync(dave, $"{api}?folder={folder}", content, "Brief an Müller & Söhne.dat", null)).AssertStatus(HttpStatusCode.BadRequest);
        var stored = (await SendAsync(dave, $"{api}?folder={folder}", content, "Brief an Müller & Söhne.dat", token)).AssertOk().Json;
        var doc = stored.GetProperty("id").GetGuid();
        Assert.Equal("Brief an Müller & Söhne.dat", stored.GetProperty("name").GetString());
        (await SendAsync(erin, $"{api}?folder={folder}", content, "x.dat", Token(await PageAsync(erin, $"/documents/{d.Tenant}?folder={folder}"))))
            .AssertStatus(HttpStatusCode.Forbidden, "document.forbidden");
        Assert.Contains(">Brief an Müller & Söhne.dat<", await PageAsync(dave, $"/documents/{d.Tenant}?folder={folder}"));

        // Check-in from the document page: without the lock refused (the problem's title is what the page shows), with it stored.
        var pageUrl = $"/documents/{d.Tenant}/doc/{doc}";
        var second = DocumentTestSetup.RandomContent(5_000);
        var versions = $"{api}/{doc}/versions?comment={Uri.EscapeDataString("Anlage ergänzt")}";
        var early = (await SendAsync(dave, versions, second, null, token)).AssertStatus(HttpStatusCode.Conflict, "document.not_checked_out");
        Assert.Equal("Check the document out first; only the holder of the lock can add a version.", early.Json.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Redirect, (await PostPageAsync(dave, pageUrl, "CheckOut")).Status);
        var docPage = await PageAsync(dave, pageUrl);
        Assert.Contains("id=\"document-checkin\"", docPage);
        (await SendAsync(dave, versions, second, null, Token(docPage))).AssertOk();
        var after = await PageAsync(dave, pageUrl);
        Assert.Contains(DocumentTestSetup.Sha256Hex(second), after);
        Assert.Contains("Anlage ergänzt", after);
        Assert.Contains("not checked out", after);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Pages_SpeakGerman_WithAcceptLanguageOrTheCultureCookie(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carol = await d.ConnectAsync("carol");
        var folder = await carol.FolderAsync("Verträge");
        var doc = await carol.UploadOkAsync(folder, "Vertrag.dat", DocumentTestSetup.RandomContent(10));
        (await carol.PostAsync($"/{doc}/checkout")).AssertOk();
        var (erin, _) = await d.Server.BrowserSessionAsync("erin");
        erin.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("de-DE"));
        erin.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("de", 0.9));

        var index = await PageAsync(erin, "/documents");
        Assert.Contains("<h1>Dokumente</h1>", index);
        Assert.Contains("<a href=\"/documents\">Dokumente</a>", index);
        var list = await PageAsync(erin, $"/documents/{d.Tenant}?folder={folder}");
        Assert.Contains("Dokumente von Acme", list);
        Assert.Matches(@"ausgecheckt von carol seit \d{4}-\d\d-\d\d \d\d:\d\d UTC", list);
        Assert.Contains("Ihre Rechte: lesen", list);
        var page = await PageAsync(erin, $"/documents/{d.Tenant}/doc/{doc}");
        Assert.Contains("Versionen", page);
        Assert.Contains("Herunterladen", page);
        Assert.Contains("Dafür fehlt Ihnen das Recht an diesen Dokumenten.", (await PostPageAsync(erin, $"/documents/{d.Tenant}/doc/{doc}", "CheckOut")).Html);

        // The language switch's cookie wins over the browser's language.
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");
        using var switched = await TestServer.PostFormAsync(dave, "/documents", new Dictionary<string, string> { ["culture"] = "de", ["returnUrl"] = "/documents" },
            "/culture");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        dave.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        var davesPage = await PageAsync(dave, $"/documents/{d.Tenant}/doc/{doc}");
        Assert.Contains("ausgecheckt von carol seit", davesPage);
        Assert.Contains("Jemand anderes hat dieses Dokument ausgecheckt", davesPage);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Pages_OfAnotherTenant_Answer404(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carolApi = await d.ConnectAsync("carol");
        var folder = await carolApi.FolderAsync("Personal");
        var doc = await carolApi.UploadOkAsync(folder, "Zeugnis.dat", DocumentTestSetup.RandomContent(100));
        await d.Server.AddUsersAsync("gina");
        await d.Server.AddGroupAsync("globex-staff", "gina");
        await d.Server.RunAsync("tenant", "add", "Globex");
        await d.Server.RunAsync("tenant", "grant", "Globex", "globex-staff", "--documents", "manage");
        var globex = await d.Server.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Globex'");
        using var ginaApi = await d.ConnectAsync("gina", globex);
        var globexFolder = await ginaApi.FolderAsync("Intern");
        var globexDoc = await ginaApi.UploadOkAsync(globexFolder, "Geheim.dat", DocumentTestSetup.RandomContent(100));

        // dave reaches Acme only: Globex's pages, and Globex's ids under Acme's address, are "not found".
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");
        var davesIndex = await PageAsync(dave, "/documents");
        Assert.Contains($"/documents/{d.Tenant}\"", davesIndex);
        Assert.DoesNotContain(globex.ToString(), davesIndex);
        foreach (var url in new[]
                 {
                     $"/documents/{globex}", $"/documents/{globex}?folder={globexFolder}", $"/documents/{globex}/doc/{globexDoc}",
                     $"/documents/{d.Tenant}?folder={globexFolder}", $"/documents/{d.Tenant}/doc/{globexDoc}", $"/documents/{globex}/doc/{doc}",
                 })
        {
            using var response = await dave.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)response.StatusCode}");
            Assert.DoesNotContain("Geheim", await response.Content.ReadAsStringAsync());
        }
        var forged = await PostPageAsync(dave, $"/documents/{d.Tenant}/doc/{doc}", "CheckOut", postPath: $"/documents/{globex}/doc/{globexDoc}?handler=CheckOut");
        Assert.Equal(HttpStatusCode.NotFound, forged.Status);
        forged = await PostPageAsync(dave, $"/documents/{d.Tenant}/doc/{doc}", "CheckOut", postPath: $"/documents/{d.Tenant}/doc/{globexDoc}?handler=CheckOut");
        Assert.Equal(HttpStatusCode.NotFound, forged.Status);
        await using (var db = d.Server.Data())
            Assert.Null((await db.Documents.SingleAsync(x => x.Id == globexDoc)).LockedBy);

        // frank is in no group: no tenant at all, and Acme's pages are "not found" too.
        var (frank, _) = await d.Server.BrowserSessionAsync("frank");
        Assert.Contains("No tenant is open to you yet.", await PageAsync(frank, "/documents"));
        foreach (var url in new[] { $"/documents/{d.Tenant}", $"/documents/{d.Tenant}?folder={folder}", $"/documents/{d.Tenant}/doc/{doc}" })
        {
            using var response = await frank.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)response.StatusCode}");
        }
    }

    private sealed record Posted(HttpStatusCode Status, string Html, string? Location);

    /// <summary>A page's HTML with entities decoded (Razor encodes non-ASCII letters).</summary>
    private static async Task<string> PageAsync(HttpClient browser, string url)
    {
        using var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {html}");
        return WebUtility.HtmlDecode(html);
    }

    /// <summary>Sends a page's form to one of its handlers, with the page's anti-forgery token.</summary>
    private static async Task<Posted> PostPageAsync(HttpClient browser, string page, string handler, Dictionary<string, string>? fields = null,
        string? postPath = null)
    {
        var separator = page.Contains('?') ? '&' : '?';
        using var response = await TestServer.PostFormAsync(browser, page, fields ?? [], postPath ?? $"{page}{separator}handler={handler}");
        return new Posted(response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), response.Headers.Location?.OriginalString);
    }

    /// <summary>What documents.js sends: the file as the raw body, its name in X-Custos-File-Name, the token in RequestVerificationToken.</summary>
    private static async Task<Reply> SendAsync(HttpClient browser, string url, byte[] content, string? name, string? token)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body };
        if (name is not null) request.Headers.Add("X-Custos-File-Name", Uri.EscapeDataString(name));
        if (token is not null) request.Headers.Add("RequestVerificationToken", token);
        return await Reply.Of(await browser.SendAsync(request));
    }

    private static async Task<string?> HolderAsync(DocumentTestSetup d, Guid doc)
    {
        await using var db = d.Server.Data();
        return (await db.Documents.AsNoTracking().SingleAsync(x => x.Id == doc)).LockedByName;
    }

    /// <summary>The anti-forgery token of a (decoded) page.</summary>
    private static string Token(string html)
    {
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, "the page carries no anti-forgery token");
        return match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
