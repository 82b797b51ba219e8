using System.Net;
using Custos.Core.Common;
using Custos.Core.Identity.SecurityKeys;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>
/// The other half of <see cref="VaultSensitiveTests"/>: a browser session that has stepped up may reveal in a sensitive
/// folder, for <see cref="StepUp.Window"/> and no longer. The WebAuthn ceremony itself runs in Chromium
/// (SecurityKeyJourneyTests); here the session row gets its step-up time the way UseSecurityKey.FinishAsync writes it.
/// </summary>
public sealed class VaultSensitiveStepUpTests
{
    /// <summary>What a successful step-up leaves behind: the session's SteppedUpAt set to the server's now, in stored precision.</summary>
    private static async Task StepUpAsync(VaultTestSetup v, string user)
    {
        await using var data = v.Data();
        var userId = await data.Users.Where(u => u.UserName == user).Select(u => u.Id).SingleAsync();
        var now = v.Time.StoredNow();
        var changed = await data.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null && !s.SecondFactorPending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SteppedUpAt, now));
        Assert.Equal(1, changed);
    }

    private static void AssertStepUpRequired(Reply reply, string secret)
    {
        reply.AssertStatus(HttpStatusCode.Forbidden, "auth.step_up_required");
        Assert.StartsWith("/account/step-up?returnUrl=", reply.Json.GetProperty("stepUpUrl").GetString());
        Assert.DoesNotContain(secret, reply.Body);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task SensitiveReveal_AfterStepUp_SucceedsUntilTheWindowCloses(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erinToken = await v.ConnectAsync("erin", tenant);
        var core = await carol.CreateFolderAsync("Core");
        var secret = VaultTestSetup.NewSecret("core");
        var entry = await carol.CreateEntryAsync(core, "Root CA", secret);
        (await carol.PatchAsync($"/folders/{core}", new { sensitive = true })).AssertOk();

        // erin holds Read through the vault root; her browser session has not stepped up yet.
        var (browser, antiforgery) = await v.BrowserSessionAsync("erin");
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", antiforgery);
        var erin = new VaultClient(browser, tenant);
        AssertStepUpRequired(await erin.RevealAsync(entry), secret);

        await StepUpAsync(v, "erin");
        Assert.Equal(secret, await erin.RevealValueAsync(entry));
        // A token cannot step up: erin's own token stays refused while her browser session may reveal.
        AssertStepUpRequired(await erinToken.RevealAsync(entry), secret);

        // Still inside the window (and the request keeps the session from going idle) ...
        v.Time.Advance(StepUp.Window - TimeSpan.FromMinutes(5));
        Assert.Equal(secret, await erin.RevealValueAsync(entry));
        // ... and past it: the proof is stale, though the session itself is still active.
        v.Time.Advance(TimeSpan.FromMinutes(6));
        AssertStepUpRequired(await erin.RevealAsync(entry), secret);

        await using var data = v.Data();
        var reveals = await data.VaultReveals.Where(r => r.EntryId == entry).ToListAsync();
        Assert.Equal(2, reveals.Count);
        Assert.All(reveals, r => Assert.Equal("web", r.Client));
        // Each refusal for want of a step-up is recorded as a denied reveal, with its reason.
        var refusals = await data.AuditEvents.Where(e => e.Action == "vault.reveal" && e.Target == $"entry:{entry}" && e.Outcome == Core.Audit.AuditOutcome.Denied)
            .Select(e => e.Details).ToListAsync();
        Assert.Equal(3, refusals.Count);
        Assert.All(refusals, d => Assert.Contains("vault.step_up_required", d));
    }
}
