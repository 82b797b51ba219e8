using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Identity;

public sealed class SetupTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SetupLink_FirstUse_CreatesAdministratorWhoCanLogIn(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        Assert.NotNull(server.SetupPath);

        using var setup = await server.CompleteSetupAsync();
        Assert.Equal(HttpStatusCode.Redirect, setup.StatusCode);
        Assert.StartsWith("/login", setup.Headers.Location!.OriginalString);

        using var login = await server.LoginAsync();
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        // An administrator without a second factor is sent to set one up first (TOM 6.4).
        using var beforeEnrolment = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, beforeEnrolment.StatusCode);
        Assert.Equal("/account/security", beforeEnrolment.Headers.Location!.OriginalString);
        (await server.EnrolTotpAsync()).Dispose();
        using var home = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Ada Lovelace", await home.Content.ReadAsStringAsync());

        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'setup.complete'"));
        Assert.Equal(2, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'role.grant'"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 1"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SetupLink_Reused_RefusedAndAudited(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();

        using var again = await server.CompleteSetupAsync("mallory", "Mallory-Pass-99");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var page = await server.Client.GetAsync(server.SetupPath);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);

        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM users WHERE user_name = 'mallory'"));
        Assert.True(await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'setup.refuse' AND outcome = 3") >= 2);
    }

    [Fact]
    public async Task SetupLink_AfterOneHour_RefusedAndAudited()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        var form = await server.Client.GetAsync(server.SetupPath);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);

        server.Time.Advance(TimeSpan.FromMinutes(61));

        using var late = await server.CompleteSetupAsync();
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM users"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'setup.refuse' AND details LIKE '%expired%'"));
    }

    [Fact]
    public async Task SetupLink_WrongToken_Refused()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);

        using var response = await server.Client.GetAsync("/setup/not-the-token");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'setup.refuse'"));
    }

    [Fact]
    public async Task SetupLink_WeakPassword_ExplainsRuleAndKeepsLinkUsable()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);

        using var weak = await server.CompleteSetupAsync(password: "alllowercase1");
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("upper-case", await weak.Content.ReadAsStringAsync());

        using var good = await server.CompleteSetupAsync();
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
    }

    [Fact]
    public async Task SecondStart_AdministratorExists_IssuesNoSetupLink()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using (var first = await TestServer.StartAsync(db))
            (await first.CompleteSetupAsync()).Dispose();

        await using var second = await TestServer.StartAsync(db);
        Assert.Null(second.Host.SetupLink);
    }
}
