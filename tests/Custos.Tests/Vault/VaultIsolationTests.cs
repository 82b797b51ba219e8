using System.Net;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Vault;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>
/// Tenants never meet: ids of another tenant answer 404 on every route, exactly like ids that do not exist, and each
/// such attempt is on record as a refusal.
/// </summary>
public sealed class VaultIsolationTests
{
    /// <summary>Globex's vault: a folder, an entry with an attachment, a grant and a pending access request.</summary>
    private sealed record Globex(Guid Tenant, Guid Folder, Guid Entry, Guid Attachment, Guid Grant, Guid Request, string Secret);

    private static async Task<Globex> GlobexAsync(VaultTestSetup v, Guid tenant)
    {
        var bob = await v.ConnectAsync("bob", tenant);
        var mia = await v.ConnectAsync("mia", tenant);
        var secret = VaultTestSetup.NewSecret("globex");
        var folder = await bob.CreateFolderAsync("Globex servers");
        var entry = await bob.CreateEntryAsync(folder, "Globex router", secret, new { totp = "JBSWY3DPEHPK3PXP" });
        var upload = new MultipartFormDataContent { { new ByteArrayContent("globex-file"u8.ToArray()), "file", "globex.txt" } };
        var attachment = (await bob.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments", upload)).AssertOk().Json.GetProperty("id").GetGuid();
        var grant = (await bob.PostAsync("/grants", new { folder, group = "blue", rights = "Use, Read" })).AssertOk().Json.GetProperty("id").GetGuid();
        // An entry only bob may use, so that mia (who reaches Globex) has something to ask for.
        var closed = await bob.CreateEntryAsync(folder, "Globex vault", VaultTestSetup.NewSecret("closed"),
            new { inheritRights = false, permissions = new[] { new { user = "bob", rights = "Manage" } } });
        var request = (await mia.PostAsync($"/entries/{closed}/access-requests", new { hours = 2, reason = "audit" })).AssertOk().Json.GetProperty("id").GetGuid();
        return new Globex(tenant, folder, entry, attachment, grant, request, secret);
    }

    private static async Task<long> DeniedAsync(VaultTestSetup v, string actor)
    {
        await using var data = v.Data();
        return await data.AuditEvents.LongCountAsync(a => a.Actor == actor && a.Outcome == AuditOutcome.Denied);
    }

    private static async Task<AuditEvent> LastDeniedAsync(VaultTestSetup v, string actor)
    {
        await using var data = v.Data();
        return await data.AuditEvents.Where(a => a.Actor == actor && a.Outcome == AuditOutcome.Denied).OrderByDescending(a => a.Sequence).FirstAsync();
    }

    /// <summary>Every call must answer 404 without a word of the other tenant, and leave exactly one refusal on record.</summary>
    private static async Task AssertRefusedAsync(VaultTestSetup v, string actor, Guid urlTenant, Globex g, IEnumerable<(string Route, Guid Target, Func<Task<Reply>> Call)> calls)
    {
        foreach (var (route, target, call) in calls)
        {
            var before = await DeniedAsync(v, actor);
            var reply = await call();
            Assert.True(reply.Status == HttpStatusCode.NotFound, $"{route}: expected 404, got {reply}");
            Assert.Equal("vault.not_found", reply.Code);
            Assert.DoesNotContain(g.Secret, reply.Body);
            Assert.DoesNotContain("Globex", reply.Body);
            Assert.True(await DeniedAsync(v, actor) == before + 1, $"{route}: the refusal was not recorded");
            var recorded = await LastDeniedAsync(v, actor);
            Assert.Equal(urlTenant, recorded.TenantId.Value);
            Assert.True(recorded.Target?.Contains(target.ToString()) == true, $"{route}: recorded target {recorded.Target}, expected {target}");
        }
    }

    private static MultipartFormDataContent CsvImport(Guid? parent)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent("Title,Username,Password\nImported,root,Zq7!imported-x9\n"u8.ToArray()), "file", "in.csv" },
            { new StringContent("csv"), "format" },
            { new StringContent("Imported"), "folderName" },
            { new StringContent("[]"), "permissions" },
        };
        if (parent is { } p) form.Add(new StringContent(p.ToString()), "parent");
        return form;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task AnotherTenantsIds_Answer404OnEveryRoute_AndAreRecorded(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        await v.AddUsersAsync("carol", "bob", "mia");
        await v.AddGroupAsync("ops", "carol");
        await v.AddGroupAsync("blue", "bob");
        await v.AddGroupAsync("blue-help", "mia");
        var acme = await v.AddTenantAsync("Acme", ("ops", "manage"));
        var globexId = await v.AddTenantAsync("Globex", ("blue", "manage"), ("blue-help", "use"));
        var g = await GlobexAsync(v, globexId);
        var carol = await v.ConnectAsync("carol", acme);
        var ownFolder = await carol.CreateFolderAsync("Acme servers");
        var ownEntry = await carol.CreateEntryAsync(ownFolder, "Acme router", VaultTestSetup.NewSecret("acme"));

        await AssertRefusedAsync(v, "user:carol", acme, g,
        [
            ("GET entry", g.Entry, () => carol.GetAsync($"/entries/{g.Entry}")),
            ("PUT entry", g.Entry, () => carol.PutAsync($"/entries/{g.Entry}", new { title = "x", expectedVersion = 1 })),
            ("GET history", g.Entry, () => carol.GetAsync($"/entries/{g.Entry}/history")),
            ("reveal", g.Entry, () => carol.RevealAsync(g.Entry)),
            ("reveal old version", g.Entry, () => carol.RevealAsync(g.Entry, "password", 1)),
            ("totp", g.Entry, () => carol.PostAsync($"/entries/{g.Entry}/totp", new { })),
            ("attachment download", g.Entry, () => carol.GetAsync($"/entries/{g.Entry}/attachments/{g.Attachment}")),
            ("attachment download under an own entry", ownEntry, () => carol.GetAsync($"/entries/{ownEntry}/attachments/{g.Attachment}")),
            ("attachment upload", g.Entry, () => carol.SendAsync(HttpMethod.Post, $"/entries/{g.Entry}/attachments",
                new MultipartFormDataContent { { new ByteArrayContent([1]), "file", "x.bin" } })),
            ("attachment delete", g.Entry, () => carol.DeleteAsync($"/entries/{g.Entry}/attachments/{g.Attachment}")),
            ("attachment delete under an own entry", ownEntry, () => carol.DeleteAsync($"/entries/{ownEntry}/attachments/{g.Attachment}")),
            ("PATCH folder", g.Folder, () => carol.PatchAsync($"/folders/{g.Folder}", new { name = "Mine now" })),
            ("folder inside", g.Folder, () => carol.PostAsync("/folders", new { name = "Inside", parentId = g.Folder, permissions = Array.Empty<object>() })),
            ("entry inside", g.Folder, () => carol.CreateEntryRawAsync(g.Folder, "Inside", VaultTestSetup.NewSecret())),
            ("grants of folder", g.Folder, () => carol.GetAsync($"/grants?folder={g.Folder}")),
            ("grants of entry", g.Entry, () => carol.GetAsync($"/grants?entry={g.Entry}")),
            ("grant on folder", g.Folder, () => carol.PostAsync("/grants", new { folder = g.Folder, group = "ops", rights = "Manage" })),
            ("grant on entry", g.Entry, () => carol.PostAsync("/grants", new { entry = g.Entry, user = "carol", rights = "Read" })),
            ("revoke grant", g.Grant, () => carol.DeleteAsync($"/grants/{g.Grant}")),
            ("access request", g.Entry, () => carol.PostAsync($"/entries/{g.Entry}/access-requests", new { hours = 1, reason = "curious" })),
            ("approve request", g.Request, () => carol.PostAsync($"/access-requests/{g.Request}/approve", new { })),
            ("deny request", g.Request, () => carol.PostAsync($"/access-requests/{g.Request}/deny", new { })),
            ("report", g.Entry, () => carol.GetAsync($"/entries/{g.Entry}/report")),
            ("export folder", g.Folder, () => carol.PostAsync("/export", new { format = "csv", folder = g.Folder })),
            ("import into folder", g.Folder, () => carol.SendAsync(HttpMethod.Post, "/import", CsvImport(g.Folder))),
        ]);

        // Lists under Acme's URL never show Globex, even when asked for its folder.
        foreach (var path in new[] { $"/entries?folder={g.Folder}", "/entries", "/entries?q=Globex", "/folders", "/access-requests", "/expiring" })
        {
            var list = (await carol.GetAsync(path)).AssertOk();
            Assert.DoesNotContain("Globex", list.Body);
            Assert.DoesNotContain(g.Folder.ToString(), list.Body);
        }

        // Under Globex's own URL carol is a stranger: the same 404, and lists are empty.
        var onGlobex = carol.On(globexId);
        await AssertRefusedAsync(v, "user:carol", globexId, g,
        [
            ("GET entry on Globex URL", g.Entry, () => onGlobex.GetAsync($"/entries/{g.Entry}")),
            ("reveal on Globex URL", g.Entry, () => onGlobex.RevealAsync(g.Entry)),
            ("attachment on Globex URL", g.Entry, () => onGlobex.GetAsync($"/entries/{g.Entry}/attachments/{g.Attachment}")),
            ("grants on Globex URL", g.Folder, () => onGlobex.GetAsync($"/grants?folder={g.Folder}")),
            ("approve on Globex URL", g.Request, () => onGlobex.PostAsync($"/access-requests/{g.Request}/approve", new { })),
        ]);
        Assert.Equal(0, (await onGlobex.GetAsync("/entries")).AssertOk().Json.GetArrayLength());
        Assert.Equal(0, (await onGlobex.GetAsync("/folders")).AssertOk().Json.GetArrayLength());

        // Nothing of Globex changed.
        await using var data = v.Data();
        Assert.Equal(1, (await data.VaultEntries.SingleAsync(e => e.Id == g.Entry)).Version);
        Assert.Equal("Globex servers", (await data.VaultFolders.SingleAsync(f => f.Id == g.Folder)).Name);
        Assert.True(await data.VaultGrants.AnyAsync(x => x.Id == g.Grant));
        Assert.Equal(AccessRequestStatus.Pending, (await data.VaultAccessRequests.SingleAsync(r => r.Id == g.Request)).Status);
        Assert.Equal(1, await data.VaultAttachments.CountAsync(a => a.EntryId == g.Entry));
        Assert.Equal(0, await data.VaultFolders.CountAsync(f => f.ParentId == g.Folder));
        Assert.Equal(2, await data.VaultEntries.CountAsync(e => e.TenantId == new TenantId(globexId)));
        Assert.Equal(0, await data.VaultReveals.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task OwnIdsUnderAnotherTenantsUrl_Answer404_EvenForSomeoneWhoManagesBoth(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        await v.AddUsersAsync("bob", "mia", "max");
        await v.AddGroupAsync("blue", "bob");
        await v.AddGroupAsync("blue-help", "mia");
        await v.AddGroupAsync("both", "max");
        var acme = await v.AddTenantAsync("Acme", ("both", "manage"));
        var globexId = await v.AddTenantAsync("Globex", ("blue", "manage"), ("blue-help", "use"), ("both", "manage"));
        var g = await GlobexAsync(v, globexId);
        var max = await v.ConnectAsync("max", acme);
        var acmeFolder = await max.CreateFolderAsync("Acme servers");
        var acmeSecret = VaultTestSetup.NewSecret("acme");
        var acmeEntry = await max.CreateEntryAsync(acmeFolder, "Acme router", acmeSecret);
        // max may read both: the ids are real and his, only the URL names the other tenant.
        Assert.Equal(g.Secret, await max.On(globexId).RevealValueAsync(g.Entry));

        var onGlobex = max.On(globexId);
        var acmeAsGlobex = new Globex(acme, acmeFolder, acmeEntry, Guid.Empty, Guid.Empty, Guid.Empty, acmeSecret);
        await AssertRefusedAsync(v, "user:max", globexId, acmeAsGlobex,
        [
            ("Acme entry under Globex URL", acmeEntry, () => onGlobex.GetAsync($"/entries/{acmeEntry}")),
            ("Acme reveal under Globex URL", acmeEntry, () => onGlobex.RevealAsync(acmeEntry)),
            ("Acme update under Globex URL", acmeEntry, () => onGlobex.PutAsync($"/entries/{acmeEntry}", new { title = "x", expectedVersion = 1 })),
            ("Acme folder under Globex URL", acmeFolder, () => onGlobex.PatchAsync($"/folders/{acmeFolder}", new { name = "x" })),
            ("entry into Acme folder under Globex URL", acmeFolder, () => onGlobex.CreateEntryRawAsync(acmeFolder, "x", VaultTestSetup.NewSecret())),
            ("grants of Acme entry under Globex URL", acmeEntry, () => onGlobex.GetAsync($"/grants?entry={acmeEntry}")),
            ("report of Acme entry under Globex URL", acmeEntry, () => onGlobex.GetAsync($"/entries/{acmeEntry}/report")),
            ("export Acme folder under Globex URL", acmeFolder, () => onGlobex.PostAsync("/export", new { format = "csv", folder = acmeFolder })),
        ]);
        // And the other way round: Globex's entry under Acme's URL.
        await AssertRefusedAsync(v, "user:max", acme, g,
        [
            ("Globex entry under Acme URL", g.Entry, () => max.GetAsync($"/entries/{g.Entry}")),
            ("Globex reveal under Acme URL", g.Entry, () => max.RevealAsync(g.Entry)),
            ("Globex attachment under Acme URL", g.Entry, () => max.GetAsync($"/entries/{g.Entry}/attachments/{g.Attachment}")),
            ("Globex grant under Acme URL", g.Grant, () => max.DeleteAsync($"/grants/{g.Grant}")),
            ("Globex request under Acme URL", g.Request, () => max.PostAsync($"/access-requests/{g.Request}/approve", new { })),
        ]);
        Assert.Equal(acmeSecret, await max.RevealValueAsync(acmeEntry));
    }
}
