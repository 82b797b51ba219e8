using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Identity;

/// <summary>Users, groups, tenants and grants through the command line, and what the web and API then let people see.</summary>
public sealed class AdministrationTests
{
    private const string CarolPassword = "Carol-Secret-2026";

    /// <summary>Tenants A (projects A1, A2) and B (project B1); group support-a reaches A; carol is in it.</summary>
    private static async Task<(Guid A, Guid B, Guid B1, Guid A2)> ArrangeAsync(TestDatabase db, string grantProject = "")
    {
        async Task<string> Run(params string[] args)
        {
            var r = await Cli.RunAsync([.. args, .. Cli.DatabaseArgs(db)]);
            Assert.True(r.ExitCode == 0, $"custos {string.Join(' ', args)} failed: {r.Error}");
            return r.Output;
        }
        await Run("tenant", "add", "Acme");
        await Run("tenant", "add", "Beta");
        await Run("tenant", "add-project", "Acme", "A1");
        await Run("tenant", "add-project", "Acme", "A2");
        await Run("tenant", "add-project", "Beta", "B1");
        await Run("group", "add", "support-a", "--description", "Support for Acme");
        if (grantProject.Length == 0) await Run("tenant", "grant", "Acme", "support-a");
        else await Run("tenant", "grant", "Acme", "support-a", "--project", grantProject);
        await AddUserAsync(db, "carol");
        await Run("group", "add-member", "support-a", "carol");
        var tenants = JsonDocument.Parse(await Run("tenant", "list", "--json")).RootElement.EnumerateArray()
            .ToDictionary(t => t.GetProperty("Name").GetString()!, t => t.GetProperty("id").GetGuid());
        var b1 = await db.ScalarGuidAsync("SELECT id FROM projects WHERE name = 'B1'");
        var a2 = await db.ScalarGuidAsync("SELECT id FROM projects WHERE name = 'A2'");
        return (tenants["Acme"], tenants["Beta"], b1, a2);
    }

    internal static async Task AddUserAsync(TestDatabase db, string name, string password = CarolPassword)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, password + "\n");
            var r = await Cli.RunAsync(["user", "add", name, "--password-file", file, .. Cli.DatabaseArgs(db)]);
            Assert.True(r.ExitCode == 0, r.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task TenantIsolation_OtherTenantsIds_Answer404AndAreAudited(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        var (a, b, b1, _) = await ArrangeAsync(db);
        Assert.Equal(HttpStatusCode.Redirect, (await server.LoginAsync("carol", CarolPassword)).StatusCode);

        var list = await server.Client.GetStringAsync("/api/v1/tenants");
        using var own = await server.Client.GetAsync($"/api/v1/tenants/{a}");
        using var other = await server.Client.GetAsync($"/api/v1/tenants/{b}");
        using var otherProject = await server.Client.GetAsync($"/api/v1/tenants/{b}/projects/{b1}");
        using var crossed = await server.Client.GetAsync($"/api/v1/tenants/{a}/projects/{b1}");
        using var missing = await server.Client.GetAsync($"/api/v1/tenants/{Guid.NewGuid()}");

        Assert.Contains("Acme", list);
        Assert.DoesNotContain("Beta", list);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("A1", await own.Content.ReadAsStringAsync());
        foreach (var response in new[] { other, otherProject, crossed, missing })
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        static string WithoutTrace(string body) => System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", "");
        Assert.Equal(WithoutTrace(await missing.Content.ReadAsStringAsync()), WithoutTrace(await other.Content.ReadAsStringAsync()));
        Assert.Equal(4, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'access.deny' AND actor = 'user:carol'"));
    }

    [Fact]
    public async Task ProjectGrant_OnlyThatProject_Reachable()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        var (a, _, _, a2) = await ArrangeAsync(db, grantProject: "A1");
        (await server.LoginAsync("carol", CarolPassword)).Dispose();

        var tenant = await server.Client.GetStringAsync($"/api/v1/tenants/{a}");
        using var otherProject = await server.Client.GetAsync($"/api/v1/tenants/{a}/projects/{a2}");

        Assert.Contains("A1", tenant);
        Assert.DoesNotContain("A2", tenant);
        Assert.Equal(HttpStatusCode.NotFound, otherProject.StatusCode);
    }

    [Fact]
    public async Task NewUser_NoGrants_SeesNoTenant()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        var (a, _, _, _) = await ArrangeAsync(db);
        await AddUserAsync(db, "dave");
        (await server.LoginAsync("dave", CarolPassword)).Dispose();

        Assert.Equal("[]", await server.Client.GetStringAsync("/api/v1/tenants"));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/v1/tenants/{a}")).StatusCode);
    }

    [Fact]
    public async Task TenantWho_ListsUsersAndTheirGroup()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using (await TestServer.StartAsync(db))
        {
        }
        await ArrangeAsync(db);

        var who = await Cli.RunAsync(["tenant", "who", "Acme", .. Cli.DatabaseArgs(db)]);
        var nobody = await Cli.RunAsync(["tenant", "who", "Beta", .. Cli.DatabaseArgs(db)]);

        Assert.Contains("carol", who.Output);
        Assert.Contains("support-a", who.Output);
        Assert.DoesNotContain("carol", nobody.Output);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Disable_RevokesSessionsAndTokensAtOnceAndReportsReach(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        await ArrangeAsync(db);
        (await server.LoginAsync("carol", CarolPassword)).Dispose();
        var created = await Cli.RunAsync(["token", "create", "--user", "carol", "--scope", "audit:read", "--json", .. Cli.DatabaseArgs(db)]);
        var token = JsonDocument.Parse(created.Output).RootElement.GetProperty("token").GetString()!;
        using var api = server.NewBrowser(out _);
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/tenants")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);

        var disabled = await Cli.RunAsync(["user", "disable", "carol", .. Cli.DatabaseArgs(db)]);

        Assert.Equal(0, disabled.ExitCode);
        Assert.Contains("Acme (through support-a)", disabled.Output);
        Assert.Contains("1 sessions, 1 tokens", disabled.Output);
        Assert.Equal(HttpStatusCode.Redirect, (await server.Client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/tenants")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.LoginAsync("carol", CarolPassword)).StatusCode);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM group_members"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM users WHERE user_name = 'carol'"));

        Assert.Equal(0, (await Cli.RunAsync(["user", "enable", "carol", .. Cli.DatabaseArgs(db)])).ExitCode);
        Assert.Equal(HttpStatusCode.Redirect, (await server.LoginAsync("carol", CarolPassword)).StatusCode);
        Assert.Equal("[]", await server.Client.GetStringAsync("/api/v1/tenants"));
    }

    [Fact]
    public async Task Lockout_FiveFailures_LocksFifteenMinutesThenDoubles()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await AddUserAsync(db, "carol");
        async Task<HttpStatusCode> Login(string password) => (await server.LoginAsync("carol", password)).StatusCode;

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Login("Wrong-Password-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Login(CarolPassword));
        server.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.Redirect, await Login(CarolPassword));

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Login("Wrong-Password-1"));
        server.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.Unauthorized, await Login(CarolPassword));
        server.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.Redirect, await Login(CarolPassword));

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Login("Wrong-Password-1"));
        Assert.Equal(0, (await Cli.RunAsync(["user", "unlock", "carol", .. Cli.DatabaseArgs(db)])).ExitCode);
        Assert.Equal(HttpStatusCode.Redirect, await Login(CarolPassword));
        Assert.Equal(3, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.lockout'"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'user.unlock'"));
    }

    [Fact]
    public async Task Login_TooManyAttemptsFromOneAddress_Answers429()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db, o => o with { Identity = new() { Argon2 = TestServer.FastArgon2, LoginAttemptsPerMinutePerAddress = 3 } });

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await server.LoginAsync("nobody" + i, "x")).StatusCode);
        using var limited = await server.LoginAsync("nobody", "x");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task Token_ScopesExpiryAndRevocation_Enforced()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await AddUserAsync(db, "erin");
        Assert.Equal(0, (await Cli.RunAsync(["user", "grant-role", "erin", "auditor", .. Cli.DatabaseArgs(db)])).ExitCode);
        async Task<(Guid Id, string Token)> Create(string scope, int days)
        {
            var r = await Cli.RunAsync(["token", "create", "--user", "erin", "--scope", scope, "--days", days.ToString(), "--json", .. Cli.DatabaseArgs(db)]);
            var json = JsonDocument.Parse(r.Output).RootElement;
            return (json.GetProperty("id").GetGuid(), json.GetProperty("token").GetString()!);
        }
        async Task<HttpStatusCode> Call(string token)
        {
            using var client = server.NewBrowser(out _);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return (await client.GetAsync("/api/v1/audit/events")).StatusCode;
        }
        var audit = await Create("audit:read", 1);
        var admin = await Create("admin", 30);

        Assert.Equal(HttpStatusCode.OK, await Call(audit.Token));
        Assert.Equal(HttpStatusCode.Forbidden, await Call(admin.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(audit.Token[..^2] + "xx"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.NewBrowser(out _).GetAsync($"/api/v1/audit/events?access_token={audit.Token}")).StatusCode);
        // The database and its write-ahead log (SQLite removes the log when its last connection closes, so it may be gone).
        foreach (var file in new[] { "custos.db", "custos.db-wal" }.Select(f => Path.Combine(db.DataDirectory, f)).Where(File.Exists))
            Assert.DoesNotContain(audit.Token, await File.ReadAllTextAsync(file));

        Assert.Equal(0, (await Cli.RunAsync(["token", "revoke", "--user", "erin", admin.Id.ToString(), .. Cli.DatabaseArgs(db)])).ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(admin.Token));
        server.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(audit.Token));
    }

    [Fact]
    public async Task IdleLock_NextRequestNeedsPasswordAndKeepsPostedInput()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await AddUserAsync(db, "carol");
        (await server.LoginAsync("carol", CarolPassword)).Dispose();
        var form = await server.Client.GetStringAsync("/");
        server.Time.Advance(TimeSpan.FromMinutes(16));

        using var get = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, get.StatusCode);
        Assert.StartsWith("/unlock", get.Headers.Location!.OriginalString);

        // Posting a form while locked (any protected page): the input is kept for after the unlock.
        using var post = await server.Client.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["note"] = "half-typed text", ["newPassword"] = "Typed-Secret-99", ["__af"] = AntiforgeryFrom(form),
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.StartsWith("/unlock", post.Headers.Location!.OriginalString);

        using var wrong = await server.PostFormAsync("/unlock", new Dictionary<string, string> { ["password"] = "Wrong-Password-1" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var unlocked = await server.PostFormAsync("/unlock", new Dictionary<string, string> { ["password"] = CarolPassword });
        var page = await unlocked.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Contains("name=\"note\" value=\"half-typed text\"", page);
        Assert.Contains("action=\"/\"", page);
        Assert.DoesNotContain("Typed-Secret-99", page);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.unlock' AND outcome = 1"));
    }

    [Fact]
    public async Task AdministrationPages_UserWithoutAdminRole_Denied()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await AddUserAsync(db, "carol");
        (await server.LoginAsync("carol", CarolPassword)).Dispose();

        foreach (var page in new[] { "/admin/users", "/admin/groups", "/admin/tenants", "/admin/access" })
        {
            using var response = await server.Client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/denied", response.Headers.Location!.OriginalString);
        }
        using var forged = await TestServer.PostFormAsync(server.Client, "/account/sessions",
            new Dictionary<string, string> { ["userName"] = "x", ["displayName"] = "x", ["password"] = "Some-Password-123" }, "/admin/users?handler=Create");
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM users WHERE user_name = 'x'"));
    }

    [Fact]
    public async Task MySessions_EndOtherSession_ItStopsWorking()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await AddUserAsync(db, "carol");
        (await server.LoginAsync("carol", CarolPassword)).Dispose();
        var laptop = server.NewBrowser(out var laptopCookies);
        (await TestServer.LoginAsync(laptop, "carol", CarolPassword)).Dispose();
        var token = laptopCookies.GetCookies(server.HttpsUrl)["__Host-custos-session"]!.Value;
        var hash = Convert.ToHexString(Custos.Core.Identity.SecretToken.HashOf(token));
        var other = await db.ScalarGuidAsync($"SELECT id FROM user_sessions WHERE hex(token_hash) = '{hash}'");

        using var ended = await server.PostFormAsync("/account/sessions", new Dictionary<string, string> { ["id"] = other.ToString() });

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'session.revoke'"));
    }

    private static string AntiforgeryFrom(string html) =>
        WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
}
