using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Identity;

/// <summary>The administration pages as an administrator uses them: every step through the web forms alone.</summary>
public sealed class AdministrationPagesTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Administrator_CreatesUserGroupTenantAndGrant_ThroughPages(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();

        async Task Post(string page, string handler, Dictionary<string, string> fields)
        {
            using var response = await server.PostFormAsync(page, fields, $"{page}?handler={handler}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK && body.Contains("Done."), $"{page} {handler}: {(int)response.StatusCode}");
        }

        await Post("/admin/users", "Create", new() { ["userName"] = "frank", ["displayName"] = "Frank Support", ["password"] = "Frank-Secret-2026" });
        await Post("/admin/groups", "Create", new() { ["name"] = "support", ["description"] = "First-level support" });
        await Post("/admin/groups", "Add", new() { ["groupName"] = "support", ["userName"] = "frank" });
        await Post("/admin/tenants", "Create", new() { ["name"] = "Gamma GmbH" });
        var tenant = await db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Gamma GmbH'");
        await Post("/admin/tenants", "Grant", new() { ["scope"] = tenant.ToString(), ["groupName"] = "support" });

        var who = await server.Client.GetStringAsync($"/admin/access?tenant={tenant}");
        Assert.Contains("<td>frank</td>", who);
        Assert.Contains("<td>support</td>", who);
        // The administrator manages access without holding it.
        Assert.DoesNotContain("<td>ada</td>", who);
        using var own = await server.Client.GetAsync($"/api/v1/tenants/{tenant}");
        Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);

        using var frank = server.NewBrowser(out _);
        (await TestServer.LoginAsync(frank, "frank", "Frank-Secret-2026")).Dispose();
        Assert.Contains("Gamma GmbH", await frank.GetStringAsync("/api/v1/tenants"));

        using var offboard = await server.PostFormAsync("/admin/users", new Dictionary<string, string> { ["userName"] = "frank", ["change"] = "disable" },
            "/admin/users?handler=Change");
        var report = await offboard.Content.ReadAsStringAsync();
        Assert.Contains("Gamma GmbH (support)", report);
        Assert.Equal(HttpStatusCode.Unauthorized, (await frank.GetAsync("/api/v1/tenants")).StatusCode);
        foreach (var action in new[] { "user.create", "group.create", "group.member.add", "tenant.create", "tenant.grant", "user.disable" })
            Assert.Equal(1, await db.ScalarAsync($"SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND actor = 'user:ada'"));
    }

    [Fact]
    public async Task UsersPage_WeakPassword_ExplainsWhichRuleFailed()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var server = await TestServer.StartAsync(db);
        (await server.CompleteSetupAsync()).Dispose();
        (await server.LoginWithTotpAsync()).Dispose();

        using var common = await server.PostFormAsync("/admin/users", new Dictionary<string, string>
        {
            ["userName"] = "gina", ["password"] = "Password123",
        }, "/admin/users?handler=Create");

        Assert.Equal(HttpStatusCode.BadRequest, common.StatusCode);
        Assert.Contains("too common or too easy to guess", await common.Content.ReadAsStringAsync());
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM users WHERE user_name = 'gina'"));
    }
}
