using System.Net;
using System.Text.Json;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Audit;

public sealed class AuditPageTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AuditPage_Auditor_SeesEventsAndTheViewIsAudited(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginAsync(password: "Wrong-Password-1")).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();

        using var page = await server.Client.GetAsync("/audit");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        foreach (var action in new[] { "setup.link.issue", "setup.complete", "role.grant", "auth.login", "keys.master.create", "auth.totp.enrol" })
            Assert.Contains($"<td>{action}</td>", html);
        Assert.Contains("user:ada", html);
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'audit.view' AND actor = 'user:ada'"));
    }

    [Fact]
    public async Task AuditPage_Filters_NarrowTheList()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();

        var html = await (await server.Client.GetAsync("/audit?action=role.grant")).Content.ReadAsStringAsync();
        Assert.Contains("<td>role.grant</td>", html);
        Assert.DoesNotContain("<td>auth.login</td>", html);

        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm");
        var none = await (await server.Client.GetAsync($"/audit?since={future}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<td>role.grant</td>", none);

        using var bad = await server.Client.GetAsync("/audit?tenant=not-a-guid");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task AuditPage_AdministratorWithoutAuditorRole_Denied()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync(grantAuditor: false)).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();

        using var page = await server.Client.GetAsync("/audit");
        using var export = await server.Client.GetAsync("/audit/export");
        using var api = await server.Client.GetAsync("/api/v1/audit/events");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/denied", page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, export.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.DoesNotContain("<a href=\"/audit\">", await (await server.Client.GetAsync("/")).Content.ReadAsStringAsync());
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action IN ('audit.view', 'audit.export')"));
    }

    [Fact]
    public async Task AuditPage_Anonymous_SentToLogin()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);

        using var page = await server.Client.GetAsync("/audit");
        using var api = await server.Client.GetAsync("/api/v1/audit/events");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?returnUrl=%2Faudit", page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Export_Auditor_GetsJsonLinesAndExportIsAudited(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();

        using var export = await server.Client.GetAsync("/audit/export");
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Contains(events, e => e.GetProperty("action").GetString() == "audit.export");
        Assert.All(events, e => Assert.Equal(64, e.GetProperty("hash").GetString()!.Length));
        Assert.DoesNotContain(TestServer.AdminPassword, string.Join("\n", lines));
        Assert.DoesNotContain(server.TotpSecret!, string.Join("\n", lines));
        Assert.All(server.RecoveryCodes, code => Assert.DoesNotContain(code, string.Join("\n", lines)));
    }
}
