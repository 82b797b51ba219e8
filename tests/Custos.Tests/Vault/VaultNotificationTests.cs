using Custos.Core.Vault;
using Custos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Vault;

/// <summary>The daily expiry check: Manage holders get one notice per expiring entry, nobody else does, and never twice.</summary>
public sealed class VaultNotificationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ExpiryCheck_NotifiesManageHoldersOnce_StartPageShowsIt(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var folder = await carol.CreateFolderAsync("Portals");
        var soon = await carol.CreateEntryAsync(folder, "Bank portal", VaultTestSetup.NewSecret(), new { expiresAt = v.Now.AddDays(3) });
        await carol.CreateEntryAsync(folder, "Far away", VaultTestSetup.NewSecret(), new { expiresAt = v.Now.AddDays(90) });
        var notices = v.Server.Host.Services.GetRequiredService<VaultNotifications>();

        var first = await notices.NotifyExpiringAsync();
        var again = await notices.NotifyExpiringAsync();

        Assert.Equal(1, first);
        Assert.Equal(0, again);
        await using (var db = v.Data())
        {
            var carolId = db.Users.Single(u => u.UserName == "carol").Id;
            var notice = Assert.Single(db.VaultNotifications.ToList());
            Assert.Equal(carolId, notice.UserId);
            Assert.Equal(soon, notice.EntryId);
            Assert.Equal(VaultNotifications.Expiring, notice.Kind);
        }
        Assert.Equal(1, await v.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'vault.expiry.notify'"));

        // Once expired, it is a new notice of its own kind. Advancing the clock also wakes the daily job, which may
        // be the one that creates it: either way there is exactly one.
        v.Time.Advance(TimeSpan.FromDays(4));
        await notices.NotifyExpiringAsync();
        await using (var db = v.Data())
            Assert.Equal([VaultNotifications.Expired, VaultNotifications.Expiring], db.VaultNotifications.Select(n => n.Kind).OrderBy(k => k).ToList());

        var (browser, _) = await v.BrowserSessionAsync("carol");
        var home = await browser.GetStringAsync("/");
        Assert.Contains("Bank portal: expired on", home);
        Assert.Contains("Bank portal: expires on", home);
        Assert.DoesNotContain("Far away", home);
    }
}
