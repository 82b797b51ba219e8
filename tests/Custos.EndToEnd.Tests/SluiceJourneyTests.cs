using System.Diagnostics;
using System.Text.Json;
using Custos.Tests.Infrastructure;
using Custos.Tests.Sluice;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// The data sluice's "done when", in a browser against the real `./custos serve` and a real clamd: dave uploads a clean
/// PDF and gets it released as a flat PDF, uploads a macro document and sees it blocked with the reason; a reviewer
/// cannot release that file alone, a second reviewer can; the document shows its release record.
/// </summary>
public sealed class SluiceJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task CleanPdfReleasedFlat_MacroDocumentBlockedWithReason_SecondReviewerReleasesIt()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}; test.sh installs it.");
        var (server, _) = await CustosServerProcess.StartAsync();
        using var _ = server;
        var work = Directory.CreateTempSubdirectory("custos-sluice-e2e").FullName;
        try
        {
            var data = server.DataDirectory;
            foreach (var user in new[] { "dave", "rita", "rolf" })
            {
                var file = Path.Combine(work, user + ".pw");
                await File.WriteAllTextAsync(file, VaultJourneySetup.PasswordOf(user));
                await Programs.CustosAsync(data, "user", "add", user, "--password-file", file);
            }
            await Programs.CustosAsync(data, "tenant", "add", "Acme");
            foreach (var (group, members, rights) in new[] { ("staff", new[] { "dave" }, "write"), ("security", new[] { "rita", "rolf" }, "read") })
            {
                await Programs.CustosAsync(data, "group", "add", group);
                foreach (var member in members) await Programs.CustosAsync(data, "group", "add-member", group, member);
                await Programs.CustosAsync(data, "tenant", "grant", "Acme", group, "--documents", rights);
            }
            foreach (var reviewer in new[] { "rita", "rolf" }) await Programs.CustosAsync(data, "user", "grant-role", reviewer, "quarantine-reviewer");
            var pdf = Path.Combine(work, "Bericht.pdf");
            await File.WriteAllBytesAsync(pdf, SluiceTestFiles.SimplePdf("Pruefbericht Brandschutz 2026"));
            var macro = Path.Combine(work, "Angebot.docm");
            await File.WriteAllBytesAsync(macro, SluiceTestFiles.MacroDocument());
            Step("dave (documents write), reviewers rita and rolf (quarantine-reviewer, documents read) set up with ./custos");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
            var dave = await VaultJourneySetup.LoginAsync(browser, server, "dave");
            await dave.GotoAsync(new Uri(server.BaseUrl, "/documents").ToString());
            await dave.Locator("#document-tenants a", new() { HasTextString = "Acme" }).ClickAsync();
            await dave.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/documents/", StringComparison.Ordinal));
            var tenantPath = new Uri(dave.Url).AbsolutePath.TrimEnd('/');
            await dave.Locator("#folder-name").FillAsync("Eingang");
            await dave.Locator("#document-new-folder button[type=submit]").ClickAsync();
            await dave.WaitForURLAsync(url => url.Contains("folder=", StringComparison.Ordinal));
            await dave.Locator("#document-upload").WaitForAsync();

            // 1. Both files in one go: the PDF is released, the macro document refused with its reason.
            await dave.Locator("#document-files").SetInputFilesAsync([pdf, macro]);
            await dave.Locator("#document-upload-summary:not([hidden])").WaitForAsync(new() { Timeout = 120_000 });
            var rows = (await dave.Locator("#document-uploads li").AllInnerTextsAsync()).Select(t => t.ReplaceLineEndings(" ")).ToList();
            Step("upload rows: " + string.Join(" | ", rows));
            Assert.Contains(rows, r => r.Contains("Bericht.pdf", StringComparison.Ordinal) && r.Contains("stored", StringComparison.Ordinal));
            Assert.Contains(rows, r => r.Contains("Angebot.docm", StringComparison.Ordinal) && r.Contains("Blocked by the sluice: it contains macros", StringComparison.Ordinal));
            await dave.ScreenshotAsync(new() { Path = Shot("sluice-1-upload.png"), FullPage = true });

            // 2. The released PDF is flat: a PDF without fonts; the document page shows its release record.
            await dave.Locator("#document-list a", new() { HasTextString = "Bericht.pdf" }).ClickAsync();
            await dave.Locator("#document-release-records").WaitForAsync();
            var record = await dave.Locator("#document-release-records").InnerTextAsync();
            Assert.Contains("disarmed", record);
            var download = await dave.EvaluateAsync<JsonElement>(
                """
                async () => {
                  const link = document.querySelector('#document-versions a');
                  const r = await fetch(link.href);
                  const bytes = new Uint8Array(await r.arrayBuffer());
                  let text = ''; for (const b of bytes) text += String.fromCharCode(b);
                  return { status: r.status, head: text.substring(0, 5), font: text.includes('/Font'), size: bytes.length };
                }
                """);
            Assert.Equal(200, download.GetProperty("status").GetInt32());
            Assert.Equal("%PDF-", download.GetProperty("head").GetString());
            Assert.False(download.GetProperty("font").GetBoolean(), "the released PDF still has a font");
            await dave.Locator("#document-release-records a").ClickAsync();
            await dave.Locator("#sluice-checks").WaitForAsync();
            var checks = await dave.Locator("#sluice-checks tbody tr").AllInnerTextsAsync();
            Assert.Equal(5, checks.Count);
            Step($"Bericht.pdf released as a flat PDF ({download.GetProperty("size").GetInt32()} bytes, no /Font); record: {string.Join(" | ", checks.Select(c => c.ReplaceLineEndings(" ")))}");
            await dave.ScreenshotAsync(new() { Path = Shot("sluice-2-record.png"), FullPage = true });

            // 3. rita releases the blocked macro document: it waits for a second reviewer; rita cannot be that second one.
            var rita = await VaultJourneySetup.LoginAsync(browser, server, "rita");
            await rita.GotoAsync(new Uri(server.BaseUrl, tenantPath + "/sluice").ToString());
            await rita.Locator(".quarantine a", new() { HasTextString = "Angebot.docm" }).First.ClickAsync();
            await rita.Locator("#sluice-four-eyes").WaitForAsync();
            Assert.Contains("it contains macros", await rita.Locator("#sluice-reason").InnerTextAsync());
            await rita.Locator("#sluice-note").FillAsync("Serienbrief-Makro, beim Absender bestätigt");
            await rita.Locator("#sluice-release").ClickAsync();
            Assert.Contains("a second reviewer must release it too", await rita.Locator("#sluice-message").InnerTextAsync());
            await rita.Locator("#sluice-release").ClickAsync();
            Assert.Contains("second, different reviewer", await rita.Locator("#sluice-message").InnerTextAsync());
            Assert.Equal("Blocked", await rita.Locator("#sluice-state").GetAttributeAsync("data-state"));
            Step("rita released Angebot.docm: it waits for a second reviewer; her second try was refused");

            // 4. rolf releases it too: it is released into the folder.
            var rolf = await VaultJourneySetup.LoginAsync(browser, server, "rolf");
            await rolf.GotoAsync(rita.Url);
            await rolf.Locator("#sluice-release").ClickAsync();
            await rolf.Locator("#sluice-state[data-state=Released]").WaitForAsync(new() { Timeout = 120_000 });
            Assert.Contains("rita, rolf", await rolf.Locator("#sluice-decided").InnerTextAsync());
            await rolf.ScreenshotAsync(new() { Path = Shot("sluice-3-released.png"), FullPage = true });
            await dave.GotoAsync(new Uri(server.BaseUrl, tenantPath).ToString());
            await dave.Locator("#document-tree a", new() { HasTextString = "Eingang" }).ClickAsync();
            await dave.Locator("#document-list a", new() { HasTextString = "Angebot" }).WaitForAsync();
            Step("rolf released it as the second reviewer; dave sees it in Eingang");

            var audit = await Programs.CustosAsync(data, "audit", "export");
            foreach (var action in new[] { "sluice.quarantine", "sluice.release", "sluice.blocked", "sluice.approve" })
                Assert.Contains($"\"{action}\"", audit);
            await Programs.CustosAsync(data, "audit", "verify");
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

    private static string Shot(string name) => Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName, name);

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
