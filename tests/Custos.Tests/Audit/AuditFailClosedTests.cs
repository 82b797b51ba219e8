using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Audit;

public sealed class AuditFailClosedTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Setup_AuditInsertFails_ChangeRolledBackAndLinkStillValid(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        var eventsBefore = await db.ScalarAsync("SELECT COUNT(*) FROM audit_events");

        await BreakAuditAsync(db);
        using var failed = await server.CompleteSetupAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.DoesNotContain("audit store unavailable", await failed.Content.ReadAsStringAsync());
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM users"));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM user_roles"));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM setup_tokens WHERE used_at IS NOT NULL"));
        Assert.Equal(eventsBefore, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events"));

        await RepairAuditAsync(db);
        using var retried = await server.CompleteSetupAsync();
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM users"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Login_AuditInsertFails_NoSessionCreated(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();

        await BreakAuditAsync(db);
        using var login = await server.LoginAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, login.StatusCode);
        Assert.False(login.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("__Host-custos-session")));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM user_sessions"));
    }

    /// <summary>A trigger that makes every audit insert fail, as a full disk or a broken table would.</summary>
    internal static Task BreakAuditAsync(TestDatabase db) => db.Kind == TestDatabase.Sqlite
        ? db.ExecuteAsync("CREATE TRIGGER audit_fail BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;")
        : db.ExecuteAsync("""
            CREATE FUNCTION audit_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER audit_fail BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_fail();
            """);

    internal static Task RepairAuditAsync(TestDatabase db) => db.ExecuteAsync("DROP TRIGGER audit_fail" + (db.Kind == TestDatabase.Sqlite ? "" : " ON audit_events"));
}
