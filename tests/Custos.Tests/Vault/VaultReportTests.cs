using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

/// <summary>The vault's evidence: who can reach an entry and who revealed it, what expires, what one person revealed, offboarding.</summary>
public sealed class VaultReportTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task EntryReport_ShowsWhoHasAccess_AndRevealsSinceTheLastPasswordChange(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        await v.AddUsersAsync("zoe");
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var entry = await carol.CreateEntryAsync(folder, "Firewall", VaultTestSetup.NewSecret("fw"));
        var neighbour = await carol.CreateEntryAsync(folder, "Switch", VaultTestSetup.NewSecret("sw"));

        await erin.RevealValueAsync(entry);
        await erin.RevealValueAsync(neighbour);
        var report = (await carol.GetAsync($"/entries/{entry}/report")).AssertOk().Json;
        var access = report.GetProperty("access").EnumerateArray().ToDictionary(a => a.GetProperty("user").GetString()!, a => a.GetProperty("rights").GetString());
        // ada (administrator, in no group) and zoe (no tenant access) cannot reach the entry, so they are not listed.
        Assert.Equal(new Dictionary<string, string?> { ["carol"] = "use,read,modify,create,manage", ["dave"] = "use", ["erin"] = "use,read" }, access);
        var before = Assert.Single(report.GetProperty("revealsSinceChange").EnumerateArray());
        Assert.Equal("erin", before.GetProperty("user").GetString());
        Assert.Equal("password", before.GetProperty("field").GetString());
        Assert.Equal("api", before.GetProperty("client").GetString());
        Assert.Equal(entry, before.GetProperty("entryId").GetGuid());

        // A new password starts a new story: the earlier reveal no longer counts, a later one does.
        v.Time.Advance(TimeSpan.FromMinutes(1));
        var changedAt = v.Now;
        (await carol.PutAsync($"/entries/{entry}", new { password = VaultTestSetup.NewSecret("fw2"), expectedVersion = 1 })).AssertOk();
        var afterChange = (await carol.GetAsync($"/entries/{entry}/report")).AssertOk().Json;
        Assert.Equal(0, afterChange.GetProperty("revealsSinceChange").GetArrayLength());
        Assert.Equal(changedAt.ToUnixTimeMilliseconds(), afterChange.GetProperty("passwordChangedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        v.Time.Advance(TimeSpan.FromMinutes(1));
        await dave.PostAsync($"/entries/{entry}/reveal", new { field = "password" });
        await erin.RevealValueAsync(entry, "password", 1);
        var later = (await carol.GetAsync($"/entries/{entry}/report")).AssertOk().Json;
        var since = Assert.Single(later.GetProperty("revealsSinceChange").EnumerateArray());
        Assert.Equal("erin", since.GetProperty("user").GetString());
        Assert.Equal(1, since.GetProperty("version").GetInt32());

        // A user grant on the entry shows up with its rights.
        (await carol.PostAsync("/grants", new { entry, user = "dave", rights = "Read" })).AssertOk();
        var withGrant = (await carol.GetAsync($"/entries/{entry}/report")).AssertOk().Json;
        Assert.Equal("use,read", withGrant.GetProperty("access").EnumerateArray().Single(a => a.GetProperty("user").GetString() == "dave")
            .GetProperty("rights").GetString());

        // The report is for Manage holders.
        (await dave.GetAsync($"/entries/{entry}/report")).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await erin.GetAsync($"/entries/{entry}/report")).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Expiring_ListsExpiredAndSoonExpiringEntries_TheCallerMayUse(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var closed = await carol.CreateFolderAsync("Closed", permissions: [new { group = "ops", rights = "Manage" }], inheritRights: false);
        var now = v.Now;
        var expired = await carol.CreateEntryAsync(folder, "Expired", VaultTestSetup.NewSecret(), new { expiresAt = now.AddDays(-1) });
        var soon = await carol.CreateEntryAsync(folder, "Soon", VaultTestSetup.NewSecret(), new { expiresAt = now.AddDays(5) });
        await carol.CreateEntryAsync(folder, "Later", VaultTestSetup.NewSecret(), new { expiresAt = now.AddDays(20) });
        await carol.CreateEntryAsync(folder, "Never", VaultTestSetup.NewSecret());
        var hidden = await carol.CreateEntryAsync(closed, "Hidden soon", VaultTestSetup.NewSecret(), new { expiresAt = now.AddDays(3) });

        static List<(Guid, string)> Rows(Reply r) =>
            r.AssertOk().Json.EnumerateArray().Select(e => (e.GetProperty("entryId").GetGuid(), e.GetProperty("state").GetString()!)).ToList();
        Assert.Equal(new List<(Guid, string)> { (expired, "expired"), (hidden, "expiring"), (soon, "expiring") }, Rows(await carol.GetAsync("/expiring")));
        Assert.Equal(new List<(Guid, string)> { (expired, "expired"), (soon, "expiring") }, Rows(await dave.GetAsync("/expiring")));
        Assert.Equal("expiring", (await dave.GetAsync($"/entries/{soon}")).AssertOk().Json.GetProperty("expiryState").GetString());

        // Time passes: "soon" expires, "later" comes into the warning period (14 days).
        v.Time.Advance(TimeSpan.FromDays(10));
        var rows = Rows(await dave.GetAsync("/expiring"));
        Assert.Equal(new[] { "expired", "expired", "expiring" }, rows.Select(r => r.Item2));
        Assert.Equal("expired", (await dave.GetAsync($"/entries/{soon}")).AssertOk().Json.GetProperty("expiryState").GetString());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RevealsByPerson_AreForAuditorsOnly(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var entry = await carol.CreateEntryAsync(folder, "Firewall", VaultTestSetup.NewSecret("fw"), new { notes = "n" });
        await erin.RevealValueAsync(entry);
        await erin.RevealValueAsync(entry, "notes");
        await carol.RevealValueAsync(entry);

        async Task<Reply> AskAsync(HttpClient client, string user) => await Reply.Of(await client.GetAsync($"/api/v1/vault/reveals?user={user}"));
        // ada is auditor: a token with the audit scope carries that role.
        var auditor = v.Server.NewBrowser(out _);
        auditor.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await v.TokenAsync(TestServer.AdminName, "audit:read"));
        var erins = (await AskAsync(auditor, "erin")).AssertOk().Json.EnumerateArray().ToList();
        Assert.Equal(new[] { "notes", "password" }, erins.Select(r => r.GetProperty("field").GetString()).Order());
        Assert.All(erins, r =>
        {
            Assert.Equal("erin", r.GetProperty("user").GetString());
            Assert.Equal("Firewall", r.GetProperty("entryTitle").GetString());
            Assert.Equal("Acme", r.GetProperty("tenant").GetString());
            Assert.True(r.GetProperty("sinceLastChange").GetBoolean());
        });
        Assert.Single((await AskAsync(auditor, "carol")).AssertOk().Json.EnumerateArray());
        (await AskAsync(auditor, "nobody")).AssertStatus(HttpStatusCode.NotFound);

        // Not an auditor, or ada through a token without the audit scope: refused, and nothing of the record shows.
        var vaultOnlyAda = v.Server.NewBrowser(out _);
        vaultOnlyAda.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await v.TokenAsync(TestServer.AdminName, "vault:read"));
        var (carolBrowser, _) = await v.BrowserSessionAsync("carol");
        foreach (var client in new[] { carol.Http, erin.Http, vaultOnlyAda, carolBrowser })
        {
            var refused = await AskAsync(client, "erin");
            Assert.True(refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"expected a refusal, got {refused}");
            Assert.DoesNotContain("Firewall", refused.Body);
        }
        auditor.Dispose();
        vaultOnlyAda.Dispose();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Offboarding_ListsAndMarksEveryCredentialRevealedSinceItsLastChange(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var revealed = await carol.CreateEntryAsync(folder, "Firewall", VaultTestSetup.NewSecret("fw"), new { totp = "JBSWY3DPEHPK3PXP" });
        var codeOnly = await carol.CreateEntryAsync(folder, "Mail 2FA", VaultTestSetup.NewSecret("mail"), new { totp = "JBSWY3DPEHPK3PXP" });
        var changed = await carol.CreateEntryAsync(folder, "Old router", VaultTestSetup.NewSecret("router"));
        var untouched = await carol.CreateEntryAsync(folder, "Printer", VaultTestSetup.NewSecret("printer"));

        await erin.RevealValueAsync(revealed);
        (await erin.PostAsync($"/entries/{codeOnly}/totp", new { })).AssertOk();
        await erin.RevealValueAsync(changed);
        v.Time.Advance(TimeSpan.FromMinutes(1));
        (await carol.PutAsync($"/entries/{changed}", new { password = VaultTestSetup.NewSecret("router2"), expectedVersion = 1 })).AssertOk();

        var output = await v.RunAsync("user", "disable", "erin");
        var section = output[output.IndexOf("Credentials revealed", StringComparison.Ordinal)..];
        Assert.Contains($"Acme / Firewall ({revealed})", section);
        Assert.DoesNotContain("Mail 2FA", section);
        Assert.DoesNotContain("Old router", section);
        Assert.DoesNotContain("Printer", section);

        async Task<string?> ReasonAsync(Guid id) => (await carol.GetAsync($"/entries/{id}")).AssertOk().Json.GetProperty("rotationReason").GetString();
        Assert.Contains("erin", await ReasonAsync(revealed));
        Assert.Contains("offboarded", await ReasonAsync(revealed));
        Assert.Null(await ReasonAsync(codeOnly));
        Assert.Null(await ReasonAsync(changed));
        Assert.Null(await ReasonAsync(untouched));
        // erin's token died with her account.
        (await erin.GetAsync("/entries")).AssertStatus(HttpStatusCode.Unauthorized);
    }
}
