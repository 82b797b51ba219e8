using System.Net;
using Custos.Tests.Infrastructure;

namespace Custos.Tests.Vault;

public sealed class VaultSmokeTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ReadHolderReveals_UseHolderCannot(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        const string secret = "Zq7!vR2#kLp9$wXe";

        (await carol.PostAsync("/folders", new { name = "Servers" })).AssertStatus(HttpStatusCode.BadRequest, "vault.permissions_required");
        var folderId = await carol.CreateFolderAsync("Servers");
        var entryId = await carol.CreateEntryAsync(folderId, "Firewall", secret, new { urls = new[] { "https://fw.acme.test" } });

        var listed = await dave.GetAsync("/entries");
        Assert.Contains("Firewall", listed.Body);
        Assert.DoesNotContain(secret, listed.Body);
        var daveReveal = (await dave.RevealAsync(entryId)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        Assert.DoesNotContain(secret, daveReveal.Body);
        Assert.Equal(secret, await carol.RevealValueAsync(entryId));
        Assert.Equal(1, await v.Db.ScalarAsync("SELECT COUNT(*) FROM vault_reveals"));
        Assert.Equal(1, await v.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'vault.reveal' AND outcome = 1"));
        Assert.Equal(1, await v.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'vault.reveal' AND outcome = 3"));
    }
}
