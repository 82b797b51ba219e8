using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Custos.Core.Sharing;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Sharing;

/// <summary>
/// The sender's share pages through logged-in browser sessions, and the recipient's side through an anonymous browser:
/// a link made with the form shows its URL and password once (in the POST's response only), the lists show it, the
/// recipient gets in with that password and the download lands in the log; revoking on the link's page ends it; the
/// tenant-wide list is for the tenant's managers only, and nobody else opens someone's link; an upload request from
/// the folder page takes a file into the sluice.
/// </summary>
public sealed partial class SharePageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ShareForm_ShowsUrlAndPasswordOnce_ListShowsLink_RecipientDownloads_LogAndHandoverOnLinkPage(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carolApi = await d.ConnectAsync("carol");
        var folder = await carolApi.FolderAsync("Verträge");
        var content = DocumentTestSetup.RandomContent(150_000);
        var doc = await carolApi.UploadOkAsync(folder, "Wartungsvertrag.dat", content);
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");

        // The document page leads to the form; the form proposes the policy's default expiry and shows its maximum.
        var docPage = await HtmlAsync(dave, $"/documents/{d.Tenant}/doc/{doc}");
        var formUrl = $"/shares/{d.Tenant}/new?document={doc}";
        Assert.Contains($"href=\"{formUrl}\" id=\"document-share\"", docPage);
        Assert.Contains("<a href=\"/shares\">Shares</a>", docPage); // the navigation entry
        var today = DateOnly.FromDateTime(d.Server.Now.UtcDateTime);
        var form = await HtmlAsync(dave, formUrl);
        Assert.Contains("id=\"share-form\"", form);
        Assert.Contains(">Wartungsvertrag.dat <small>", form);
        Assert.Contains($"value=\"{today.AddDays(7):yyyy-MM-dd}\"", form);
        Assert.Contains($"max=\"{today.AddDays(30):yyyy-MM-dd}\"", form);
        Assert.Contains("id=\"share-password-required\"", form);
        Assert.DoesNotContain("id=\"share-password-none\"", form); // the default policy requires a password

        var created = await PostAsync(dave, formUrl, new()
        {
            ["document"] = doc.ToString(), ["expires"] = $"{today.AddDays(5):yyyy-MM-dd}", ["password"] = "generate", ["downloadLimit"] = "3",
            ["recipient"] = "Max Muster, Firma X", ["message"] = "Der Vertrag wie besprochen.",
        });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Contains("no-store", created.CacheControl);
        var url = ShownUrl().Match(created.Html).Groups[1].Value;
        var password = ShownPassword().Match(created.Html).Groups[1].Value;
        Assert.Matches($"^{Regex.Escape(d.Server.Server.HttpsUrl.ToString().TrimEnd('/'))}/s/[A-Za-z0-9_-]{{43}}$", url);
        Assert.Matches(@"^\p{Lu}[\p{L}\d]+(-\p{Lu}[\p{L}\d]+){3}$", password); // four words and a digit, easy to read out
        Assert.Contains("id=\"share-once\"", created.Html);
        Assert.Contains("id=\"share-separately\"", created.Html);
        Assert.Contains("id=\"share-handover-form\"", created.Html);
        var token = url[(url.LastIndexOf('/') + 1)..];
        ShareLink link;
        await using (var db = d.Server.Data())
            link = await db.ShareLinks.AsNoTracking().SingleAsync();
        Assert.Equal(3, link.DownloadLimit);
        Assert.Equal("Max Muster, Firma X", link.Recipient);
        Assert.Equal(today.AddDays(5), DateOnly.FromDateTime(link.ExpiresAt.UtcDateTime));
        Assert.Equal(ShareTokens.Hash(token), link.TokenHash);

        // Shown once: nothing served afterwards, nor the audit log, carries the token or the password again.
        foreach (var page in new[] { formUrl, "/shares", $"/shares/{d.Tenant}", $"/shares/{d.Tenant}/{link.Id}", $"/documents/{d.Tenant}/doc/{doc}" })
        {
            var html = await HtmlAsync(dave, page);
            Assert.DoesNotContain(token, html);
            Assert.DoesNotContain(password, html);
        }
        await using (var db = d.Server.Data())
        {
            var audit = string.Join("\n", (await db.AuditEvents.Select(a => new { a.Target, a.Details }).ToListAsync()).Select(a => $"{a.Target} {a.Details}"));
            Assert.DoesNotContain(token, audit);
            Assert.DoesNotContain(password, audit);
        }

        // Both lists show the link with its recipient, state and downloads.
        foreach (var list in new[] { "/shares", $"/shares/{d.Tenant}" })
        {
            var html = await HtmlAsync(dave, list);
            var row = Row(html, link.Id);
            Assert.Contains("Max Muster, Firma X", row);
            Assert.Contains("data-state=\"Active\"", row);
            Assert.Contains("Wartungsvertrag.dat", row);
            Assert.Contains("0 of 3 downloads", row);
            Assert.Contains($"href=\"/shares/{d.Tenant}/{link.Id}\"", row);
        }

        // The recipient, in a browser of their own: the password first, then the file, byte for byte.
        using var recipient = d.Server.Server.NewBrowser(out _);
        recipient.DefaultRequestHeaders.UserAgent.ParseAdd("RecipientBrowser/7.1");
        var path = new Uri(url).AbsolutePath;
        Assert.Contains("id=\"share-password-form\"", await HtmlAsync(recipient, path));
        using (var wrong = await TestServer.PostFormAsync(recipient, path, new Dictionary<string, string> { ["password"] = "Falsch-Falsch-1" }, $"{path}?handler=password"))
            Assert.Contains("id=\"share-password-error\"", await wrong.Content.ReadAsStringAsync());
        using (var right = await TestServer.PostFormAsync(recipient, path, new Dictionary<string, string> { ["password"] = password }, $"{path}?handler=password"))
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var files = await HtmlAsync(recipient, path);
        var file = FileLink().Match(files).Groups[1].Value;
        Assert.StartsWith($"{path}/files/", file);
        using (var download = await recipient.GetAsync(file))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        }

        // The sender's link page: the files, the log line of the download (with the recipient's browser), one of three used.
        // (The server closes the line after the last byte has gone out, so a moment after the client has it all.)
        await FinishedAsync(d, link.Id);
        var detail = await HtmlAsync(dave, $"/shares/{d.Tenant}/{link.Id}");
        Assert.Contains(DocumentTestSetup.Sha256Hex(content), detail);
        Assert.Contains("1 of 3 downloads", detail);
        Assert.Contains("wrong attempts: 1", detail);
        var log = Between(detail, "<table id=\"share-log\">", "</table>");
        var downloadRow = Assert.Single(LogRows().Matches(log).Select(m => m.Value), r => r.Contains("data-kind=\"download\""));
        Assert.Contains("data-completed=\"true\"", downloadRow);
        Assert.Contains("Wartungsvertrag.dat", downloadRow);
        Assert.Contains("RecipientBrowser/7.1", downloadRow);
        Assert.Contains(">150,000<", downloadRow);
        Assert.Contains("wrong password", log);
        Assert.Contains("right password", log);
        Assert.Contains("not recorded yet", detail);

        // The handover form of the result posts to the link's page; the record shows there with who and when.
        var handover = await PostAsync(dave, $"/shares/{d.Tenant}/{link.Id}", new() { ["note"] = "telefonisch an Herrn Muster" }, "Handover");
        Assert.Equal(HttpStatusCode.Redirect, handover.Status);
        Assert.Equal($"/shares/{d.Tenant}/{link.Id}", handover.Location);
        var recorded = await HtmlAsync(dave, $"/shares/{d.Tenant}/{link.Id}");
        Assert.Contains("The handover is recorded.", recorded);
        Assert.Matches(@"id=""share-handover"">\s*telefonisch an Herrn Muster <small>\(dave, \d{4}-\d\d-\d\d \d\d:\d\d UTC\)</small>", recorded);
        await d.Server.RunAsync("audit", "verify");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task LinkPage_RevokeNeedsConfirmation_ThenThePublicUrlIs404_ExpiryMovesOnlyUpToTheCeiling(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carolApi = await d.ConnectAsync("carol");
        var folder = await carolApi.FolderAsync("Angebote");
        await carolApi.UploadOkAsync(folder, "A-1.dat", DocumentTestSetup.RandomContent(1000));
        await carolApi.UploadOkAsync(folder, "A-2.dat", DocumentTestSetup.RandomContent(2000));
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");

        // A folder is shared from its page, as it is now.
        var folderPage = await HtmlAsync(dave, $"/documents/{d.Tenant}?folder={folder}");
        var formUrl = $"/shares/{d.Tenant}/new?folder={folder}";
        Assert.Contains($"href=\"{formUrl}\" id=\"folder-share\"", folderPage);
        Assert.Contains("The folder \"Angebote\" with its subfolders", await HtmlAsync(dave, formUrl));
        var created = await PostAsync(dave, formUrl, new() { ["folder"] = folder.ToString(), ["password"] = "own", ["ownPassword"] = "Unser-Geheimnis-2026" });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Contains("id=\"share-own\"", created.Html);
        Assert.DoesNotContain("id=\"share-password\"", created.Html);
        Assert.DoesNotContain("Unser-Geheimnis-2026", created.Html);
        var path = new Uri(ShownUrl().Match(created.Html).Groups[1].Value).AbsolutePath;
        Guid id;
        await using (var db = d.Server.Data())
            id = (await db.ShareLinks.SingleAsync()).Id;
        var linkPage = $"/shares/{d.Tenant}/{id}";
        var detail = await HtmlAsync(dave, linkPage);
        Assert.Contains(">A-1.dat</a>", detail);
        Assert.Contains(">A-2.dat</a>", detail);
        var row = Row(await HtmlAsync(dave, "/shares"), id);
        Assert.True(row.Contains("A-1.dat<small> (+1 more)</small>", StringComparison.Ordinal), row);

        // The expiry moves earlier at will, not past the ceiling (creation + 30 days).
        var today = DateOnly.FromDateTime(d.Server.Now.UtcDateTime);
        var late = await PostAsync(dave, linkPage, new() { ["expires"] = $"{today.AddDays(31):yyyy-MM-dd}" }, "Expiry");
        Assert.Equal(HttpStatusCode.OK, late.Status);
        Assert.Contains("A link may be valid at most until", late.Html);
        var earlier = await PostAsync(dave, linkPage, new() { ["expires"] = $"{today.AddDays(2):yyyy-MM-dd}" }, "Expiry");
        Assert.Equal(HttpStatusCode.Redirect, earlier.Status);
        await using (var db = d.Server.Data())
            Assert.Equal(today.AddDays(2), DateOnly.FromDateTime((await db.ShareLinks.SingleAsync()).ExpiresAt.UtcDateTime));

        using var recipient = d.Server.Server.NewBrowser(out _);
        Assert.Contains("id=\"share-password-form\"", await HtmlAsync(recipient, path));

        // Revoking wants the box ticked; then the link ends for good.
        var unconfirmed = await PostAsync(dave, linkPage, [], "Revoke");
        Assert.Equal(HttpStatusCode.OK, unconfirmed.Status);
        Assert.Contains("Tick the box to confirm", unconfirmed.Html);
        Assert.Contains("id=\"share-password-form\"", await HtmlAsync(recipient, path));
        var revoked = await PostAsync(dave, linkPage, new() { ["confirm"] = "true" }, "Revoke");
        Assert.Equal(HttpStatusCode.Redirect, revoked.Status);
        using (var gone = await recipient.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Contains("id=\"share-unavailable\"", await gone.Content.ReadAsStringAsync());
        }
        detail = await HtmlAsync(dave, linkPage);
        Assert.Contains("The link is revoked.", detail);
        Assert.Contains("data-state=\"Revoked\"", detail);
        Assert.Matches(@"id=""share-revoked"">dave, \d{4}-", detail);
        Assert.DoesNotContain("id=\"share-revoke-form\"", detail);
        Assert.DoesNotContain("id=\"share-expiry-form\"", detail);
        Assert.Contains("data-state=\"Revoked\"", Row(await HtmlAsync(dave, $"/shares/{d.Tenant}"), id));
        // A revoked link's expiry does not move any more.
        Assert.Contains("The link has ended", (await PostAsync(dave, linkPage, new() { ["expires"] = $"{today.AddDays(1):yyyy-MM-dd}" }, "Expiry")).Html);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task TenantWideList_OnlyForManagers_NobodyElseOpensOrRevokesSomeonesLink(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carolApi = await d.ConnectAsync("carol");
        var folder = await carolApi.FolderAsync("Projekt");
        var doc = await carolApi.UploadOkAsync(folder, "Plan.dat", DocumentTestSetup.RandomContent(500));
        var (carol, _) = await d.Server.BrowserSessionAsync("carol");
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");
        var (erin, _) = await d.Server.BrowserSessionAsync("erin");
        var (frank, _) = await d.Server.BrowserSessionAsync("frank");
        var davesLink = await ShareAsync(d, dave, doc, "Dave's recipient");
        var erinsLink = await ShareAsync(d, erin, doc, "Erin's recipient");
        var tenantList = $"/shares/{d.Tenant}";

        // dave (Write, no manager): his own links only, no switch, and the tenant-wide list is "not found".
        var davesList = await HtmlAsync(dave, tenantList);
        Assert.Contains("Dave's recipient", davesList);
        Assert.DoesNotContain("Erin's recipient", davesList);
        Assert.DoesNotContain("id=\"share-switch\"", davesList);
        Assert.DoesNotContain("class=\"share-all\"", await HtmlAsync(dave, "/shares"));
        using (var all = await dave.GetAsync($"{tenantList}?all=true"))
        {
            Assert.Equal(HttpStatusCode.NotFound, all.StatusCode);
            Assert.DoesNotContain("Erin's recipient", await all.Content.ReadAsStringAsync());
        }

        // carol (Manage on the whole tenant) switches to all of them, with who made each; she opens dave's link.
        var carolsList = await HtmlAsync(carol, tenantList);
        Assert.Contains("id=\"share-switch\"", carolsList);
        Assert.Contains("id=\"shares-empty\"", carolsList);
        Assert.Contains($"href=\"/shares/{d.Tenant}?all=true\" class=\"share-all\"", await HtmlAsync(carol, "/shares"));
        var everything = await HtmlAsync(carol, $"{tenantList}?all=true");
        Assert.Contains("<td>dave</td>", Row(everything, davesLink));
        Assert.Contains("<td>erin</td>", Row(everything, erinsLink));
        Assert.Contains("Dave's recipient", await HtmlAsync(carol, $"{tenantList}/{davesLink}"));

        // erin cannot open, revoke or annotate dave's link: "not found", and nothing changes.
        foreach (var (method, handler, fields) in new[] { ("GET", "", new Dictionary<string, string>()), ("POST", "Revoke", new() { ["confirm"] = "true" }),
                     ("POST", "Handover", new() { ["note"] = "erin war hier" }) })
        {
            var url = $"{tenantList}/{davesLink}";
            HttpStatusCode status;
            if (method == "GET")
            {
                using var response = await erin.GetAsync(url);
                status = response.StatusCode;
            }
            else
            {
                using var response = await TestServer.PostFormAsync(erin, $"{tenantList}/{erinsLink}", fields, $"{url}?handler={handler}");
                status = response.StatusCode;
            }
            Assert.True(status == HttpStatusCode.NotFound, $"{method} {handler} by erin answered {(int)status}");
        }
        await using (var db = d.Server.Data())
        {
            var link = await db.ShareLinks.AsNoTracking().SingleAsync(l => l.Id == davesLink);
            Assert.Null(link.RevokedAt);
            Assert.Null(link.Handover);
        }

        // frank reaches no tenant: the overview is empty, the tenant's share pages are "not found".
        Assert.Contains("id=\"shares-empty\"", await HtmlAsync(frank, "/shares"));
        foreach (var url in new[] { tenantList, $"{tenantList}/{davesLink}", $"{tenantList}/new?document={doc}", $"{tenantList}/request?folder={folder}" })
        {
            using var response = await frank.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)response.StatusCode} to frank");
        }

        // In German.
        erin.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("de"));
        var german = await HtmlAsync(erin, tenantList);
        Assert.Contains("<a href=\"/shares\">Freigaben</a>", german);
        Assert.Contains("Gültig bis", german);
        Assert.Contains("0× heruntergeladen, kein Limit", german);
        Assert.Contains("Passwort erzeugen (empfohlen)", await HtmlAsync(erin, $"{tenantList}/new?document={doc}"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RequestFilesForm_FromFolderPage_FileArrivesThroughTheSluice(string kind)
    {
        await using var d = await DocumentTestSetup.StartAsync(kind);
        using var carolApi = await d.ConnectAsync("carol");
        var folder = await carolApi.FolderAsync("Eingang");
        var (dave, _) = await d.Server.BrowserSessionAsync("dave");
        var (erin, _) = await d.Server.BrowserSessionAsync("erin");

        // Only who may write into the folder is offered the request (and erin's forged one is refused).
        var formUrl = $"/shares/{d.Tenant}/request?folder={folder}";
        Assert.Contains($"href=\"{formUrl}\" id=\"folder-request\"", await HtmlAsync(dave, $"/documents/{d.Tenant}?folder={folder}"));
        Assert.DoesNotContain("id=\"folder-request\"", await HtmlAsync(erin, $"/documents/{d.Tenant}?folder={folder}"));
        Assert.Contains("id=\"request-no-right\"", await HtmlAsync(erin, formUrl));
        var forged = await PostAsync(erin, formUrl, new() { ["folder"] = folder.ToString(), ["password"] = "generate" });
        Assert.Contains("You do not have the right for this on these documents.", forged.Html);
        Assert.DoesNotContain("id=\"share-url\"", forged.Html);

        var form = await HtmlAsync(dave, formUrl);
        Assert.Contains("value=\"20\"", form);
        Assert.Contains("value=\"2048\"", form);
        var created = await PostAsync(dave, formUrl, new()
        {
            ["folder"] = folder.ToString(), ["password"] = "generate", ["maxFiles"] = "2", ["maxSize"] = "1", ["recipient"] = "Steuerbüro Beispiel",
        });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Contains("no-store", created.CacheControl);
        var path = new Uri(ShownUrl().Match(created.Html).Groups[1].Value).AbsolutePath;
        Assert.StartsWith("/u/", path);
        var password = ShownPassword().Match(created.Html).Groups[1].Value;
        Assert.NotEmpty(password);

        // Someone outside sends a text file with the password.
        using var sender = d.Server.Server.NewBrowser(out _);
        Assert.Contains("id=\"share-password-form\"", await HtmlAsync(sender, path));
        using (var right = await TestServer.PostFormAsync(sender, path, new Dictionary<string, string> { ["password"] = password }, $"{path}?handler=password"))
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Contains("id=\"upload-form\"", await HtmlAsync(sender, path));
        using var body = new MultipartFormDataContent { { new ByteArrayContent("Belege 2026\n"u8.ToArray()), "files", "Belege.txt" } };
        using (var sent = await sender.PostAsync($"{path}/files", body))
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);

        // It came in through the sluice on dave's behalf: his sluice page lists it; the link's page counts and logs it.
        await using (var db = d.Server.Data())
        {
            var item = await db.QuarantineItems.AsNoTracking().SingleAsync();
            Assert.Equal("Belege.txt", item.FileName);
            Assert.Equal(folder, item.TargetId);
            Assert.Equal("dave", item.UploadedByName);
        }
        Assert.Contains(">Belege.txt</a>", await HtmlAsync(dave, $"/documents/{d.Tenant}/sluice"));
        Guid id;
        await using (var db = d.Server.Data())
            id = (await db.ShareLinks.SingleAsync()).Id;
        var detail = await HtmlAsync(dave, $"/shares/{d.Tenant}/{id}");
        Assert.Contains("Upload request: Steuerbüro Beispiel", detail);
        Assert.Contains("1 of 2 files", detail);
        Assert.Contains($"href=\"/documents/{d.Tenant}?folder={folder}\">Eingang</a>", detail);
        Assert.Contains("data-kind=\"upload\"", detail);
        Assert.Contains("Upload request", Row(await HtmlAsync(dave, "/shares"), id));
    }

    private sealed record Posted(HttpStatusCode Status, string Html, string? Location, string? CacheControl);

    /// <summary>A link made through the form (generated password) by this browser; its id.</summary>
    private static async Task<Guid> ShareAsync(DocumentTestSetup d, HttpClient browser, Guid doc, string recipient)
    {
        var created = await PostAsync(browser, $"/shares/{d.Tenant}/new?document={doc}",
            new() { ["document"] = doc.ToString(), ["password"] = "generate", ["recipient"] = recipient });
        Assert.True(created.Status == HttpStatusCode.OK && created.Html.Contains("id=\"share-url\""), created.Html);
        await using var db = d.Server.Data();
        return (await db.ShareLinks.SingleAsync(l => l.Recipient == recipient)).Id;
    }

    /// <summary>Waits until every download of the link has its log line closed (bytes and completion recorded).</summary>
    private static async Task FinishedAsync(DocumentTestSetup d, Guid link)
    {
        for (var waited = 0; waited < 200; waited++)
        {
            await using var db = d.Server.Data();
            if (!await db.ShareEvents.AnyAsync(e => e.ShareId == link && e.Kind == "download" && e.Completed == null)) return;
            await Task.Delay(50);
        }
        Assert.Fail("a download's log line was not closed within 10 s");
    }

    /// <summary>A page's HTML (entities decoded); fails on any status but 200.</summary>
    private static async Task<string> HtmlAsync(HttpClient browser, string url)
    {
        using var response = await browser.GetAsync(url);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>Posts a page's form (to a handler of it, if named) with the page's anti-forgery token.</summary>
    private static async Task<Posted> PostAsync(HttpClient browser, string page, Dictionary<string, string> fields, string? handler = null)
    {
        var target = handler is null ? page : $"{page}{(page.Contains('?') ? '&' : '?')}handler={handler}";
        using var response = await TestServer.PostFormAsync(browser, page, fields, target);
        return new Posted(response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), response.Headers.Location?.OriginalString,
            response.Headers.CacheControl?.ToString());
    }

    /// <summary>The table row of one link in a list.</summary>
    private static string Row(string html, Guid id)
    {
        var start = html.IndexOf($"<tr data-id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"the list has no row for {id}");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static string Between(string html, string from, string to)
    {
        var start = html.IndexOf(from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"the page has no {from}");
        return html[start..html.IndexOf(to, start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("id=\"share-url\">([^<]+)</code>")]
    private static partial Regex ShownUrl();

    [GeneratedRegex("id=\"share-password\">([^<]+)</code>")]
    private static partial Regex ShownPassword();

    [GeneratedRegex("<a href=\"(/s/[^\"]+/files/[^\"]+)\" download>")]
    private static partial Regex FileLink();

    [GeneratedRegex("<tr data-kind=[^>]*>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex LogRows();
}
