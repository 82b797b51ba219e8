using System.Net;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>Changing entries: versions and conflicts, the folder's password policy, reuse, rotation and expiry.</summary>
public sealed class VaultEntryTests
{
    private static void AssertSameInstant(DateTimeOffset expected, System.Text.Json.JsonElement actual) =>
        Assert.Equal(expected.ToUnixTimeMilliseconds(), actual.GetDateTimeOffset().ToUnixTimeMilliseconds());

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task StaleWrites_AreRefused_AndHistoryNamesEveryWriterAndTime(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        (await carol.PostAsync("/grants", new { folder, user = "dave", rights = "Modify" })).AssertOk();
        var first = VaultTestSetup.NewSecret("first");
        var t0 = v.Now;
        var entry = await carol.CreateEntryAsync(folder, "Firewall", first);

        v.Time.Advance(TimeSpan.FromMinutes(1));
        var t1 = v.Now;
        var daves = (await dave.PutAsync($"/entries/{entry}", new { title = "Firewall (edge)", expectedVersion = 1 })).AssertOk();
        Assert.Equal(2, daves.Json.GetProperty("entry").GetProperty("version").GetInt32());

        // carol still holds version 1: her change would silently undo dave's, so it is refused.
        v.Time.Advance(TimeSpan.FromMinutes(1));
        var t2 = v.Now;
        var second = VaultTestSetup.NewSecret("second");
        var stale = (await carol.PutAsync($"/entries/{entry}", new { title = "Firewall", password = second, expectedVersion = 1 }))
            .AssertStatus(HttpStatusCode.Conflict, "vault.version_conflict");
        Assert.DoesNotContain(second, stale.Body);
        (await carol.PutAsync($"/entries/{entry}", new { title = "Firewall" })).AssertStatus(HttpStatusCode.BadRequest, "vault.invalid");
        var current = (await carol.GetAsync($"/entries/{entry}")).AssertOk().Json;
        Assert.Equal("Firewall (edge)", current.GetProperty("title").GetString());
        Assert.Equal(first, await carol.RevealValueAsync(entry));
        (await carol.PutAsync($"/entries/{entry}", new { password = second, expectedVersion = 2 })).AssertOk();

        var history = (await carol.GetAsync($"/entries/{entry}/history")).AssertOk().Json.EnumerateArray().ToList();
        Assert.Equal(new[] { 2, 1 }, history.Select(h => h.GetProperty("version").GetInt32()));
        var (v2, v1) = (history[0], history[1]);
        Assert.Equal("user:carol", v1.GetProperty("writtenBy").GetString());
        AssertSameInstant(t0, v1.GetProperty("validFrom"));
        Assert.Equal("user:dave", v1.GetProperty("replacedBy").GetString());
        AssertSameInstant(t1, v1.GetProperty("replacedAt"));
        Assert.Equal("Firewall", v1.GetProperty("snapshot").GetProperty("title").GetString());
        Assert.Equal("user:dave", v2.GetProperty("writtenBy").GetString());
        AssertSameInstant(t1, v2.GetProperty("validFrom"));
        Assert.Equal("user:carol", v2.GetProperty("replacedBy").GetString());
        AssertSameInstant(t2, v2.GetProperty("replacedAt"));
        Assert.Equal("Firewall (edge)", v2.GetProperty("snapshot").GetProperty("title").GetString());

        var now = (await carol.GetAsync($"/entries/{entry}")).AssertOk().Json;
        Assert.Equal(3, now.GetProperty("version").GetInt32());
        Assert.Equal("user:carol", now.GetProperty("modifiedBy").GetString());
        AssertSameInstant(t2, now.GetProperty("modifiedAt"));
        Assert.Equal("user:carol", now.GetProperty("createdBy").GetString());
        AssertSameInstant(t0, now.GetProperty("createdAt"));
        Assert.Equal(first, await carol.RevealValueAsync(entry, version: 1));
        Assert.Equal(first, await carol.RevealValueAsync(entry, version: 2));
        Assert.Equal(second, await carol.RevealValueAsync(entry));
        await using var data = v.Data();
        Assert.Equal(2, await data.VaultEntryVersions.CountAsync(x => x.EntryId == entry));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentChangesFromTheSameVersion_OneWins_TheOthersAreToldToReload(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        for (var round = 0; round < 2; round++)
        {
            var original = VaultTestSetup.NewSecret("original");
            var entry = await carol.CreateEntryAsync(folder, $"Firewall {round}", original);
            var passwords = Enumerable.Range(0, 6).Select(i => VaultTestSetup.NewSecret($"writer{i}")).ToList();
            var replies = await Task.WhenAll(passwords.Select(p => carol.PutAsync($"/entries/{entry}", new { password = p, expectedVersion = 1 })));

            var winner = Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
            Assert.All(replies.Where(r => r != winner), r => r.AssertStatus(HttpStatusCode.Conflict, "vault.version_conflict"));
            var won = passwords[Array.IndexOf(replies, winner)];
            Assert.Equal(won, await carol.RevealValueAsync(entry));
            Assert.Equal(original, await carol.RevealValueAsync(entry, version: 1));
            Assert.Equal(2, await carol.VersionOfAsync(entry));
            Assert.Single((await carol.GetAsync($"/entries/{entry}/history")).AssertOk().Json.EnumerateArray());
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task FolderPolicy_RefusesOrWarns_AndReusedPasswordsAreRefusedAcrossTenants(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var globex = await v.AddTenantAsync("Globex", ("ops", "manage"));
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Servers");

        // The default policy: 12 characters, three classes; breaking it needs a recorded service limitation.
        var weak = "short1";
        var refused = (await carol.CreateEntryRawAsync(folder, "Portal", weak)).AssertStatus(HttpStatusCode.UnprocessableEntity, "vault.policy");
        Assert.Contains("shorter than 12", refused.Body);
        Assert.DoesNotContain(weak, refused.Body);
        var limited = (await carol.CreateEntryRawAsync(folder, "Portal", weak, new { serviceLimitation = "The portal allows six characters." })).AssertOk();
        Assert.NotEmpty(limited.Json.GetProperty("warnings").EnumerateArray());
        Assert.Equal("The portal allows six characters.", limited.Json.GetProperty("entry").GetProperty("serviceLimitation").GetString());

        // Warn mode saves, with the broken rules as warnings; folders below inherit the policy.
        var lenient = await carol.CreateFolderAsync("Lenient", policy: new { mode = "Warn" });
        var below = await carol.CreateFolderAsync("Below", lenient);
        foreach (var (target, password) in new[] { (lenient, "onlylowercaseletters"), (below, "alsoonlylowercase") })
        {
            var warned = (await carol.CreateEntryRawAsync(target, "Legacy " + password, password)).AssertOk();
            Assert.Contains(warned.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("character classes"));
        }
        // A stricter folder: longer, four classes, an expiry date.
        var strict = await carol.CreateFolderAsync("Strict", policy: new { minimumLength = 20, minimumClasses = 4, expiryRequired = true });
        (await carol.CreateEntryRawAsync(strict, "Bank", "Zq7!short-but-ok")).AssertStatus(HttpStatusCode.UnprocessableEntity, "vault.policy");
        var bank = VaultTestSetup.NewSecret("bank");
        (await carol.CreateEntryRawAsync(strict, "Bank", bank)).AssertStatus(HttpStatusCode.UnprocessableEntity, "vault.policy");
        var bankEntry = (await carol.CreateEntryRawAsync(strict, "Bank", bank, new { expiresAt = v.Now.AddDays(90) })).AssertOk()
            .Json.GetProperty("entry").GetProperty("id").GetGuid();

        // Reuse: the same password in another entry, here or in another tenant, is refused without a word of it.
        var reused = (await carol.CreateEntryRawAsync(folder, "Copy", bank)).AssertStatus(HttpStatusCode.UnprocessableEntity, "vault.password_reused");
        Assert.DoesNotContain(bank, reused.Body);
        var globexFolder = await carol.On(globex).CreateFolderAsync("Globex servers");
        (await carol.On(globex).CreateEntryRawAsync(globexFolder, "Copy", bank)).AssertStatus(HttpStatusCode.UnprocessableEntity, "vault.password_reused");
        var other = await carol.CreateEntryAsync(folder, "Other", VaultTestSetup.NewSecret("other"));
        (await carol.PutAsync($"/entries/{other}", new { password = bank, expectedVersion = 1 }))
            .AssertStatus(HttpStatusCode.UnprocessableEntity, "vault.password_reused");
        // An entry keeps its own password through other changes.
        (await carol.PutAsync($"/entries/{bankEntry}", new { title = "Bank (main)", expectedVersion = 1 })).AssertOk();
        // A recorded service limitation lets a shared password through, flagged.
        var shared = (await carol.CreateEntryRawAsync(folder, "Shared", bank, new { serviceLimitation = "Vendor uses one account for both." })).AssertOk();
        Assert.Contains(shared.Json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("same password"));

        await using var data = v.Data();
        Assert.Equal(new[] { "Bank (main)", "Legacy alsoonlylowercase", "Legacy onlylowercaseletters", "Other", "Portal", "Shared" },
            (await data.VaultEntries.Select(e => e.Title).ToListAsync()).Order());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RotateAfterReveal_MarksTheEntryWheneverItsSecretLeavesCustos(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var rotating = await carol.CreateEntryAsync(folder, "Break glass", VaultTestSetup.NewSecret("glass"),
            new { rotateAfterReveal = true, totp = "JBSWY3DPEHPK3PXP" });
        var plain = await carol.CreateEntryAsync(folder, "Printer", VaultTestSetup.NewSecret("printer"));
        async Task<string?> ReasonAsync(Guid id) => (await carol.GetAsync($"/entries/{id}")).AssertOk().Json.GetProperty("rotationReason").GetString();

        // A TOTP code is not the secret itself: no rotation for it.
        (await erin.PostAsync($"/entries/{rotating}/totp", new { })).AssertOk();
        Assert.Null(await ReasonAsync(rotating));
        await erin.RevealValueAsync(rotating);
        await erin.RevealValueAsync(plain);
        Assert.Contains("erin", await ReasonAsync(rotating));
        Assert.Null(await ReasonAsync(plain));

        // A new password settles it...
        var version = await carol.VersionOfAsync(rotating);
        (await carol.PutAsync($"/entries/{rotating}", new { password = VaultTestSetup.NewSecret("new"), expectedVersion = version })).AssertOk();
        Assert.Null(await ReasonAsync(rotating));
        // ... and an export is a reveal like any other.
        (await erin.PostAsync("/export", new { format = "csv" })).AssertOk();
        Assert.Contains("erin", await ReasonAsync(rotating));
        Assert.Null(await ReasonAsync(plain));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ExpiredPassword_InABlockingFolder_CannotBeRevealedThroughAnyVersion(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var folder = await carol.CreateFolderAsync("Rotated", policy: new { blockRevealWhenExpired = true });
        var secret = VaultTestSetup.NewSecret("expiring");
        var entry = await carol.CreateEntryAsync(folder, "VPN", secret, new { expiresAt = v.Now.AddDays(1) });
        // A change of the notes keeps the password: version 1 and version 2 hold the same one.
        (await carol.PutAsync($"/entries/{entry}", new { notes = "moved to new gateway", expectedVersion = 1 })).AssertOk();
        Assert.Equal(secret, await erin.RevealValueAsync(entry));

        v.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal("expired", (await erin.GetAsync($"/entries/{entry}")).AssertOk().Json.GetProperty("expiryState").GetString());
        foreach (var reply in new[] { await erin.RevealAsync(entry), await erin.RevealAsync(entry, version: 2), await erin.RevealAsync(entry, version: 1) })
        {
            reply.AssertStatus(HttpStatusCode.Forbidden, "vault.expired");
            Assert.DoesNotContain(secret, reply.Body);
        }

        // Once the password is changed (and the date moved), it can be revealed again.
        var renewed = VaultTestSetup.NewSecret("renewed");
        (await carol.PutAsync($"/entries/{entry}", new { password = renewed, expiresAt = v.Now.AddDays(30), expectedVersion = 2 })).AssertOk();
        Assert.Equal(renewed, await erin.RevealValueAsync(entry));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task MovingAnEntry_DoesNotHandItsSecretToSomeoneWithoutRead(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        // dave may change entries in "Servers" but not read them; in his own "Scratch" folder he may read and create.
        var servers = await carol.CreateFolderAsync("Servers", permissions: [new { user = "dave", rights = "Modify" }]);
        var scratch = await carol.CreateFolderAsync("Scratch", permissions: [new { user = "dave", rights = "Use, Read, Create" }]);
        var secret = VaultTestSetup.NewSecret("domain");
        var entry = await carol.CreateEntryAsync(servers, "Domain admin", secret);
        (await dave.PutAsync($"/entries/{entry}", new { notes = "checked", expectedVersion = 1 })).AssertOk();
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        var move = await dave.PutAsync($"/entries/{entry}", new { folderId = scratch, expectedVersion = 2 });
        move.AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        var reveal = await dave.RevealAsync(entry);
        Assert.DoesNotContain(secret, reveal.Body);
        reveal.AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        await using var data = v.Data();
        Assert.Equal(servers, (await data.VaultEntries.SingleAsync(e => e.Id == entry)).FolderId);

        // Someone who may read the entry and create in the target moves it.
        (await carol.PutAsync($"/entries/{entry}", new { folderId = scratch, expectedVersion = 2 })).AssertOk();
        Assert.Equal(secret, await dave.RevealValueAsync(entry));
    }
}
