using System.Net;
using System.Text.Json;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>Who may do what: inheritance and breaking it, entry grants, grants with a time window, explicit permissions, token scopes.</summary>
public sealed class VaultRightsTests
{
    private static IEnumerable<Guid> Ids(Reply list) => list.AssertOk().Json.EnumerateArray().Select(x => x.GetProperty("id").GetGuid());

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Rights_FlowDownTheTree_UntilAFolderOrEntryBreaksInheritance(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var erin = await v.ConnectAsync("erin", tenant);

        // Root rights reach two levels down.
        var servers = await carol.CreateFolderAsync("Servers");
        var db = await carol.CreateFolderAsync("DB", servers);
        var dbSecret = VaultTestSetup.NewSecret("db");
        var dbEntry = await carol.CreateEntryAsync(db, "Postgres", dbSecret);
        Assert.Equal(dbSecret, await erin.RevealValueAsync(dbEntry));
        Assert.Contains(dbEntry, Ids(await dave.GetAsync("/entries")));
        (await dave.RevealAsync(dbEntry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        // A folder that breaks inheritance keeps only its own grants, for itself and everything below it.
        var board = await carol.CreateFolderAsync("Board", permissions: [new { group = "ops", rights = "Manage" }], inheritRights: false);
        var minutes = await carol.CreateFolderAsync("Minutes", board);
        var boardSecret = VaultTestSetup.NewSecret("board");
        var boardEntry = await carol.CreateEntryAsync(minutes, "Board portal", boardSecret);
        Assert.Equal(boardSecret, await carol.RevealValueAsync(boardEntry));
        foreach (var outsider in new[] { dave, erin })
        {
            (await outsider.GetAsync($"/entries/{boardEntry}")).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");
            (await outsider.RevealAsync(boardEntry)).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");
            Assert.DoesNotContain(boardEntry, Ids(await outsider.GetAsync("/entries")));
            Assert.DoesNotContain(board, Ids(await outsider.GetAsync("/folders")));
            Assert.DoesNotContain(minutes, Ids(await outsider.GetAsync("/folders")));
        }

        // An entry that breaks inheritance, inside a folder everyone reads.
        var rootEntry = await carol.CreateEntryAsync(servers, "Domain admin", VaultTestSetup.NewSecret("root"),
            new { inheritRights = false, permissions = new[] { new { group = "ops", rights = "Manage" } } });
        (await erin.RevealAsync(rootEntry)).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");
        Assert.Equal(dbSecret, await erin.RevealValueAsync(dbEntry));

        // Entry grants reach one entry only; the folders above it become visible (names only) so it can be found.
        var minutesOther = await carol.CreateEntryAsync(minutes, "Board mail", VaultTestSetup.NewSecret("mail"));
        var erinOnEntry = (await carol.PostAsync("/grants", new { entry = minutesOther, user = "erin", rights = "Use, Read" })).AssertOk();
        Assert.NotEqual(Guid.Empty, erinOnEntry.Json.GetProperty("id").GetGuid());
        Assert.NotEmpty(await erin.RevealValueAsync(minutesOther));
        (await erin.RevealAsync(boardEntry)).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");
        Assert.Contains(minutesOther, Ids(await erin.GetAsync("/entries")));
        Assert.DoesNotContain(boardEntry, Ids(await erin.GetAsync("/entries")));
        var erinFolders = Ids(await erin.GetAsync("/folders")).ToList();
        Assert.Contains(board, erinFolders);
        Assert.Contains(minutes, erinFolders);
        var grantOnRootEntry = (await carol.PostAsync("/grants", new { entry = rootEntry, user = "erin", rights = "Read" })).AssertOk();
        Assert.NotEmpty(await erin.RevealValueAsync(rootEntry));

        // A folder grant flows to the folders below the break.
        var daveOnBoard = (await carol.PostAsync("/grants", new { folder = board, user = "dave", rights = "Read" })).AssertOk().Json.GetProperty("id").GetGuid();
        Assert.Equal(boardSecret, await dave.RevealValueAsync(boardEntry));
        // Taking it back takes the rights back.
        (await carol.DeleteAsync($"/grants/{daveOnBoard}")).AssertOk();
        (await dave.RevealAsync(boardEntry)).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");
        (await carol.DeleteAsync($"/grants/{grantOnRootEntry.Json.GetProperty("id").GetGuid()}")).AssertOk();
        (await erin.RevealAsync(rootEntry)).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");

        // Restoring inheritance lets the root rights in again (Use for dave, Read for erin).
        (await carol.PatchAsync($"/folders/{board}", new { inheritRights = true })).AssertOk();
        Assert.Equal(boardSecret, await erin.RevealValueAsync(boardEntry));
        (await dave.RevealAsync(boardEntry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        // Only Manage changes inheritance.
        (await erin.PatchAsync($"/folders/{board}", new { inheritRights = false })).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task TimeLimitedGrants_AreLiveOnlyInsideTheirWindow(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        await v.AddUsersAsync("zoe");
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var zoe = await v.ConnectAsync("zoe", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var nowSecret = VaultTestSetup.NewSecret("now");
        var laterSecret = VaultTestSetup.NewSecret("later");
        var now = await carol.CreateEntryAsync(folder, "Until ten past", nowSecret);
        var later = await carol.CreateEntryAsync(folder, "From in an hour", laterSecret);
        var start = new DateTimeOffset(v.Now.UtcTicks - v.Now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

        (await carol.PostAsync("/grants", new { entry = now, user = "dave", rights = "Read", notAfter = start.AddMinutes(10) })).AssertOk();
        (await carol.PostAsync("/grants", new { entry = later, user = "dave", rights = "Read", notBefore = start.AddHours(1), notAfter = start.AddHours(2) })).AssertOk();
        // A window that ends before it starts is refused.
        (await carol.PostAsync("/grants", new { entry = later, user = "dave", rights = "Read", notBefore = start.AddHours(2), notAfter = start.AddHours(1) }))
            .AssertStatus(HttpStatusCode.BadRequest, "vault.invalid");
        // A grant to someone outside the tenant gives nothing: reaching the tenant comes first.
        (await carol.PostAsync("/grants", new { entry = now, user = "zoe", rights = "Read" })).AssertOk();
        (await zoe.RevealAsync(now)).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");

        Assert.Equal(nowSecret, await dave.RevealValueAsync(now));
        (await dave.RevealAsync(later)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        var laterGrants = (await carol.GetAsync($"/grants?entry={later}")).AssertOk().Json.EnumerateArray().ToList();
        Assert.False(Assert.Single(laterGrants).GetProperty("live").GetBoolean());
        Assert.True((await carol.GetAsync($"/grants?entry={now}")).AssertOk().Json.EnumerateArray()
            .Single(g => g.GetProperty("user").GetString() == "dave").GetProperty("live").GetBoolean());

        // One second after the end, the grant is over (dave keeps only his Use from the root).
        v.Time.Advance(start.AddMinutes(10).AddSeconds(1) - v.Now);
        (await dave.RevealAsync(now)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await dave.RevealAsync(later)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        // Its start reached, the other one is live, until its own end.
        v.Time.Advance(start.AddHours(1).AddSeconds(1) - v.Now);
        Assert.Equal(laterSecret, await dave.RevealValueAsync(later));
        v.Time.Advance(start.AddHours(2) - v.Now);
        (await dave.RevealAsync(later)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Permissions_MustBeChosenExplicitly_AndOnlyManageHandsThemOut(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        await v.AddUsersAsync("carol", "ed");
        await v.AddGroupAsync("ops", "carol");
        await v.AddGroupAsync("editors", "ed");
        var tenant = await v.AddTenantAsync("Acme", ("ops", "manage"), ("editors", "create"));
        var carol = await v.ConnectAsync("carol", tenant);
        var ed = await v.ConnectAsync("ed", tenant);
        var folder = await carol.CreateFolderAsync("Servers");

        // Leaving 'permissions' out is never taken as "whatever the default is".
        (await carol.PostAsync("/folders", new { name = "No choice" })).AssertStatus(HttpStatusCode.BadRequest, "vault.permissions_required");
        (await carol.PostAsync("/entries", new { folderId = folder, title = "No choice", password = VaultTestSetup.NewSecret() }))
            .AssertStatus(HttpStatusCode.BadRequest, "vault.permissions_required");
        var noPermissionsImport = new MultipartFormDataContent
        {
            { new ByteArrayContent("Title,Username,Password\nImported,root,Zq7!imported-x9\n"u8.ToArray()), "file", "in.csv" },
            { new StringContent("csv"), "format" }, { new StringContent("Imported"), "folderName" },
        };
        (await carol.SendAsync(HttpMethod.Post, "/import", noPermissionsImport)).AssertStatus(HttpStatusCode.BadRequest, "vault.permissions_required");

        // Create without Manage: inheriting is fine, choosing rights or breaking inheritance is not.
        var edFolder = await ed.CreateFolderAsync("Ed's");
        Assert.Equal("use,create", (await ed.GetAsync("/folders")).Json.EnumerateArray().Single(f => f.GetProperty("id").GetGuid() == edFolder)
            .GetProperty("rights").GetString());
        var edEntry = await ed.CreateEntryAsync(folder, "Ed's entry", VaultTestSetup.NewSecret("ed"));
        var explicitRights = new[] { new { group = "editors", rights = "Read" } };
        (await ed.PostAsync("/folders", new { name = "Mine", permissions = explicitRights })).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await ed.PostAsync("/folders", new { name = "Closed", permissions = Array.Empty<object>(), inheritRights = false }))
            .AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await ed.CreateEntryRawAsync(folder, "Mine", VaultTestSetup.NewSecret(), new { permissions = explicitRights }))
            .AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await ed.CreateEntryRawAsync(folder, "Closed", VaultTestSetup.NewSecret(), new { inheritRights = false }))
            .AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        var edImport = new MultipartFormDataContent
        {
            { new ByteArrayContent("Title,Username,Password\nImported,root,Zq7!imported-x9\n"u8.ToArray()), "file", "in.csv" },
            { new StringContent("csv"), "format" }, { new StringContent("Imported"), "folderName" },
            { new StringContent("[{\"group\":\"editors\",\"rights\":\"Use, Read\"}]"), "permissions" },
        };
        (await ed.SendAsync(HttpMethod.Post, "/import", edImport)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await ed.PostAsync("/grants", new { folder, group = "editors", rights = "Read" })).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        // Create is not Read: ed wrote the password but may not reveal it.
        (await ed.RevealAsync(edEntry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        // A Manage holder chooses rights, and they are what the grants list shows.
        var chosen = await carol.CreateFolderAsync("Chosen", permissions: [new { group = "editors", rights = "Use, Read" }]);
        var grants = (await carol.GetAsync($"/grants?folder={chosen}")).AssertOk();
        var grant = Assert.Single(grants.Json.EnumerateArray());
        Assert.Equal("editors", grant.GetProperty("group").GetString());
        Assert.Equal("use,read", grant.GetProperty("rights").GetString());
        Assert.Equal("user:carol", grant.GetProperty("grantedBy").GetString());

        await using var data = v.Data();
        Assert.Equal(new[] { "Chosen", "Ed's", "Servers" }, (await data.VaultFolders.Select(f => f.Name).ToListAsync()).Order());
        Assert.Equal(new[] { "Ed's entry" }, await data.VaultEntries.Select(e => e.Title).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task TokenScopes_AndCookieAntiforgery_GuardEveryChange(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var secret = VaultTestSetup.NewSecret();
        var entry = await carol.CreateEntryAsync(folder, "Firewall", secret);

        var readOnly = await v.ConnectAsync("carol", tenant, "vault:read");
        Assert.Contains(entry, Ids(await readOnly.GetAsync("/entries")));
        Assert.Equal(secret, await readOnly.RevealValueAsync(entry));
        foreach (var (route, reply) in new[]
                 {
                     ("create folder", await readOnly.PostAsync("/folders", new { name = "New", permissions = Array.Empty<object>() })),
                     ("create entry", await readOnly.CreateEntryRawAsync(folder, "New", VaultTestSetup.NewSecret())),
                     ("update entry", await readOnly.PutAsync($"/entries/{entry}", new { title = "New", expectedVersion = 1 })),
                     ("grant", await readOnly.PostAsync("/grants", new { folder, user = "dave", rights = "Read" })),
                     ("import", await readOnly.SendAsync(HttpMethod.Post, "/import", new MultipartFormDataContent
                     {
                         { new ByteArrayContent("Title,Password\nX,Zq7!imported-x9\n"u8.ToArray()), "file", "in.csv" },
                         { new StringContent("csv"), "format" }, { new StringContent("Imported"), "folderName" }, { new StringContent("[]"), "permissions" },
                     })),
                 })
        {
            reply.AssertStatus(HttpStatusCode.Forbidden);
            Assert.Contains("vault:write", reply.Body);
        }

        var writeOnly = await v.ConnectAsync("carol", tenant, "vault:write");
        (await writeOnly.GetAsync("/entries")).AssertStatus(HttpStatusCode.Forbidden);
        var writeOnlyReveal = (await writeOnly.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden);
        Assert.DoesNotContain(secret, writeOnlyReveal.Body);
        (await writeOnly.PostAsync("/export", new { format = "csv" })).AssertStatus(HttpStatusCode.Forbidden);
        await writeOnly.CreateFolderAsync("Written");
        var auditOnly = await v.ConnectAsync("carol", tenant, "audit:read");
        (await auditOnly.GetAsync("/entries")).AssertStatus(HttpStatusCode.Forbidden);
        (await auditOnly.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden);

        // A browser session reads freely, but every change and every reveal needs the page's anti-forgery token.
        var (browser, antiforgery) = await v.BrowserSessionAsync("carol");
        var cookie = new VaultClient(browser, tenant);
        Assert.Contains(entry, Ids(await cookie.GetAsync("/entries")));
        (await cookie.PostAsync("/folders", new { name = "Forged", permissions = Array.Empty<object>() })).AssertStatus(HttpStatusCode.BadRequest);
        var forgedReveal = (await cookie.RevealAsync(entry)).AssertStatus(HttpStatusCode.BadRequest);
        Assert.DoesNotContain(secret, forgedReveal.Body);
        (await cookie.PutAsync($"/entries/{entry}", new { title = "Forged", expectedVersion = 1 })).AssertStatus(HttpStatusCode.BadRequest);
        (await cookie.PostAsync("/export", new { format = "csv" })).AssertStatus(HttpStatusCode.BadRequest);
        (await cookie.SendAsync(HttpMethod.Post, "/import", new MultipartFormDataContent
        {
            { new ByteArrayContent("Title,Password\nX,Zq7!imported-x9\n"u8.ToArray()), "file", "in.csv" },
            { new StringContent("csv"), "format" }, { new StringContent("Forged"), "folderName" }, { new StringContent("[]"), "permissions" },
        })).AssertStatus(HttpStatusCode.BadRequest);
        // Another person's token does not fit this session.
        var (_, davesToken) = await v.BrowserSessionAsync("dave");
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", davesToken);
        (await cookie.PostAsync("/folders", new { name = "Forged", permissions = Array.Empty<object>() })).AssertStatus(HttpStatusCode.BadRequest);
        browser.DefaultRequestHeaders.Remove("RequestVerificationToken");
        // With its own token the same calls work.
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", antiforgery);
        await cookie.CreateFolderAsync("From the browser");
        Assert.Equal(secret, await cookie.RevealValueAsync(entry));

        await using var data = v.Data();
        Assert.Equal(new[] { "From the browser", "Servers", "Written" }, (await data.VaultFolders.Select(f => f.Name).ToListAsync()).Order());
        Assert.Equal("Firewall", (await data.VaultEntries.SingleAsync()).Title);
        Assert.Equal(new[] { "api", "web" }, (await data.VaultReveals.Select(r => r.Client).ToListAsync()).Order());
    }
}
