using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Custos.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// TOM 6.9 for web applications as a user meets it, against the real `./custos serve --proxy-domain proxy.test`,
/// Debian's nginx behind auth_basic, a form-login application with TOTP, and Chromium (every *.proxy.test name mapped to
/// loopback): dave, who may only use the entries, opens both through Custos from the entry page and works on the
/// protected pages; his browser never holds the passwords or the targets' cookies.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WebProxyJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ProxyDomain = "proxy.test";
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic", $"--host-resolver-rules=MAP *.{ProxyDomain} 127.0.0.1"];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task WebEntries_UseHolderOpensBasicAndFormLoginThroughProxy_NeverHoldsCredentialOrTargetCookies()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}; test.sh installs it.");
        var basicPassword = $"Zq7!nginx-{Guid.NewGuid():N}";
        var formPassword = $"Zq7!portal-{Guid.NewGuid():N}";
        await using var nginx = await NginxTestServer.StartAsync(basicPassword, parentDomain: ProxyDomain);
        await using var app = await FormLoginTarget.StartAsync("svc-admin", formPassword, TimeProvider.System, ProxyDomain);
        var (server, _) = await CustosServerProcess.StartAsync(["--proxy-domain", ProxyDomain]);
        using var _ = server;
        var work = Directory.CreateTempSubdirectory("custos-web-e2e").FullName;
        var console = new List<string>();
        try
        {
            await VaultJourneySetup.SetUpOrganisationAsync(server.DataDirectory, work);
            var (basicEntry, formEntry, tenant) = await CreateEntriesAsync(server, nginx, app);
            Step("nginx and the form application on loopback; carol stored both web entries");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
            var dave = await VaultJourneySetup.LoginAsync(browser, server, "dave");
            var policyViolations = new List<string>();
            dave.Console += (_, message) =>
            {
                lock (console) console.Add($"{message.Type}: {message.Text}");
                if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) policyViolations.Add(message.Text);
            };

            // HTTP Basic: the entry page's button, the launch link, and nginx's page.
            await dave.GotoAsync(new Uri(server.BaseUrl, $"/vault/{tenant}/entries/{basicEntry}").ToString());
            Assert.Equal(0, await dave.Locator("[data-reveal], [data-copy]").CountAsync());
            await dave.Locator("#web-reason").FillAsync("TICKET-5150");
            await dave.Locator("#open-web").ClickAsync();
            await dave.Locator("h1", new() { HasTextString = NginxTestServer.PageMarker }).WaitForAsync();
            var basicHost = new Uri(dave.Url).Host;
            Assert.EndsWith("." + ProxyDomain, basicHost);
            Step("dave sees nginx's page on " + dave.Url);
            await dave.GotoAsync($"https://{basicHost}:{server.HttpsPort}/reflect");
            Assert.Equal("you sent: Basic ********", (await dave.Locator("body").InnerTextAsync()).Trim());
            Step("the reflected Authorization header arrives masked");

            // A form login with TOTP, done by Custos: dave lands on the protected page.
            await dave.GotoAsync(new Uri(server.BaseUrl, $"/vault/{tenant}/entries/{formEntry}").ToString());
            await dave.Locator("#open-web").ClickAsync();
            await dave.Locator("h1", new() { HasTextString = FormLoginTarget.SecretMarker }).WaitForAsync();
            var formHost = new Uri(dave.Url).Host;
            Assert.EndsWith("." + ProxyDomain, formHost);
            Assert.NotEqual(basicHost, formHost);
            Assert.Equal(1, app.SuccessfulLogins);
            Step("dave sees the form application's protected page on " + dave.Url);
            await dave.GotoAsync($"https://{formHost}:{server.HttpsPort}/account");
            var account = await dave.ContentAsync();
            Assert.Contains("value=\"********\"", account);
            Assert.DoesNotContain(formPassword, account);

            var cookies = await dave.Context.CookiesAsync();
            var proxyCookies = cookies.Where(c => c.Domain.EndsWith(ProxyDomain, StringComparison.Ordinal)).ToList();
            Assert.Equal(2, proxyCookies.Count);
            Assert.All(proxyCookies, c =>
            {
                Assert.Equal("__Host-custos-proxy", c.Name);
                Assert.True(c.Secure && c.HttpOnly);
            });
            foreach (var name in new[] { "app_session", "parent_cookie", "custos_cookie", "tracking", "nginx_session" })
                Assert.DoesNotContain(cookies, c => c.Name == name);
            Assert.True(policyViolations.Count == 0, "CSP refused something on Custos's pages:\n" + string.Join('\n', policyViolations));
            Step("dave's browser holds only Custos's session cookies: " + string.Join(", ", cookies.Select(c => $"{c.Name}@{c.Domain}")));
        }
        catch
        {
            lock (console) output.WriteLine("browser console:\n" + string.Join('\n', console));
            output.WriteLine(server.Log);
            throw;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>carol, with a token of her own, stores the two web entries through the API, as a script would.</summary>
    private static async Task<(Guid Basic, Guid Form, Guid Tenant)> CreateEntriesAsync(CustosServerProcess server, NginxTestServer nginx, FormLoginTarget app)
    {
        var token = (await Programs.CustosAsync(server.DataDirectory, "token", "create", "--user", "carol", "--scope", "vault:read", "--scope", "vault:write"))
            .Split('\n')[0].Trim();
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = server.BaseUrl,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var tenants = await http.GetFromJsonAsync<JsonElement>("/api/v1/tenants");
        var tenant = tenants.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Acme").GetProperty("id").GetGuid();
        var api = $"/api/v1/tenants/{tenant}/vault";
        var folder = await PostAsync(http, $"{api}/folders", new { name = "Web", permissions = Array.Empty<object>(), inheritRights = true });
        var basic = await PostAsync(http, $"{api}/entries", new
        {
            folderId = folder.GetProperty("id").GetGuid(), title = "nginx", userName = nginx.UserName, password = nginx.Password, permissions = Array.Empty<object>(),
            urls = new[] { nginx.Origin + "/index.html" }, fields = new object[] { new { name = "login", value = "basic", secret = false } },
        });
        var form = await PostAsync(http, $"{api}/entries", new
        {
            folderId = folder.GetProperty("id").GetGuid(), title = "portal", userName = app.UserName, password = app.Password, permissions = Array.Empty<object>(),
            urls = new[] { app.Origin + "/secret" }, totp = app.TotpSeed,
            fields = new object[]
            {
                new { name = "login", value = "form", secret = false }, new { name = "login-url", value = "/login", secret = false },
                new { name = "username-field", value = "user", secret = false }, new { name = "password-field", value = "pass", secret = false },
                new { name = "totp-field", value = "otp", secret = false },
            },
        });
        return (basic.GetProperty("entry").GetProperty("id").GetGuid(), form.GetProperty("entry").GetProperty("id").GetGuid(), tenant);
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
