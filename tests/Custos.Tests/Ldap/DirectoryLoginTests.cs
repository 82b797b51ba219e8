using System.Net;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Custos.Tests.Ldap.DirectoryTestSetup;

namespace Custos.Tests.Ldap;

/// <summary>
/// Directory users log in through the normal login form, with the password the directory holds. The web host trusts
/// the directory's CA only through the configured CA folder. Non-administrators only: these tests are about the
/// password check, not about what an administrator must do next.
/// </summary>
public sealed class DirectoryLoginTests
{
    private const string SessionCookie = "__Host-custos-session";

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Login_DirectoryUser_DirectoryPasswordWorksOthersDoNot(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await using var server = await TestServer.StartAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);

        using var wrong = await server.LoginAsync("carol", "Wrong-Password-1");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("User name or password is wrong.", await wrong.Content.ReadAsStringAsync());
        using var empty = await TestServer.LoginAsync(server.NewBrowser(out _), "carol", "");
        Assert.NotEqual(HttpStatusCode.Redirect, empty.StatusCode);

        using var login = await server.LoginAsync("carol", SlapdFixture.PasswordOf("carol"));

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.NotNull(server.Cookies.GetCookies(server.HttpsUrl)[SessionCookie]);
        using var home = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Carol Clark", await home.Content.ReadAsStringAsync());
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 1 AND actor = 'user:carol'"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Login_UserDisabledInDirectoryBeforeSync_Refused(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await using var server = await TestServer.StartAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);

        // Only the AD flag, no ppolicy lock: the directory would still accept dave's bind, so the refusal comes from the
        // user filter being checked again at login.
        ldap.Disable("dave", @lock: false);
        using var flagged = await server.LoginAsync("dave", SlapdFixture.PasswordOf("dave"));
        // With the lock as well (how AD behaves): the bind itself fails.
        ldap.Disable("carol");
        using var locked = await TestServer.LoginAsync(server.NewBrowser(out var jar), "carol", SlapdFixture.PasswordOf("carol"));

        Assert.Equal(HttpStatusCode.Unauthorized, flagged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Contains("User name or password is wrong.", await flagged.Content.ReadAsStringAsync());
        Assert.Null(server.Cookies.GetCookies(server.HttpsUrl)[SessionCookie]);
        Assert.Null(jar.GetCookies(server.HttpsUrl)[SessionCookie]);
        Assert.True((await UserAsync(db, "dave"))!.IsEnabled, "no sync ran; the refusal came from the directory");
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 1"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Login_DirectoryUnreachable_GenericErrorAuditedLocalSessionKeepsWorking(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await using var server = await TestServer.StartAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);
        await AddLocalUserAsync(db, "lena", "Local-Password-42");
        var local = server.NewBrowser(out _);
        using (var localLogin = await TestServer.LoginAsync(local, "lena", "Local-Password-42"))
            Assert.Equal(HttpStatusCode.Redirect, localLogin.StatusCode);

        await ldap.StopAsync();
        using var login = await server.LoginAsync("carol", SlapdFixture.PasswordOf("carol"));

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        var body = await login.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("127.0.0.1", body);
        Assert.Null(server.Cookies.GetCookies(server.HttpsUrl)[SessionCookie]);
        await using (var context = Open(db))
        {
            var failure = await context.AuditEvents.Where(e => e.Action == "auth.login" && e.Actor == "user:carol").SingleAsync();
            Assert.Contains("\"reason\":\"directory-unreachable\"", failure.Details);
            Assert.DoesNotContain(SlapdFixture.PasswordOf("carol"), failure.Details);
        }
        // Sessions are Custos' own: an outage of the directory ends none of them.
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/")).StatusCode);
        using var localAgain = await TestServer.LoginAsync(server.NewBrowser(out _), "lena", "Local-Password-42");
        Assert.Equal(HttpStatusCode.Redirect, localAgain.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SecondFactor_DirectoryUser_ManagesItWithTheDirectoryPassword(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var ldap = await SlapdFixture.StartAsync();
        await using var server = await TestServer.StartAsync(db);
        await ConfigureAsync(db, ldap);
        await SyncOkAsync(db);
        using (var login = await server.LoginAsync("carol", SlapdFixture.PasswordOf("carol")))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        using (var enrolled = await server.EnrolTotpAsync())
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);

        // The local hash of a directory user is unusable: only the directory's password proves it is them.
        using var wrong = await server.PostFormAsync("/account/security", new Dictionary<string, string> { ["password"] = "Wrong-Password-1" },
            "/account/security?handler=remove");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.NotNull((await UserAsync(db, "carol"))!.TotpConfirmedAt);
        using var removed = await server.PostFormAsync("/account/security",
            new Dictionary<string, string> { ["password"] = SlapdFixture.PasswordOf("carol") }, "/account/security?handler=remove");

        Assert.True(removed.IsSuccessStatusCode, $"status {(int)removed.StatusCode}");
        Assert.Null((await UserAsync(db, "carol"))!.TotpConfirmedAt);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.totp.remove' AND outcome = 1"));
    }
}
