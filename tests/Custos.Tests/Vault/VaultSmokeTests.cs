using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

public sealed class VaultSmokeTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ReadHolderReveals_UseHolderCannot(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using var server = await TestServer.StartAsync(db);
        await server.CompleteSetupAsync();
        async Task Run(params string[] args)
        {
            var r = await Cli.RunAsync([.. args, .. Cli.DatabaseArgs(db)]);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: {r.Error}");
        }
        foreach (var user in new[] { "carol", "dave" })
        {
            var file = Path.Combine(db.DataDirectory, user + ".pw");
            await File.WriteAllTextAsync(file, "Correct-Horse-42-" + user);
            await Run("user", "add", user, "--password-file", file);
        }
        await Run("tenant", "add", "Acme");
        await Run("group", "add", "ops");
        await Run("group", "add", "helpdesk");
        await Run("group", "add-member", "ops", "carol");
        await Run("group", "add-member", "helpdesk", "dave");
        await Run("tenant", "grant", "Acme", "ops");
        await Run("tenant", "grant", "Acme", "helpdesk");
        await Run("tenant", "vault-grant", "Acme", "ops", "--rights", "manage");
        await Run("tenant", "vault-grant", "Acme", "helpdesk", "--rights", "use");
        var tenant = await db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Acme'");
        string Token(string user)
        {
            var r = Cli.RunAsync(["token", "create", "--user", user, "--scope", "vault:read", "--scope", "vault:write", "--json", .. Cli.DatabaseArgs(db)]).Result;
            Assert.True(r.ExitCode == 0, r.Error);
            return JsonDocument.Parse(r.Output).RootElement.GetProperty("token").GetString()!;
        }
        HttpClient As(string user)
        {
            var client = server.NewBrowser(out _);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
            return client;
        }
        var carol = As("carol");
        var dave = As("dave");
        var api = $"/api/v1/tenants/{tenant}/vault";

        var noPermissions = await carol.PostAsJsonAsync($"{api}/folders", new { name = "Servers" });
        Assert.Equal(HttpStatusCode.BadRequest, noPermissions.StatusCode);
        var folder = await carol.PostAsJsonAsync($"{api}/folders", new { name = "Servers", permissions = Array.Empty<object>() });
        Assert.True(folder.IsSuccessStatusCode, await folder.Content.ReadAsStringAsync());
        var folderId = (await folder.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var entry = await carol.PostAsJsonAsync($"{api}/entries", new
        {
            folderId, title = "Firewall", userName = "admin", password = "Zq7!vR2#kLp9$wXe", urls = new[] { "https://fw.acme.test" },
            permissions = Array.Empty<object>(),
        });
        Assert.True(entry.IsSuccessStatusCode, await entry.Content.ReadAsStringAsync());
        var entryId = (await entry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entry").GetProperty("id").GetGuid();

        var listed = await dave.GetStringAsync($"{api}/entries");
        Assert.Contains("Firewall", listed);
        Assert.DoesNotContain("Zq7!vR2#kLp9$wXe", listed);
        var daveReveal = await dave.PostAsJsonAsync($"{api}/entries/{entryId}/reveal", new { field = "password" });
        Assert.Equal(HttpStatusCode.Forbidden, daveReveal.StatusCode);
        Assert.DoesNotContain("Zq7!vR2#kLp9$wXe", await daveReveal.Content.ReadAsStringAsync());
        var carolReveal = await carol.PostAsJsonAsync($"{api}/entries/{entryId}/reveal", new { field = "password" });
        Assert.Equal("Zq7!vR2#kLp9$wXe", (await carolReveal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString());
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM vault_reveals"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'vault.reveal' AND outcome = 1"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'vault.reveal' AND outcome = 3"));
    }
}
