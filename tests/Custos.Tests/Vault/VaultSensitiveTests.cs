using System.Net;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>
/// Sensitive folders (and everything below them) need a fresh security-key step-up. Tokens cannot step up, so they are
/// refused there; so is a browser session that has not stepped up.
/// </summary>
public sealed class VaultSensitiveTests
{
    private static void AssertStepUp(Reply reply, string route, string secret)
    {
        Assert.True(reply.Status == HttpStatusCode.Forbidden, $"{route}: expected 403, got {reply}");
        Assert.Equal("auth.step_up_required", reply.Code);
        Assert.StartsWith("/", reply.Json.GetProperty("stepUpUrl").GetString());
        Assert.DoesNotContain(secret, reply.Body);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SensitiveFolder_RefusesEveryCallWithoutStepUp_TokensIncluded(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var core = await carol.CreateFolderAsync("Core");
        var inner = await carol.CreateFolderAsync("Inner", core);
        var plainFolder = await carol.CreateFolderAsync("Servers");
        var secret = VaultTestSetup.NewSecret("core");
        var innerSecret = VaultTestSetup.NewSecret("inner");
        var entry = await carol.CreateEntryAsync(core, "Root CA", secret, new { totp = "JBSWY3DPEHPK3PXP" });
        var innerEntry = await carol.CreateEntryAsync(inner, "HSM", innerSecret, new { expiresAt = v.Now.AddDays(3) });
        var plain = await carol.CreateEntryAsync(plainFolder, "Printer", VaultTestSetup.NewSecret("printer"), new { expiresAt = v.Now.AddDays(3) });
        var attachment = (await carol.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments",
            new MultipartFormDataContent { { new ByteArrayContent("ca-key"u8.ToArray()), "file", "ca.key" } })).AssertOk().Json.GetProperty("id").GetGuid();
        var request = (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 1, reason = "renewal" })).AssertOk().Json.GetProperty("id").GetGuid();

        var marked = (await carol.PatchAsync($"/folders/{core}", new { sensitive = true })).AssertOk();
        Assert.True(marked.Json.GetProperty("sensitive").GetBoolean());

        foreach (var (route, call) in new (string, Func<Task<Reply>>)[]
                 {
                     ("reveal", () => carol.RevealAsync(entry)),
                     ("reveal below", () => carol.RevealAsync(innerEntry)),
                     ("reveal by a Read holder", () => erin.RevealAsync(entry)),
                     ("totp", () => carol.PostAsync($"/entries/{entry}/totp", new { })),
                     ("attachment", () => carol.GetAsync($"/entries/{entry}/attachments/{attachment}")),
                     ("get", () => carol.GetAsync($"/entries/{entry}")),
                     ("get by a Use holder", () => dave.GetAsync($"/entries/{entry}")),
                     ("history", () => carol.GetAsync($"/entries/{entry}/history")),
                     ("update", () => carol.PutAsync($"/entries/{entry}", new { title = "x", expectedVersion = 1 })),
                     ("attachment upload", () => carol.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments",
                         new MultipartFormDataContent { { new ByteArrayContent([1]), "file", "x.bin" } })),
                     ("new entry", () => carol.CreateEntryRawAsync(core, "New", VaultTestSetup.NewSecret())),
                     ("new folder", () => carol.PostAsync("/folders", new { name = "New", parentId = core, permissions = Array.Empty<object>() })),
                     ("switch it off again", () => carol.PatchAsync($"/folders/{core}", new { sensitive = false })),
                     ("grants", () => carol.GetAsync($"/grants?entry={entry}")),
                     ("grant", () => carol.PostAsync("/grants", new { folder = core, user = "dave", rights = "Read" })),
                     ("decide request", () => carol.PostAsync($"/access-requests/{request}/approve", new { })),
                     ("report", () => carol.GetAsync($"/entries/{entry}/report")),
                     ("export folder", () => carol.PostAsync("/export", new { format = "csv", folder = core })),
                 })
        {
            AssertStepUp(await call(), route, secret);
        }
        // The refused export asked for secrets, so its refusal is recorded with the reason.
        Assert.Equal(1, await v.Db.ScalarAsync(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'vault.export' AND outcome = 3 AND details LIKE '%vault.step_up_required%'"));

        // Lists leave sensitive entries out; an export of everything leaves them out and counts them.
        var list = (await carol.GetAsync("/entries")).AssertOk();
        Assert.Equal(new[] { plain }, list.Json.EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
        var expiring = (await carol.GetAsync("/expiring")).AssertOk();
        Assert.Equal(new[] { plain }, expiring.Json.EnumerateArray().Select(e => e.GetProperty("entryId").GetGuid()));
        var export = (await carol.PostAsync("/export", new { format = "csv" })).AssertOk();
        Assert.Equal("1", export.Header("X-Custos-Exported"));
        Assert.Equal("2", export.Header("X-Custos-Left-Out"));
        Assert.DoesNotContain(secret, export.Body);
        Assert.DoesNotContain(innerSecret, export.Body);
        var folders = (await carol.GetAsync("/folders")).AssertOk().Json.EnumerateArray().ToDictionary(f => f.GetProperty("id").GetGuid());
        Assert.True(folders[core].GetProperty("sensitive").GetBoolean());
        Assert.True(folders[inner].GetProperty("sensitive").GetBoolean());
        Assert.False(folders[plainFolder].GetProperty("sensitive").GetBoolean());

        // A browser session without a recent security-key proof is refused the same way.
        var (browser, antiforgery) = await v.BrowserSessionAsync("carol");
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", antiforgery);
        AssertStepUp(await new VaultClient(browser, tenant).RevealAsync(entry), "browser reveal", secret);

        // Rights still come first: without Read the answer is the ordinary refusal, not an invitation to step up.
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        await using var data = v.Data();
        Assert.Equal(new[] { plain }, (await data.VaultReveals.Select(r => r.EntryId).ToListAsync()).Distinct());
        Assert.Equal(1, (await data.VaultEntries.SingleAsync(e => e.Id == entry)).Version);
        Assert.True((await data.VaultFolders.SingleAsync(f => f.Id == core)).IsSensitive);
    }
}
