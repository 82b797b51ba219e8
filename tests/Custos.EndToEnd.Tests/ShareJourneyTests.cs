using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// Sharing's "done when", in a browser against the real `./custos serve` and a real clamd: a new user uploads a
/// document, shares it with a generated password (shown once) and records how it was passed on; the recipient opens
/// the link in a private window, types the password and downloads exactly the uploaded bytes; the sender sees that
/// download in the link's log. An upload request then receives a file from another private window, and the file comes
/// in through the sluice's quarantine on the sender's behalf, not straight into the folder.
/// </summary>
public sealed class ShareJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task NewUserSharesWithPassword_RecipientDownloadsInPrivateWindow_LogShowsIt_UploadRequestFileWaitsInQuarantine()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}; test.sh installs it.");
        var (server, _) = await CustosServerProcess.StartAsync();
        using var _ = server;
        var work = Directory.CreateTempSubdirectory("custos-share-e2e").FullName;
        try
        {
            var data = server.DataDirectory;
            var passwordFile = Path.Combine(work, "nina.pw");
            await File.WriteAllTextAsync(passwordFile, VaultJourneySetup.PasswordOf("nina"));
            await Programs.CustosAsync(data, "user", "add", "nina", "--password-file", passwordFile);
            await Programs.CustosAsync(data, "tenant", "add", "Acme");
            await Programs.CustosAsync(data, "group", "add", "sales");
            await Programs.CustosAsync(data, "group", "add-member", "sales", "nina");
            await Programs.CustosAsync(data, "tenant", "grant", "Acme", "sales", "--documents", "write");
            var offer = Path.Combine(work, "Angebot-2026.txt");
            var offerBytes = Encoding.UTF8.GetBytes("Angebot 2026\nWartung der Heizungsanlage, jährlich: EUR 1.480,00\n" + new string('x', 40_000) + "\n");
            await File.WriteAllBytesAsync(offer, offerBytes);
            var receipts = Path.Combine(work, "Belege.txt");
            await File.WriteAllTextAsync(receipts, "Belege März 2026\nTankquittung, Hotel, Bahn\n");
            Step("new user nina (group sales: documents write on tenant Acme) set up with ./custos");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });

            // 1. nina uploads the offer into a new folder.
            var nina = await VaultJourneySetup.LoginAsync(browser, server, "nina");
            await nina.GotoAsync(Url(server, "/documents"));
            await nina.Locator("#document-tenants a", new() { HasTextString = "Acme" }).ClickAsync();
            await nina.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/documents/", StringComparison.Ordinal));
            var tenantPath = new Uri(nina.Url).AbsolutePath.TrimEnd('/');
            await nina.Locator("#folder-name").FillAsync("Kunden");
            await nina.Locator("#document-new-folder button[type=submit]").ClickAsync();
            await nina.WaitForURLAsync(url => url.Contains("folder=", StringComparison.Ordinal));
            var folderUrl = nina.Url;
            await nina.Locator("#document-upload").WaitForAsync();
            await nina.Locator("#document-files").SetInputFilesAsync(offer);
            await nina.Locator("#document-uploads li.done").WaitForAsync(new() { Timeout = 120_000 });
            await nina.Locator("#document-list a", new() { HasTextString = "Angebot-2026.txt" }).ClickAsync();
            await nina.Locator("h1.document-name").WaitForAsync();
            Step("nina uploaded Angebot-2026.txt into Kunden (through the sluice) and opened it");

            // 2. She shares it: a generated password, shown once, in a response that no cache keeps.
            await nina.Locator("#document-share").ClickAsync();
            await nina.Locator("#share-form").WaitForAsync();
            Assert.True(await nina.Locator("#share-password-generate").IsCheckedAsync());
            await nina.Locator("#share-recipient").FillAsync("Max Muster, Muster GmbH");
            await nina.Locator("#share-message").FillAsync("Unser Angebot wie besprochen.");
            var createdResponse = nina.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.Contains("/new", StringComparison.Ordinal));
            await nina.Locator("#share-submit").ClickAsync();
            var created = await createdResponse;
            Assert.Contains("no-store", (await created.AllHeadersAsync())["cache-control"]);
            var url = (await nina.Locator("#share-url").InnerTextAsync()).Trim();
            var password = (await nina.Locator("#share-password").InnerTextAsync()).Trim();
            Assert.StartsWith(server.BaseUrl + "s/", url);
            Assert.Matches(@"^\p{Lu}[\p{L}\d]+(-\p{Lu}[\p{L}\d]+){3}$", password);
            Assert.True(await nina.Locator("#share-separately").IsVisibleAsync());
            await nina.ScreenshotAsync(new() { Path = Shot("share-1-created.png"), FullPage = true });
            Step($"link created through #share-form: {url[..(url.Length - 30)]}… with a generated password of {password.Length} characters");

            // 3. She records how the password went and lands on the link's page, where neither secret shows again.
            await nina.Locator("#handover-note").FillAsync("told by phone to Max Muster");
            await nina.Locator("#handover-submit").ClickAsync();
            await nina.WaitForURLAsync(u => new Uri(u).AbsolutePath.StartsWith("/shares/", StringComparison.Ordinal) && !u.Contains("/new", StringComparison.Ordinal));
            var linkPage = nina.Url;
            Assert.Contains("told by phone to Max Muster", await nina.Locator("#share-handover").InnerTextAsync());
            var token = url[(url.LastIndexOf('/') + 1)..];
            var html = await nina.ContentAsync();
            Assert.DoesNotContain(token, html);
            Assert.DoesNotContain(password, html);
            Step("handover recorded on the link's page; the page shows neither the token nor the password");

            // 4. The recipient, in a private window: the password, then the file.
            await using var maxContext = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = "de-DE", AcceptDownloads = true });
            maxContext.SetDefaultTimeout(60_000);
            var max = await maxContext.NewPageAsync();
            await max.GotoAsync(url);
            await max.Locator("#share-password").FillAsync(password);
            await max.Locator("#share-password-form button[type=submit]").ClickAsync();
            await max.Locator("#share-files").WaitForAsync();
            Assert.Contains("Unser Angebot wie besprochen.", await max.Locator("#share-message").InnerTextAsync());
            var download = await max.RunAndWaitForDownloadAsync(() => max.Locator("#share-files a", new() { HasTextString = "Angebot-2026.txt" }).ClickAsync());
            Assert.Equal("Angebot-2026.txt", download.SuggestedFilename);
            var saved = Path.Combine(work, "downloaded.txt");
            await download.SaveAsAsync(saved);
            var received = await File.ReadAllBytesAsync(saved);
            Assert.Equal(Sha256Of(offerBytes), Sha256Of(received));
            await max.ScreenshotAsync(new() { Path = Shot("share-2-recipient.png"), FullPage = true });
            Step($"recipient (new context) typed the password and downloaded {received.Length} bytes, SHA-256 {Sha256Of(received)[..16]}… = the upload's");

            // 5. nina sees the download in the link's log (closed once the last byte left the server).
            var logged = nina.Locator("#share-log tr[data-kind=download][data-completed=true]");
            for (var i = 0; i < 20 && await logged.CountAsync() == 0; i++)
            {
                await nina.GotoAsync(linkPage);
                if (await logged.CountAsync() == 0) await Task.Delay(500);
            }
            Assert.Equal(1, await logged.CountAsync());
            var line = (await logged.InnerTextAsync()).ReplaceLineEndings(" ");
            Assert.Contains("Angebot-2026.txt", line);
            Assert.Contains(offerBytes.Length.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")), line);
            Assert.Contains("Chrome", line);
            Assert.Equal(1, await nina.Locator("#share-log tr[data-kind='password.ok']").CountAsync());
            Assert.Contains("1× downloaded", await nina.Locator("#share-usage").InnerTextAsync());
            await nina.ScreenshotAsync(new() { Path = Shot("share-3-log.png"), FullPage = true });
            Step("nina's link page logs the download: " + line);

            // 6. An upload request into Kunden; someone outside sends a file from another private window.
            await nina.GotoAsync(folderUrl);
            await nina.Locator("#folder-request").ClickAsync();
            await nina.Locator("#request-form").WaitForAsync();
            await nina.Locator("#share-recipient").FillAsync("Steuerbüro Beispiel");
            await nina.Locator("#request-submit").ClickAsync();
            var requestUrl = (await nina.Locator("#share-url").InnerTextAsync()).Trim();
            var requestPassword = (await nina.Locator("#share-password").InnerTextAsync()).Trim();
            var requestPage = (await nina.Locator("#share-created-details").GetAttributeAsync("href"))!;
            var requestId = requestPage[(requestPage.LastIndexOf('/') + 1)..];
            Assert.StartsWith(server.BaseUrl + "u/", requestUrl);
            await using var officeContext = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = "de-DE" });
            officeContext.SetDefaultTimeout(60_000);
            var office = await officeContext.NewPageAsync();
            await office.GotoAsync(requestUrl);
            await office.Locator("#share-password").FillAsync(requestPassword);
            await office.Locator("#share-password-form button[type=submit]").ClickAsync();
            await office.Locator("#upload-files").SetInputFilesAsync(receipts);
            await office.Locator("#upload-form button[type=submit]").ClickAsync();
            await office.Locator("#upload-accepted").WaitForAsync();
            Assert.Contains("Belege.txt", await office.Locator("#upload-sent").InnerTextAsync());
            Step("upload request created from the folder page; Belege.txt sent through it from a new context");

            // 7. The file came in through the sluice, on nina's behalf: it is in her sluice list with its own record, and
            //    the link's page logs the upload.
            await nina.GotoAsync(Url(server, requestPage));
            Assert.Contains("Belege.txt", await nina.Locator("#share-log tr[data-kind=upload]").InnerTextAsync());
            await nina.GotoAsync(Url(server, tenantPath + "/sluice"));
            await nina.Locator(".quarantine a", new() { HasTextString = "Belege.txt" }).ClickAsync();
            var state = await nina.Locator("#sluice-state").GetAttributeAsync("data-state");
            Assert.Contains("nina", await nina.Locator("#sluice-item").InnerTextAsync());
            await nina.ScreenshotAsync(new() { Path = Shot("share-4-sluice.png"), FullPage = true });
            await nina.GotoAsync(folderUrl);
            var inFolder = await nina.Locator("#document-list a", new() { HasTextString = "Belege.txt" }).CountAsync();
            if (state is "Pending" or "Review")
            {
                Assert.Equal(0, inFolder);
                Step($"Belege.txt waits in quarantine (state {state}) and is not in Kunden");
            }
            else
            {
                // The sluice was quick: it released the file, after every check, into the folder named by the link.
                Assert.Equal("Released", state);
                Assert.Equal(1, inFolder);
                await nina.GoBackAsync();
                Assert.Equal(1, await nina.Locator("#sluice-checks tr[data-check=antivirus][data-outcome=pass]").CountAsync());
                Assert.Contains("Belege.txt", await nina.Locator("#sluice-item .released").InnerTextAsync());
                Step("the sluice had already checked Belege.txt (antivirus passed) and released it into Kunden");
            }
            var audit = (await Programs.CustosAsync(data, "audit", "export")).Split('\n');
            foreach (var action in new[] { "share.create", "share.handover" })
                Assert.Contains(audit, e => e.Contains($"\"{action}\"", StringComparison.Ordinal));
            // The quarantine event names the link as the actor: the file entered through it, not through nina's session.
            Assert.Single(audit, e => e.Contains("\"sluice.quarantine\"", StringComparison.Ordinal) && e.Contains($"share:{requestId}", StringComparison.Ordinal));
            await Programs.CustosAsync(data, "audit", "verify");
            Step("audit export has share.create, share.handover and the upload's sluice.quarantine by the link; the chain verifies");
        }
        catch
        {
            output.WriteLine(server.Log);
            throw;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Url(CustosServerProcess server, string path) => new Uri(server.BaseUrl, path).ToString();

    private static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Shot(string name) => Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName, name);

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
