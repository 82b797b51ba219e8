using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Identity;

public sealed class LoginTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Login_WrongPasswordOrUnknownUser_SameAnswerAndAudited(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();

        using var wrong = await server.LoginAsync(password: "Wrong-Password-1");
        using var unknown = await server.LoginAsync(user: "nobody");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var wrongBody = await wrong.Content.ReadAsStringAsync();
        var unknownBody = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("User name or password is wrong.", wrongBody);
        Assert.Equal(Strip(wrongBody, "ada"), Strip(unknownBody, "nobody"));
        Assert.DoesNotContain(server.Cookies.GetCookies(server.HttpsUrl), c => c.Name == "__Host-custos-session");
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 2"));
    }

    private static string Strip(string html, string user) =>
        System.Text.RegularExpressions.Regex.Replace(html.Replace($"value=\"{user}\"", "value=\"\""), "name=\"__af\" type=\"hidden\" value=\"[^\"]+\"", "");

    [Fact]
    public async Task Login_Success_SetsStrictSessionCookie()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();

        using var login = await server.LoginAsync();

        var setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-custos-session="));
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
        var token = setCookie.Split(';')[0].Split('=', 2)[1];
        Assert.True(token.Length >= 43, "at least 256 random bits, base64url");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Logout_OldCookieReplayed_Rejected(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();
        var stolen = server.Cookies.GetCookies(server.HttpsUrl)["__Host-custos-session"]!.Value;

        using var logout = await server.PostFormAsync("/", new Dictionary<string, string>(), "/logout");
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var attacker = server.NewBrowser(out var jar);
        jar.Add(server.HttpsUrl, new Cookie("__Host-custos-session", stolen));
        using var replay = await attacker.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/login", replay.Headers.Location!.OriginalString);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.logout'"));
    }

    [Fact]
    public async Task Session_PastIdleOrAbsoluteLimit_Rejected()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);

        server.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.Redirect, (await server.Client.GetAsync("/")).StatusCode);

        (await server.LoginWithTotpAsync()).Dispose();
        for (var i = 0; i < 42; i++)
        {
            server.Time.Advance(TimeSpan.FromMinutes(14));
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);
        }
        server.Time.Advance(TimeSpan.FromMinutes(14)); // 43 x 14 min > 10 h
        Assert.Equal(HttpStatusCode.Redirect, (await server.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_Rejected()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();

        using var forged = await server.Client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Login_ReturnUrlToOtherSite_RedirectsHome()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();

        using var login = await server.PostFormAsync("/login?returnUrl=%2F%2Fevil.example", new Dictionary<string, string>
        {
            ["userName"] = TestServer.AdminName, ["password"] = TestServer.AdminPassword, ["returnUrl"] = "//evil.example",
        });

        Assert.Equal("/", login.Headers.Location!.OriginalString);
    }
}
