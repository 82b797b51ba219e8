using System.Net;
using Custos.Storage;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

/// <summary>
/// Access is cached between requests (<see cref="Core.Vault.VaultAccessCache"/>); these tests hold it to the promise
/// that a cache never outlives a change: every way rights can shrink counts from the very next request, including a
/// change made behind Custos's back in the database, and a database without the triggers that announce changes is
/// refused at start-up.
/// </summary>
public sealed class VaultAccessCacheTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task EveryRevocation_CountsFromTheNextRequest_ThoughAccessIsCached(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var secret = VaultTestSetup.NewSecret();
        var entry = await carol.CreateEntryAsync(folder, "Firewall", secret);

        // Warm: the same access answers twice.
        Assert.Equal(secret, await erin.RevealValueAsync(entry));
        Assert.Equal(secret, await erin.RevealValueAsync(entry));

        // Group membership taken away (command line, another process's view of the same database).
        await v.RunAsync("group", "remove-member", "readers", "erin");
        (await erin.RevealAsync(entry)).AssertStatus(HttpStatusCode.NotFound);
        await v.RunAsync("group", "add-member", "readers", "erin");
        Assert.Equal(secret, await erin.RevealValueAsync(entry));

        // A vault grant revoked through the API.
        var grant = (await carol.PostAsync("/grants", new { entry, user = "dave", rights = "Use, Read" })).AssertOk().Json.GetProperty("id").GetGuid();
        Assert.Equal(secret, await dave.RevealValueAsync(entry));
        (await carol.DeleteAsync($"/grants/{grant}")).AssertOk();
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        // A time-limited grant ends on its own: no change in the database, only the clock.
        (await carol.PostAsync("/grants", new { entry, user = "dave", rights = "Read", notAfter = v.Now.AddMinutes(30) })).AssertOk();
        Assert.Equal(secret, await dave.RevealValueAsync(entry));
        v.Time.Advance(TimeSpan.FromMinutes(30));
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        // Inheritance broken on the entry: the root grant no longer reaches it.
        Assert.Equal(secret, await erin.RevealValueAsync(entry));
        // SQLite keeps GUIDs as upper-case text.
        var id = kind == TestDatabase.Sqlite ? entry.ToString().ToUpperInvariant() : entry.ToString();
        await v.Db.ExecuteAsync($"UPDATE vault_entries SET inherit_rights = {(kind == TestDatabase.Sqlite ? "0" : "false")} WHERE id = '{id}'");
        (await erin.RevealAsync(entry)).AssertStatus(HttpStatusCode.NotFound);
        await v.Db.ExecuteAsync($"UPDATE vault_entries SET inherit_rights = {(kind == TestDatabase.Sqlite ? "1" : "true")} WHERE id = '{id}'");
        Assert.Equal(secret, await erin.RevealValueAsync(entry));

        // The tenant grant deleted by hand in the database: the tenant is out of reach at once.
        await v.Db.ExecuteAsync("DELETE FROM tenant_grants WHERE group_id = (SELECT id FROM groups WHERE name = 'readers')");
        (await erin.RevealAsync(entry)).AssertStatus(HttpStatusCode.NotFound);
        Assert.Equal(0, (await erin.GetAsync("/entries")).AssertOk().Json.GetArrayLength());
    }

    /// <summary>
    /// What a reveal reads of an entry is cached too; an edit through the API, a change made by hand in the database and a
    /// policy set on a folder higher up all count from the next reveal.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CachedRevealTarget_FollowsEveryChangeOfTheEntryAndItsPolicy(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var customers = await carol.CreateFolderAsync("Customers");
        var acme = await carol.CreateFolderAsync("Acme", parentId: customers);
        var first = VaultTestSetup.NewSecret("first");
        var entry = await carol.CreateEntryAsync(acme, "VPN", first, new { expiresAt = v.Now.AddDays(1) });
        Assert.Equal(first, await erin.RevealValueAsync(entry));
        Assert.Equal(first, await erin.RevealValueAsync(entry));

        // Edited through the API: the new password and its version, at once.
        var second = VaultTestSetup.NewSecret("second");
        (await carol.PutAsync($"/entries/{entry}", new { password = second, expectedVersion = 1 })).AssertOk();
        var revealed = (await erin.RevealAsync(entry)).AssertOk().Json;
        Assert.Equal(second, revealed.GetProperty("value").GetString());
        Assert.Equal(2, revealed.GetProperty("version").GetInt32());

        // The entry has expired and the policy of the folder above (Acme has none of its own) blocks expired passwords.
        v.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(second, await erin.RevealValueAsync(entry));
        (await carol.PatchAsync($"/folders/{customers}", new { policy = new { blockRevealWhenExpired = true } })).AssertOk();
        (await erin.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.expired");

        // The expiry moved by hand in the database (microseconds since the epoch): revealable again from the next request.
        var id = kind == TestDatabase.Sqlite ? entry.ToString().ToUpperInvariant() : entry.ToString();
        await v.Db.ExecuteAsync($"UPDATE vault_entries SET expires_at = {v.Now.AddDays(30).ToUnixTimeMilliseconds() * 1000} WHERE id = '{id}'");
        Assert.Equal(second, await erin.RevealValueAsync(entry));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task CachedTokens_StopAtTheNextRequest_WhenRevokedDisabledOrStrippedOfARole(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var created = System.Text.Json.JsonDocument.Parse(await v.RunAsync("token", "create", "--user", "carol", "--scope", "vault:read", "--json")).RootElement;
        var carol = v.Server.NewBrowser(out _);
        carol.DefaultRequestHeaders.Authorization = new("Bearer", created.GetProperty("token").GetString());
        var folders = $"/api/v1/tenants/{tenant}/vault/folders";
        using (var warm = await carol.GetAsync(folders)) Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        using (var again = await carol.GetAsync(folders)) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await v.RunAsync("token", "revoke", "--user", "carol", created.GetProperty("id").GetString()!);
        using (var revoked = await carol.GetAsync(folders)) Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);

        // A role taken away: the token's auditor scope no longer opens the reveal report.
        await v.RunAsync("user", "grant-role", "erin", "auditor");
        var erin = await v.ConnectAsync("erin", tenant, "audit:read", "vault:read");
        const string report = "/api/v1/vault/reveals?user=carol";
        using (var allowed = await erin.Http.GetAsync(report)) Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        await v.RunAsync("user", "revoke-role", "erin", "auditor");
        using (var refused = await erin.Http.GetAsync(report)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // The owner offboarded.
        var dave = await v.ConnectAsync("dave", tenant);
        (await dave.GetAsync("/folders")).AssertOk();
        await v.RunAsync("user", "disable", "dave");
        (await dave.GetAsync("/folders")).AssertStatus(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// A reveal waits for its record to be committed by the journal, which needs a connection of its own: a reveal
    /// holding its connection meanwhile would let a burst take PostgreSQL's whole (bounded) pool and stall every reveal.
    /// </summary>
    [Fact]
    public async Task MoreRevealsAtOnceThanPooledConnections_AllAnswer()
    {
        await using var v = await VaultTestSetup.StartAsync(TestDatabase.Postgres,
            o => o with { Database = o.Database + ";Maximum Pool Size=4;Timeout=10" });
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var secret = VaultTestSetup.NewSecret();
        var entry = await carol.CreateEntryAsync(await carol.CreateFolderAsync("Servers"), "Firewall", secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, 48).Select(_ => erin.RevealAsync(entry)));
        Assert.All(answers, a => Assert.Equal(secret, a.AssertOk().Json.GetProperty("value").GetString()));
        Assert.Equal(48, await v.Db.ScalarAsync("SELECT COUNT(*) FROM vault_reveals"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task MissingChangeTrigger_IsCreatedAgainAtStartUp(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        Directory.CreateDirectory(db.DataDirectory);
        await DatabaseMigrator.MigrateAsync(db.Settings);
        // As a SQLite migration that rebuilds the table would leave it.
        await db.ExecuteAsync(kind == TestDatabase.Sqlite ? "DROP TRIGGER rights_stamp_tenants_update" : "DROP TRIGGER rights_stamp ON tenants");
        var (yes, no) = kind == TestDatabase.Sqlite ? ("1", "0") : ("true", "false");
        await db.ExecuteAsync($"INSERT INTO tenants (id, name, created_at, is_sensitive) VALUES ('{Guid.NewGuid().ToString().ToUpperInvariant()}', 'Acme', 0, {no})");
        var before = await db.ScalarAsync("SELECT value FROM rights_stamps");
        await DatabaseMigrator.MigrateAsync(db.Settings);

        await db.ExecuteAsync($"UPDATE tenants SET is_sensitive = {yes} WHERE name = 'Acme'");
        Assert.True(await db.ScalarAsync("SELECT value FROM rights_stamps") > before, "marking the tenant sensitive did not move the stamp");
    }
}
