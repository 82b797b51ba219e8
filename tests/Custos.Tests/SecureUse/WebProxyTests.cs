using System.Net;
using System.Text;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.SecureUse;

/// <summary>
/// Web sessions through Custos's proxy (TOM 6.9) against real targets: Debian's nginx with auth_basic and a form-login
/// application. A Use-only user works on the target but never receives the credential, the target's cookies or a cookie
/// for the proxy's parent domain or Custos's host, whatever the target echoes or sets.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WebProxyTests
{
    public const string ProxyDomain = "proxy.test";

    internal static Task<VaultTestSetup> StartAsync(string kind) => VaultTestSetup.StartAsync(kind, o => o with { ProxyDomain = ProxyDomain });

    internal static object BasicEntry(NginxTestServer nginx, string path = "/index.html") => new
    {
        userName = nginx.UserName, urls = new[] { nginx.Origin + path },
        fields = new object[] { new { name = "login", value = "basic", secret = false } },
    };

    internal static object FormEntry(FormLoginTarget app, string? totp = null) => new
    {
        userName = app.UserName, urls = new[] { app.Origin + "/secret" }, totp = totp ?? app.TotpSeed,
        fields = new object[]
        {
            new { name = "login", value = "form", secret = false }, new { name = "login-url", value = "/login", secret = false },
            new { name = "username-field", value = "user", secret = false }, new { name = "password-field", value = "pass", secret = false },
            new { name = "totp-field", value = "otp", secret = false },
        },
    };

    internal static async Task<string> OpenAsync(VaultClient user, Guid entry, string? reason = null)
    {
        var opened = (await user.PostAsync($"/entries/{entry}/web/open", new { reason })).AssertOk();
        var url = opened.Json.GetProperty("url").GetString()!;
        Assert.Matches($"^https://[a-z2-7]{{26}}\\.{ProxyDomain.Replace(".", "\\.")}:\\d+/\\.custos/launch\\?code=", url);
        return url;
    }

    private static string Origin(string launchUrl) => new Uri(launchUrl).GetLeftPart(UriPartial.Authority);

    private static void AssertNothingLeaked(WebProxyBrowser browser, params string[] secrets)
    {
        foreach (var secret in secrets) Assert.DoesNotContain(secret, browser.Seen);
        Assert.All(browser.SetCookies, c => Assert.StartsWith("__Host-custos-proxy=", c));
        Assert.Equal(["__Host-custos-proxy"], browser.Cookies.GetAllCookies().Select(c => c.Name).Distinct());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WebProxy_BasicEntry_UseOnlyUserSeesPage_CredentialAndCookiesNeverReachBrowser(string kind)
    {
        var password = VaultTestSetup.NewSecret("basic");
        await using var nginx = await NginxTestServer.StartAsync(password);
        await using var v = await StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Kunde A");
        var entry = await carol.CreateEntryAsync(folder, "nginx", password, BasicEntry(nginx));
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{nginx.UserName}:{password}"));

        // Use only: no reveal, but a session.
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden);
        var url = await OpenAsync(dave, entry, "TICKET-1");
        var origin = Origin(url);
        using var browser = new WebProxyBrowser(v.Server.Options.HttpsPort);

        // Without the launch cookie: nothing of the target.
        var stranger = await browser.GetAsync(origin + "/index.html");
        Assert.Equal(HttpStatusCode.Forbidden, stranger.Status);
        Assert.DoesNotContain(NginxTestServer.PageMarker, stranger.Body);

        var (launch, landing) = await browser.LaunchAsync(url);
        var cookie = Assert.Single(launch.Response.Headers.GetValues("Set-Cookie"));
        Assert.Matches("^__Host-custos-proxy=[A-Za-z0-9_-]{43}; path=/; secure; samesite=lax; httponly$", cookie);
        landing.AssertOk();
        Assert.Contains(NginxTestServer.PageMarker, landing.Body);
        Assert.Equal(nginx.Page.Length, landing.Body.Length);

        // The launch link works once.
        using (var other = new WebProxyBrowser(v.Server.Options.HttpsPort))
        {
            var again = await other.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, again.Status);
            Assert.Empty(other.SetCookies);
        }

        // The target reflects the Authorization header in its body and in a header: masked.
        var reflected = (await browser.GetAsync(origin + "/reflect")).AssertOk();
        Assert.Equal("you sent: Basic ********", reflected.Body);
        var header = (await browser.GetAsync(origin + "/reflect-header")).AssertOk();
        Assert.Equal("Basic ********", header.Header("X-Echo"));
        // The browser's own Authorization header is not passed on (nginx would refuse it) and does not replace Custos's.
        (await browser.GetAsync(origin + "/index.html?token=abc", ("Authorization", "Basic Zm9vOmJhcg=="))).AssertOk();

        // Cookies the target sets (its own, for the proxy's parent domain, for Custos's host) stay with Custos.
        (await browser.GetAsync(origin + "/cookies")).AssertOk();
        // Location on the target's origin points to the proxy host.
        var away = await browser.GetAsync(origin + "/away");
        Assert.Equal(HttpStatusCode.Redirect, away.Status);
        Assert.Equal(origin + "/index.html", away.Response.Headers.Location!.OriginalString);

        // Another site (another proxy host is same-site) may navigate here, but not send requests in this session.
        var crossSite = await browser.SendAsync(HttpMethod.Post, origin + "/index.html", new StringContent("x"),
            ("Sec-Fetch-Site", "same-site"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"));
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.Status);
        // WebSocket frames could not be scrubbed: upgrades are refused, not passed through.
        using (var socket = new System.Net.WebSockets.ClientWebSocket())
        {
            socket.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() =>
                socket.ConnectAsync(new Uri(origin.Replace("https://", "wss://") + "/ws"), browser.Http, CancellationToken.None));
            Assert.Equal(HttpStatusCode.NotImplemented, socket.HttpStatusCode);
        }
        // Custos's own pages never answer on a proxy host, and proxied content never on Custos's host.
        var api = await browser.GetAsync(origin + "/api/v1/tenants");
        Assert.Equal(HttpStatusCode.NotFound, api.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(origin + "/.custos/anything")).Status);
        Assert.DoesNotContain(NginxTestServer.PageMarker, await (await carol.Http.GetAsync("/index.html")).Content.ReadAsStringAsync());

        AssertNothingLeaked(browser, password, basic, "nginx_session", "parent_cookie", "custos_cookie", "abc123");

        // The request log: method, path without query, status, size; the start is on record, without the secret.
        await using var data = v.Data();
        var session = await data.WebSessions.AsNoTracking().SingleAsync();
        Assert.Equal("TICKET-1", session.Reason);
        Assert.Equal($"{nginx.UserName}@{nginx.Origin}", session.Target);
        var rows = await WaitForRequestsAsync(v, session.Id, 8);
        Assert.Contains(rows, r => r is { Method: "GET", Path: "/index.html", Status: 200 } && r.Bytes == nginx.Page.Length);
        Assert.Contains(rows, r => r is { Path: "/reflect", Status: 200 });
        Assert.Contains(rows, r => r is { Path: "/away", Status: 302 });
        Assert.DoesNotContain(rows, r => r.Path.Contains('?') || r.Path.Contains("token"));
        var start = await data.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "web.session" && e.Outcome == AuditOutcome.Success);
        Assert.Contains("TICKET-1", start.Details);
        Assert.Contains(session.Id.ToString(), start.Details);
        foreach (var e in await data.AuditEvents.AsNoTracking().ToListAsync())
        {
            Assert.DoesNotContain(password, e.Details ?? "");
            Assert.DoesNotContain(basic, e.Details ?? "");
        }
    }

    internal static async Task<List<Core.SecureUse.Web.WebRequestRecord>> WaitForRequestsAsync(VaultTestSetup v, Guid session, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var data = v.Data();
            var rows = await data.WebRequests.AsNoTracking().Where(r => r.SessionId == session).OrderBy(r => r.Id).ToListAsync();
            if (rows.Count >= atLeast || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(100);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WebProxy_FormEntryWithTotp_LogsInServerSide_EchoesScrubbed_TargetCookiesKept(string kind)
    {
        await using var v = await StartAsync(kind);
        var password = VaultTestSetup.NewSecret("form") + "<&\"' +/é";
        await using var app = await FormLoginTarget.StartAsync("svc-admin", password, v.Time);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Kunde A");
        var entry = await carol.CreateEntryAsync(folder, "portal", password, FormEntry(app));

        var url = await OpenAsync(dave, entry);
        Assert.Equal(1, app.SuccessfulLogins);
        var origin = Origin(url);
        using var browser = new WebProxyBrowser(v.Server.Options.HttpsPort);
        var (_, landing) = await browser.LaunchAsync(url);
        landing.AssertOk();
        Assert.Contains(FormLoginTarget.SecretMarker, landing.Body);

        // The password echoed in a form (HTML-escaped two ways), in a link (URL-encoded), in a script and in JSON: masked.
        var account = (await browser.GetAsync(origin + "/account")).AssertOk();
        Assert.Contains("value=\"********\"", account.Body);
        Assert.Contains("old=********", account.Body);
        Assert.Contains("var current = \"********\"", account.Body);
        var me = (await browser.GetAsync(origin + "/api/me")).AssertOk();
        Assert.Equal("********", me.Json.GetProperty("password").GetString());
        Assert.Equal(me.Bytes.Length.ToString(), me.Header("Content-Length"));
        // An absolute redirect to the target's own origin is rewritten to the proxy host.
        var away = await browser.GetAsync(origin + "/go-away");
        Assert.Equal(origin + "/secret?from=away", away.Response.Headers.Location!.OriginalString);
        // A form posted from the proxied page itself reaches the target (Origin rewritten as the target expects).
        var echo = await browser.SendAsync(HttpMethod.Post, origin + "/echo", new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "hallo" }),
            ("Origin", origin), ("Sec-Fetch-Site", "same-origin"));
        Assert.Contains("<p id=\"echo\">hallo</p>", echo.AssertOk().Body);

        var escaped = new[]
        {
            password, System.Net.WebUtility.HtmlEncode(password), System.Text.Encodings.Web.HtmlEncoder.Default.Encode(password),
            Uri.EscapeDataString(password), System.Text.Json.JsonSerializer.Serialize(password).Trim('"'),
        };
        AssertNothingLeaked(browser, [.. escaped, "app_session", "parent_cookie", "custos_cookie", "tracking", app.TotpSeed]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WebProxy_RefusedLoginAndOtherTenant_AnswerWithoutTargetContentOrSecret(string kind)
    {
        await using var v = await StartAsync(kind);
        var password = VaultTestSetup.NewSecret("form");
        await using var app = await FormLoginTarget.StartAsync("svc-admin", password, v.Time);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Kunde A");
        // A wrong TOTP seed: the target re-renders its form with the password in it; none of that reaches the user.
        var wrong = await carol.CreateEntryAsync(folder, "portal", password, FormEntry(app, totp: "JBSWY3DPEHPK3PXP"));
        var refused = await dave.PostAsync($"/entries/{wrong}/web/open", new { });
        refused.AssertStatus(HttpStatusCode.BadGateway, "web.login_failed");
        Assert.Equal(1, app.FailedLogins);
        Assert.DoesNotContain(password, refused.Body);
        Assert.DoesNotContain("Anmeldung", refused.Body);

        // Not a web entry (no login field).
        var plain = await carol.CreateEntryAsync(folder, "plain", VaultTestSetup.NewSecret(), new { urls = new[] { app.Origin } });
        (await dave.PostAsync($"/entries/{plain}/web/open", new { })).AssertStatus(HttpStatusCode.UnprocessableEntity, "web.not_web");

        // Another tenant's entry: not found, on its URL and on one's own.
        await v.AddUsersAsync("bob");
        await v.AddGroupAsync("globex-ops", "bob");
        var globex = await v.AddTenantAsync("Globex", ("globex-ops", "manage"));
        var bob = await v.ConnectAsync("bob", globex);
        var theirs = await bob.CreateEntryAsync(await bob.CreateFolderAsync("G"), "their portal", VaultTestSetup.NewSecret("g"), FormEntry(app));
        (await dave.On(globex).PostAsync($"/entries/{theirs}/web/open", new { })).AssertStatus(HttpStatusCode.NotFound);
        (await dave.PostAsync($"/entries/{theirs}/web/open", new { })).AssertStatus(HttpStatusCode.NotFound);
        Assert.Equal(0, app.SuccessfulLogins);

        await using var data = v.Data();
        var failed = await data.WebSessions.AsNoTracking().SingleAsync();
        Assert.Equal("login_failed", failed.EndReason);
        Assert.NotNull(failed.EndedAt);
        Assert.Equal(1, await data.AuditEvents.CountAsync(e => e.Action == "web.session_end" && e.Outcome == AuditOutcome.Failure));
        Assert.Equal(2, await data.AuditEvents.CountAsync(e => e.Action == "web.session" && e.Outcome == AuditOutcome.Denied));
        foreach (var e in await data.AuditEvents.AsNoTracking().ToListAsync()) Assert.DoesNotContain(password, e.Details ?? "");
    }
}
