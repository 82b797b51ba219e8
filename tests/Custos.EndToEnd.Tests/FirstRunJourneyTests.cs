using System.Diagnostics;
using Microsoft.Playwright;
using OtpNet;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// The "done when" of the foundation: a new user on a clean checkout runs `./custos serve`, opens the printed setup
/// link in a browser, becomes the administrator, logs in and sees the audit log with those events.
/// </summary>
public sealed class FirstRunJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string UserName = "admin.e2e";
    private const string DisplayName = "Jürgen Prüfer";
    private const string Password = "Correct-Horse-Battery-42";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly Stopwatch _clock = new();

    [Fact]
    public async Task Serve_CleanDataDirectory_SetupLinkCreatesAdministratorWhoLogsInAndSeesAudit()
    {
        Assert.True(File.Exists(ChromiumPath),
            $"The end-to-end tests drive Debian's Chromium at {ChromiumPath}, which is missing. Install it (apt-get install chromium); " +
            "these tests never download a browser.");
        _clock.Start();
        foreach (var stale in Directory.EnumerateFiles(ScreenshotFolder(), "first-run-*.png")) File.Delete(stale);

        var (server, setupLink) = await CustosServerProcess.StartAsync();
        using var _ = server;
        Step($"server up at {server.BaseUrl} (data directory in the temp folder)");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var consoleMessages = new List<string>();
        page.Console += (_, m) => { lock (consoleMessages) consoleMessages.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => { lock (consoleMessages) consoleMessages.Add($"pageerror: {e}"); };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400) lock (consoleMessages) consoleMessages.Add($"http {r.Status}: {r.Request.Method} {new Uri(r.Url).AbsolutePath}");
        };
        Step("browser up");

        try
        {
            await RunJourneyAsync(page, server, setupLink);
        }
        catch
        {
            var shot = ScreenshotPath("first-run-failure.png");
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
                output.WriteLine($"Failure screenshot: {shot} (page {page.Url})");
            }
            catch (PlaywrightException e)
            {
                output.WriteLine($"No failure screenshot: {e.Message}");
            }
            output.WriteLine("Server output:");
            output.WriteLine(server.Log);
            throw;
        }
        finally
        {
            lock (consoleMessages)
            {
                foreach (var message in consoleMessages) output.WriteLine($"browser {message}");
            }
        }

        lock (consoleMessages)
        {
            Assert.DoesNotContain(consoleMessages, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(consoleMessages, m => m.StartsWith("pageerror:", StringComparison.Ordinal));
        }
        Step("done");
    }

    private async Task RunJourneyAsync(IPage page, CustosServerProcess server, Uri setupLink)
    {
        // 1. The printed one-time link opens the setup form.
        var response = await page.GotoAsync(setupLink.ToString());
        await AssertPageAsync(page, response, 200, "/setup/", "Set up Custos");
        Assert.True(await page.Locator("input[name=grantAuditor]").IsCheckedAsync(), "The auditor role should be offered by default.");
        await ScreenshotAsync(page, "first-run-1-setup.png");

        // 2. Become the administrator.
        await page.Locator("#userName").FillAsync(UserName);
        await page.Locator("#displayName").FillAsync(DisplayName);
        // The strength meter judges while typing: a German word with digits is weak, the real password strong.
        await page.Locator("#password").PressSequentiallyAsync("Sommerferien2024");
        await page.Locator("#password-strength-text").Filter(new() { HasTextString = "too common" }).WaitForAsync();
        Assert.True(await page.Locator("#password-strength meter").EvaluateAsync<double>("m => m.value") < 2);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#password").PressAsync("End");
        await page.Locator("#password-strength[data-acceptable=true]").WaitForAsync();
        await page.Locator("#passwordRepeat").FillAsync(Password);
        response = await SubmitAsync(page, page.Locator("main form button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/login", "Log in");
        Step("administrator created, login page shown");

        // A wrong password is refused on the login page itself.
        await page.Locator("#userName").FillAsync(UserName);
        await page.Locator("#password").FillAsync(Password + "-wrong");
        response = await SubmitAsync(page, page.Locator("main form button[type=submit]"));
        await AssertPageAsync(page, response, 401, "/login", "Log in");
        Assert.Equal("User name or password is wrong.", (await page.Locator("main .error[role=alert]").InnerTextAsync()).Trim());
        Assert.Equal(UserName, await page.Locator("#userName").InputValueAsync());
        await ScreenshotAsync(page, "first-run-2-login-refused.png");

        // The right one is accepted, but an administrator without a second factor can only set one up (TOM 6.4).
        await page.Locator("#password").FillAsync(Password);
        response = await SubmitAsync(page, page.Locator("main form button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/account/security", "Account security");
        Step("wrong password refused, right one accepted; sent to set up the second factor");

        // Set up the authenticator app: the key is shown beside the QR code, the code is computed as an app would.
        response = await SubmitAsync(page, page.Locator("main form button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/account/security", "Account security");
        Assert.StartsWith("data:image/svg+xml;base64,", await page.Locator("img#totp-qr").GetAttributeAsync("src"), StringComparison.Ordinal);
        var secret = (await page.Locator("#totp-secret").InnerTextAsync()).Trim();
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        await ScreenshotAsync(page, "first-run-3-totp-setup.png");
        // The server runs on the real clock; a code of the neighbouring step would still be accepted.
        await page.Locator("#code").FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        response = await SubmitAsync(page, page.Locator("main form button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/account/security", "Account security");
        Assert.Equal(10, await page.Locator("#recovery-codes li").CountAsync());
        Assert.Equal(0, await page.Locator("#totp-secret").CountAsync());
        await ScreenshotAsync(page, "first-run-3-recovery-codes.png");
        Step("authenticator app set up; recovery codes shown once");

        // Now the administrator may go on to the welcome page.
        response = await SubmitAsync(page, page.Locator("main a[href='/']"));
        await AssertPageAsync(page, response, 200, "/", $"Welcome, {DisplayName}.");
        await ScreenshotAsync(page, "first-run-3-welcome.png");

        // 3. The audit log, reached through the navigation, shows what just happened.
        response = await SubmitAsync(page, page.Locator("header nav a[href='/audit']"));
        await AssertPageAsync(page, response, 200, "/audit", "Audit log");
        var rows = await AuditRowsAsync(page);
        output.WriteLine($"Audit log ({rows.Count} rows):");
        foreach (var row in rows) output.WriteLine($"  {row}");
        AssertHasEvent(rows, "setup.complete", "success");
        AssertHasEvent(rows, "role.grant", "success");
        AssertHasEvent(rows, "auth.login", "success");
        AssertHasEvent(rows, "auth.login", "failure");
        AssertHasEvent(rows, "auth.totp.begin", "success");
        AssertHasEvent(rows, "auth.totp.enrol", "success");
        var failedLogin = rows.First(r => r.Action == "auth.login" && r.OutcomeClass == "failure");
        Assert.Equal("failure", failedLogin.Outcome);
        await ScreenshotAsync(page, "first-run-4-audit-en.png");
        Step("audit log shows setup.complete, role.grant, auth.login success and failure, auth.totp.enrol");

        // 4. German, with the language switch in the header.
        await page.Locator("header select[name=culture]").SelectOptionAsync("de");
        response = await SubmitAsync(page, page.Locator("header form[action='/culture'] button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/audit", "Protokoll");
        Assert.Equal("de", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("de", await page.Locator("header select[name=culture]").InputValueAsync());
        await ScreenshotAsync(page, "first-run-5-audit-de.png");
        Step("language switched to German");

        // 5. The used link is refused (and the refusal is on record).
        response = await page.GotoAsync(setupLink.ToString());
        await AssertPageAsync(page, response, 404, "/setup/", "Custos einrichten");
        Assert.Equal("Dieser Einrichtungslink ist ungültig, abgelaufen oder schon benutzt. Starten Sie den Server neu, um einen neuen zu erhalten.",
            (await page.Locator("main .error[role=alert]").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.Locator("#password").CountAsync());
        await ScreenshotAsync(page, "first-run-6-setup-refused-de.png");

        response = await page.GotoAsync(new Uri(server.BaseUrl, "/").ToString());
        await AssertPageAsync(page, response, 200, "/", $"Willkommen, {DisplayName}.");
        response = await SubmitAsync(page, page.Locator("header nav a[href='/audit']"));
        await AssertPageAsync(page, response, 200, "/audit", "Protokoll");
        await page.Locator("form.filters input[name=action]").FillAsync("setup.refuse");
        response = await SubmitAsync(page, page.Locator("form.filters button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/audit", "Protokoll");
        Assert.Contains("action=setup.refuse", page.Url, StringComparison.Ordinal);
        rows = await AuditRowsAsync(page);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("setup.refuse", r.Action));
        var refusal = Assert.Single(rows);
        Assert.Equal("denied", refusal.OutcomeClass);
        Assert.Equal("verweigert", refusal.Outcome);
        Assert.Contains("invalid-link-opened", refusal.Details, StringComparison.Ordinal);
        await ScreenshotAsync(page, "first-run-7-audit-refusal-de.png");
        Step("reused setup link refused with 404 and recorded as setup.refuse");

        // 6. After logging out, the audit log needs a login again.
        response = await SubmitAsync(page, page.Locator("header form[action='/logout'] button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/login", "Anmelden");
        Assert.Equal("Sie wurden abgemeldet.", (await page.Locator("main [role=status]").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.Locator("header nav a[href='/audit']").CountAsync());
        await ScreenshotAsync(page, "first-run-8-logged-out-de.png");
        response = await page.GotoAsync(new Uri(server.BaseUrl, "/audit").ToString());
        await AssertPageAsync(page, response, 200, "/login", "Anmelden");
        Step("logged out; /audit now lands on the login page");
    }

    /// <summary>
    /// Clicks something that submits a form or follows a link; returns the final (non-redirect) response of that
    /// navigation once the new document has loaded, so later checks never see the page that was left.
    /// </summary>
    private static async Task<IResponse?> SubmitAsync(IPage page, ILocator target)
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoad(object? sender, IPage p) => loaded.TrySetResult();
        page.Load += OnLoad;
        try
        {
            var response = page.WaitForResponseAsync(r =>
                r.Request.IsNavigationRequest && r.Frame == page.MainFrame && r.Status is < 300 or >= 400);
            await target.ClickAsync();
            var final = await response;
            await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return final;
        }
        finally
        {
            page.Load -= OnLoad;
        }
    }

    /// <summary>Where the browser ended up, what it got, and that every page keeps the security headers and has no inline script.</summary>
    private static async Task AssertPageAsync(IPage page, IResponse? response, int status, string pathStartsWith, string heading)
    {
        Assert.NotNull(response);
        var path = new Uri(page.Url).AbsolutePath;
        Assert.True(pathStartsWith == "/" ? path == "/" : path.StartsWith(pathStartsWith, StringComparison.Ordinal),
            $"Expected to be on {pathStartsWith}, but the browser is on {page.Url}.");
        Assert.Equal(status, response.Status);
        Assert.Equal(heading, (await page.Locator("main h1").InnerTextAsync()).Trim());

        var csp = await response.HeaderValueAsync("content-security-policy");
        Assert.NotNull(csp);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("document.querySelectorAll('script:not([src])').length"));
    }

    private sealed record AuditRow(string OutcomeClass, string Sequence, string Time, string Actor, string Action, string Target,
        string Outcome, string Client, string Details);

    private static async Task<IReadOnlyList<AuditRow>> AuditRowsAsync(IPage page)
    {
        var cells = await page.EvaluateAsync<string[][]>(
            """
            Array.from(document.querySelectorAll('table tbody tr')).map(r =>
              [r.className.replace('outcome-', '')].concat(Array.from(r.cells).map(c => c.textContent.trim())))
            """);
        return cells.Select(c =>
        {
            Assert.Equal(9, c.Length);
            return new AuditRow(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
        }).ToList();
    }

    private static void AssertHasEvent(IReadOnlyList<AuditRow> rows, string action, string outcome) =>
        Assert.True(rows.Any(r => r.Action == action && r.OutcomeClass == outcome),
            $"The audit log has no {action} with outcome {outcome}; it shows: {string.Join("; ", rows.Select(r => $"{r.Action}/{r.OutcomeClass}"))}");

    private async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = ScreenshotPath(fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"Screenshot: {path}");
    }

    private static string ScreenshotPath(string fileName) => Path.Combine(ScreenshotFolder(), fileName);

    private static string ScreenshotFolder() =>
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
