using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// The vault's "done when": a KeePass file made with keepassxc-cli is imported through the browser, a colleague with
/// Use sees the entry but gets its secret through no route, a Read holder reveals it and the report names who and when,
/// and an export opens in keepassxc-cli. Everything around it is set up with the README's commands.
/// </summary>
public sealed class VaultJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string Secret = "Pf!9xQ2#vLr7$Kt3";
    private const string FilePassword = "keepass-file-pw";
    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task KeePassFile_ImportedByBrowser_UseHolderCannotReveal_ReadHolderCan_ReportAndExportWork()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}; test.sh installs it.");
        var (server, _) = await CustosServerProcess.StartAsync();
        using var _ = server;
        var work = Directory.CreateTempSubdirectory("custos-vault-e2e").FullName;
        try
        {
            await VaultJourneySetup.SetUpOrganisationAsync(server.DataDirectory, work);
            var kdbx = await MakeKeePassFileAsync(work);
            Step("users, groups and tenant set up with ./custos; KeePass file made with keepassxc-cli");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
            var carol = await VaultJourneySetup.LoginAsync(browser, server, "carol");
            var dave = await VaultJourneySetup.LoginAsync(browser, server, "dave");
            Step("carol (Manage through ops) and dave (Use through helpdesk) logged in");

            // Import through the browser into a new folder that inherits the vault's rights.
            await carol.GotoAsync(new Uri(server.BaseUrl, "/vault").ToString());
            await carol.Locator("#vault-tenants a", new() { HasTextString = "Acme" }).ClickAsync();
            await carol.Locator("a[href$='/transfer']").ClickAsync();
            await carol.Locator("#import-file").SetInputFilesAsync(kdbx);
            await carol.Locator("#import-format").SelectOptionAsync("kdbx");
            await carol.Locator("#import-password").FillAsync(FilePassword);
            await carol.Locator("#import-folder").FillAsync("Migrated");
            await carol.Locator("#import-form input[name=rightsChoice][value=inherit]").CheckAsync();
            await carol.Locator("#import-form button[type=submit]").ClickAsync();
            var report = (await carol.Locator("#import-report").InnerTextAsync()).Trim();
            Assert.Contains("1 entries in 2 folders", report);
            Step("imported: " + report.ReplaceLineEndings(" "));

            // dave sees the entry, but nothing that reveals it.
            var entryUrl = await OpenEntryAsync(carol, "Migrated");
            await dave.GotoAsync(entryUrl);
            Assert.Equal("Portal", (await dave.Locator("main h1").InnerTextAsync()).Trim());
            Assert.Equal("alice", (await dave.Locator("#entry-username").InnerTextAsync()).Trim());
            Assert.Equal(0, await dave.Locator("[data-reveal], [data-copy]").CountAsync());
            Assert.DoesNotContain(Secret, await dave.ContentAsync());
            var api = entryUrl.Replace("/vault/", "/api/v1/tenants/").Replace("/entries/", "/vault/entries/");
            var daveTry = await dave.EvaluateAsync<JsonElement>(
                """
                async url => {
                  const r = await fetch(url + '/reveal', { method: 'POST', headers: { 'Content-Type': 'application/json',
                    'RequestVerificationToken': document.querySelector('input[name=__af]').value }, body: '{"field":"password"}' });
                  return { status: r.status, body: await r.text() };
                }
                """, api);
            Assert.Equal(403, daveTry.GetProperty("status").GetInt32());
            Assert.DoesNotContain(Secret, daveTry.GetProperty("body").GetString());
            Step("dave: entry visible, no reveal button, the API answers 403 without the secret");

            // carol reveals it; the report then names her.
            await carol.GotoAsync(entryUrl);
            await carol.Locator("button[data-reveal=password]").First.ClickAsync();
            await carol.Locator("output.secret.revealed").WaitForAsync();
            Assert.Equal(Secret, (await carol.Locator("output.secret.revealed").InnerTextAsync()).Trim());
            await carol.ReloadAsync();
            var reveals = (await carol.Locator("#report-reveals").InnerTextAsync()).Trim();
            Assert.Contains("carol · password · web", reveals);
            Assert.Contains("dave: use", (await carol.Locator("#report-access").InnerTextAsync()).Trim());
            Step("carol revealed the password; the report shows: " + reveals);

            // Export as KeePass; keepassxc-cli opens it and shows the password.
            await carol.GotoAsync(entryUrl[..entryUrl.IndexOf("/entries/", StringComparison.Ordinal)] + "/transfer");
            await carol.Locator("#export-format").SelectOptionAsync("kdbx");
            await carol.Locator("#export-password").FillAsync("export-pw-42");
            var download = await carol.RunAndWaitForDownloadAsync(() => carol.Locator("#export-form button[type=submit]").ClickAsync());
            var exported = Path.Combine(work, "export.kdbx");
            await download.SaveAsAsync(exported);
            var shown = await Programs.KeePassAsync("export-pw-42\n", "show", "-s", "-a", "Password", exported, "Migrated/Web/Portal");
            Assert.True(shown.ExitCode == 0, shown.Error);
            Assert.Equal(Secret, shown.Output.Trim());
            Step("export opened by keepassxc-cli with the same password");
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

    private static async Task<string> MakeKeePassFileAsync(string work)
    {
        var file = Path.Combine(work, "team.kdbx");
        foreach (var (stdin, args) in new (string, string[])[]
                 {
                     ($"{FilePassword}\n{FilePassword}\n", ["db-create", "-p", file]),
                     ($"{FilePassword}\n", ["mkdir", file, "Web"]),
                     ($"{FilePassword}\n{Secret}\n{Secret}\n", ["add", "-u", "alice", "--url", "https://portal.acme.test", "-p", file, "Web/Portal"]),
                 })
        {
            var result = await Programs.KeePassAsync(stdin, args);
            Assert.True(result.ExitCode == 0, $"keepassxc-cli {string.Join(' ', args)}: {result.Error}");
        }
        return file;
    }

    /// <summary>From the tenant page, through the imported folder's tree, to its only entry; returns the entry's address.</summary>
    private static async Task<string> OpenEntryAsync(IPage page, string folder)
    {
        await page.Locator("a", new() { HasTextString = "← " }).First.ClickAsync();
        Assert.Contains(folder, await page.Locator(".tree").InnerTextAsync());
        await page.Locator(".tree a", new() { HasTextString = "Web" }).ClickAsync();
        await page.Locator("#vault-entries a", new() { HasTextString = "Portal" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/entries/", StringComparison.Ordinal));
        return page.Url;
    }

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
