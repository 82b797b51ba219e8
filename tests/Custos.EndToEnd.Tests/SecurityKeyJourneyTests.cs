using System.Diagnostics;
using Microsoft.Playwright;
using OtpNet;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// TOM 6.4 in a real browser: the administrator registers a security key (Chromium's virtual authenticator, driven
/// through the DevTools protocol) and then completes a login with it instead of an authenticator code.
/// </summary>
public sealed class SecurityKeyJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string UserName = "admin.keys";
    private const string DisplayName = "Grete Schlüssel";
    private const string Password = "Correct-Horse-Battery-42";
    private const string KeyName = "Blue key";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly Stopwatch _clock = new();

    [Fact]
    public async Task SecurityKey_RegisteredOnAccountPage_CompletesLoginInsteadOfCode()
    {
        Assert.True(File.Exists(ChromiumPath), $"The end-to-end tests drive Debian's Chromium at {ChromiumPath}, which is missing.");
        _clock.Start();
        var (server, setupLink) = await CustosServerProcess.StartAsync();
        using var _ = server;
        Step($"server up at {server.BaseUrl}");

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
        var messages = new List<string>();
        page.Console += (_, m) => { lock (messages) messages.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => { lock (messages) messages.Add($"pageerror: {e}"); };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400) lock (messages) messages.Add($"http {r.Status}: {r.Request.Method} {new Uri(r.Url).AbsolutePath}");
        };

        // The virtual authenticator stands in for a USB key that verifies its user (PIN or fingerprint) and keeps no
        // credential on the key itself, like most hardware tokens used as a second factor.
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "usb",
                ["hasResidentKey"] = false,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
            },
        });
        Step("browser up with a virtual authenticator");

        try
        {
            await RunJourneyAsync(page, server, setupLink);
        }
        catch
        {
            var shot = Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName, "security-key-failure.png");
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
            lock (messages)
            {
                foreach (var message in messages) output.WriteLine($"browser {message}");
            }
        }
        lock (messages)
        {
            Assert.DoesNotContain(messages, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(messages, m => m.StartsWith("pageerror:", StringComparison.Ordinal));
        }
    }

    private async Task RunJourneyAsync(IPage page, CustosServerProcess server, Uri setupLink)
    {
        // The administrator is created, logs in and sets up the authenticator app, as on the first run.
        var response = await page.GotoAsync(setupLink.ToString());
        await AssertPageAsync(page, response, 200, "/setup/", "Set up Custos");
        await page.Locator("#userName").FillAsync(UserName);
        await page.Locator("#displayName").FillAsync(DisplayName);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#passwordRepeat").FillAsync(Password);
        response = await SubmitAsync(page, page.Locator("main form button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/login", "Log in");
        // An administrator without a second factor is sent to set one up (TOM 6.4).
        response = await LogInAsync(page);
        await AssertPageAsync(page, response, 200, "/account/security", "Account security");

        response = await SubmitAsync(page, page.Locator("main form button[type=submit]").First);
        var secret = (await page.Locator("#totp-secret").InnerTextAsync()).Trim();
        await page.Locator("#code").FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        response = await SubmitAsync(page, page.Locator("main form[action*='handler=confirm'] button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/account/security", "Account security");
        Assert.Equal(10, await page.Locator("#recovery-codes li").CountAsync());
        Step("authenticator app set up");

        // Register the security key on the same page.
        response = await page.GotoAsync(new Uri(server.BaseUrl, "/account/security").ToString());
        await AssertPageAsync(page, response, 200, "/account/security", "Account security");
        await page.Locator("#security-key-name").FillAsync(KeyName);
        await page.Locator("#security-key-password").FillAsync(Password);
        response = await SubmitAsync(page, page.Locator("#security-key-register button[data-webauthn-start]"));
        await AssertPageAsync(page, response, 200, "/account/security", "Account security");
        Assert.Equal("The security key is registered.", (await page.Locator("main p.notice[role=status]").InnerTextAsync()).Trim());
        Assert.Equal(KeyName, (await page.Locator("#security-keys .security-key-name").InnerTextAsync()).Trim());
        Step("security key registered");

        // Log out and in again: the second factor is answered by the key, not by a code.
        response = await SubmitAsync(page, page.Locator("header form[action='/logout'] button[type=submit]"));
        await AssertPageAsync(page, response, 200, "/login", "Log in");
        response = await LogInAsync(page);
        Assert.Contains("/login/second-factor", page.Url, StringComparison.Ordinal);
        response = await SubmitAsync(page, page.Locator("#security-key-login button[data-webauthn-start]"));
        await AssertPageAsync(page, response, 200, "/", $"Welcome, {DisplayName}.");
        Step("logged in with password and security key");

        response = await SubmitAsync(page, page.Locator("header nav a[href='/audit']"));
        await AssertPageAsync(page, response, 200, "/audit", "Audit log");
        var actions = await page.EvaluateAsync<string[][]>(
            "Array.from(document.querySelectorAll('table tbody tr')).map(r => [r.className.replace('outcome-', ''), r.cells[3].textContent.trim()])");
        output.WriteLine(string.Join("\n", actions.Select(a => $"  {a[1]} {a[0]}")));
        Assert.Contains(actions, a => a[1] == "auth.security-key.register" && a[0] == "success");
        Assert.Contains(actions, a => a[1] == "auth.security-key.use" && a[0] == "success");
        Step("audit log shows auth.security-key.register and auth.security-key.use");
    }

    private static async Task<IResponse?> LogInAsync(IPage page)
    {
        await page.Locator("#userName").FillAsync(UserName);
        await page.Locator("#password").FillAsync(Password);
        return await SubmitAsync(page, page.Locator("main form button[type=submit]"));
    }

    /// <summary>Clicks and returns the final response of the navigation it causes (also one started by script).</summary>
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

    private static async Task AssertPageAsync(IPage page, IResponse? response, int status, string pathStartsWith, string heading)
    {
        Assert.NotNull(response);
        var path = new Uri(page.Url).AbsolutePath;
        Assert.True(pathStartsWith == "/" ? path == "/" : path.StartsWith(pathStartsWith, StringComparison.Ordinal),
            $"Expected to be on {pathStartsWith}, but the browser is on {page.Url}.");
        Assert.Equal(status, response.Status);
        Assert.Equal(heading, (await page.Locator("main h1").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.EvaluateAsync<int>("document.querySelectorAll('script:not([src])').length"));
    }

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
