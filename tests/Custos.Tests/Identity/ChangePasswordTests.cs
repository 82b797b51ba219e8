using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Identity;

public sealed class ChangePasswordTests
{
    private const string Original = "Carol-Secret-2026";

    private static Task<HttpResponseMessage> ChangeAsync(TestServer server, string current, string next, string? repeat = null) =>
        server.PostFormAsync("/account/password", new Dictionary<string, string> { ["current"] = current, ["next"] = next, ["repeat"] = repeat ?? next });

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Change_RightCurrentPassword_NewWorksOldFailsOtherSessionsEnd(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        await AdministrationTests.AddUserAsync(db, "carol", Original);
        (await server.LoginAsync("carol", Original)).Dispose();
        using var laptop = server.NewBrowser(out _);
        (await TestServer.LoginAsync(laptop, "carol", Original)).Dispose();

        using var changed = await ChangeAsync(server, Original, "Blue-Harbour-Lantern-7");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("Password changed", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.GetAsync("/")).StatusCode);
        using var fresh = server.NewBrowser(out _);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestServer.LoginAsync(fresh, "carol", Original)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await TestServer.LoginAsync(fresh, "carol", "Blue-Harbour-Lantern-7")).StatusCode);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'user.password.change' AND outcome = 1"));
    }

    [Fact]
    public async Task Change_WrongCurrentOrMismatchOrWeak_RefusedWithReason()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await AdministrationTests.AddUserAsync(db, "carol", Original);
        (await server.LoginAsync("carol", Original)).Dispose();

        using var wrong = await ChangeAsync(server, "Not-My-Password-1", "Blue-Harbour-Lantern-7");
        using var mismatch = await ChangeAsync(server, Original, "Blue-Harbour-Lantern-7", "Blue-Harbour-Lantern-8");
        using var weak = await ChangeAsync(server, Original, "Password1234");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("User name or password is wrong", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("The two new passwords differ", await mismatch.Content.ReadAsStringAsync());
        Assert.Contains("too common or too easy to guess", await weak.Content.ReadAsStringAsync());
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'user.password.change' AND outcome = 2"));
        Assert.Equal(HttpStatusCode.Redirect, (await server.NewBrowser(out _).GetAsync("/")).StatusCode);
        using var again = server.NewBrowser(out _);
        Assert.Equal(HttpStatusCode.Redirect, (await TestServer.LoginAsync(again, "carol", Original)).StatusCode);
    }

    [Fact]
    public async Task Change_ToOneOfLastFive_RefusedThenAllowedOnceOutOfHistory()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        await AdministrationTests.AddUserAsync(db, "carol", Original);
        (await server.LoginAsync("carol", Original)).Dispose();
        string[] passwords = ["Amber-Falcon-Ridge-1", "Amber-Falcon-Ridge-2", "Amber-Falcon-Ridge-3", "Amber-Falcon-Ridge-4", "Amber-Falcon-Ridge-5"];

        var current = Original;
        foreach (var next in passwords)
        {
            server.Time.Advance(TimeSpan.FromMinutes(1));
            using var step = await ChangeAsync(server, current, next);
            Assert.Equal(HttpStatusCode.OK, step.StatusCode);
            current = next;
            using var back = await ChangeAsync(server, current, Original);
            if (next != passwords[^1])
            {
                Assert.Equal(HttpStatusCode.BadRequest, back.StatusCode);
                Assert.Contains("last five", await back.Content.ReadAsStringAsync());
            }
            else
            {
                // Five newer passwords since: the original has left the history.
                Assert.Equal(HttpStatusCode.OK, back.StatusCode);
            }
        }
    }
}
