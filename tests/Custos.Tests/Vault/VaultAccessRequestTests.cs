using System.Net;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>"May I read this for two hours?": asked with a reason, decided once by a Manage holder, and over when the time is.</summary>
public sealed class VaultAccessRequestTests
{
    private static JsonElement? Find(Reply list, Guid request) =>
        list.AssertOk().Json.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(r => r!.Value.GetProperty("id").GetGuid() == request);

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task ApprovedRequest_GrantsReadForTheAskedHours_ThenEnds(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var secret = VaultTestSetup.NewSecret("fw");
        var entry = await carol.CreateEntryAsync(folder, "Firewall", secret);
        var other = await carol.CreateEntryAsync(folder, "Switch", VaultTestSetup.NewSecret("sw"));

        (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 0, reason = "x" })).AssertStatus(HttpStatusCode.BadRequest, "vault.invalid");
        (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 24 * 14 + 1, reason = "x" })).AssertStatus(HttpStatusCode.BadRequest, "vault.invalid");
        (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 2, reason = "  " })).AssertStatus(HttpStatusCode.BadRequest, "vault.invalid");
        (await erin.PostAsync($"/entries/{entry}/access-requests", new { hours = 2, reason = "already can" })).AssertStatus(HttpStatusCode.BadRequest, "vault.invalid");
        var asked = v.Now;
        var request = (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 2, reason = "Incident 4711: firewall down" }))
            .AssertOk().Json.GetProperty("id").GetGuid();

        // The manager sees it pending with its reason; the requester sees it too; bystanders do not.
        var pending = Find(await carol.GetAsync("/access-requests"), request)!.Value;
        Assert.Equal("dave", pending.GetProperty("user").GetString());
        Assert.Equal("Firewall", pending.GetProperty("entryTitle").GetString());
        Assert.Equal("Incident 4711: firewall down", pending.GetProperty("reason").GetString());
        Assert.Equal(2, pending.GetProperty("hours").GetInt32());
        Assert.Equal("Pending", pending.GetProperty("status").GetString());
        Assert.NotNull(Find(await dave.GetAsync("/access-requests"), request));
        Assert.Null(Find(await erin.GetAsync("/access-requests"), request));
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        // Read on the entry is not Manage: erin cannot decide.
        (await erin.PostAsync($"/access-requests/{request}/approve", new { })).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        v.Time.Advance(TimeSpan.FromMinutes(5));
        var approvedAt = v.Now;
        (await carol.PostAsync($"/access-requests/{request}/approve", new { })).AssertOk();
        Assert.Equal(secret, await dave.RevealValueAsync(entry));
        // Read on this entry only, nothing else in the folder.
        (await dave.RevealAsync(other)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        var decided = Find(await dave.GetAsync("/access-requests"), request)!.Value;
        Assert.Equal("Approved", decided.GetProperty("status").GetString());
        Assert.Equal("user:carol", decided.GetProperty("decidedBy").GetString());
        Assert.Null(Find(await carol.GetAsync("/access-requests"), request));

        // Decided once: neither a second approval nor a late denial changes anything.
        (await carol.PostAsync($"/access-requests/{request}/approve", new { })).AssertStatus(HttpStatusCode.Conflict, "vault.request_not_pending");
        (await carol.PostAsync($"/access-requests/{request}/deny", new { })).AssertStatus(HttpStatusCode.Conflict, "vault.request_not_pending");

        // The two hours count from the approval: still live a second before, over a second after.
        v.Time.Advance(approvedAt.AddHours(2).AddSeconds(-1) - v.Now);
        Assert.Equal(secret, await dave.RevealValueAsync(entry));
        v.Time.Advance(TimeSpan.FromSeconds(2));
        var ended = (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        Assert.DoesNotContain(secret, ended.Body);

        await using var data = v.Data();
        var grant = await data.VaultGrants.SingleAsync(g => g.AccessRequestId == request);
        Assert.Equal(entry, grant.EntryId);
        Assert.Equal(approvedAt.ToUnixTimeSeconds() + 7200, grant.NotAfter!.Value.ToUnixTimeSeconds());
        var events = await data.AuditEvents.Where(a => a.Action.StartsWith("vault.access-request") && a.Outcome == AuditOutcome.Success)
            .OrderBy(a => a.Sequence).Select(a => new { a.Action, a.Actor, a.Details }).ToListAsync();
        Assert.Equal(new[] { "vault.access-request.create", "vault.access-request.approve" }, events.Select(e => e.Action));
        Assert.Equal("user:dave", events[0].Actor);
        Assert.Contains("Incident 4711", events[0].Details);
        Assert.Equal("user:carol", events[1].Actor);
        Assert.True(asked < approvedAt);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task DeniedRequest_GrantsNothing_AndNobodyDecidesTheirOwn(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var entry = await carol.CreateEntryAsync(folder, "Firewall", VaultTestSetup.NewSecret("fw"));

        var denied = (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 1, reason = "curious" })).AssertOk().Json.GetProperty("id").GetGuid();
        (await carol.PostAsync($"/access-requests/{denied}/deny", new { })).AssertOk();
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        Assert.Equal("Denied", Find(await dave.GetAsync("/access-requests"), denied)!.Value.GetProperty("status").GetString());
        (await carol.PostAsync($"/access-requests/{denied}/approve", new { })).AssertStatus(HttpStatusCode.Conflict, "vault.request_not_pending");
        (await dave.RevealAsync(entry)).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        // dave asks again, and then becomes a Manage holder of the entry himself: he still may not decide his own request.
        var own = (await dave.PostAsync($"/entries/{entry}/access-requests", new { hours = 1, reason = "on call" })).AssertOk().Json.GetProperty("id").GetGuid();
        (await dave.PostAsync($"/access-requests/{own}/approve", new { })).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await carol.PostAsync("/grants", new { entry, user = "dave", rights = "Manage" })).AssertOk();
        (await dave.PostAsync($"/access-requests/{own}/approve", new { })).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await dave.PostAsync($"/access-requests/{own}/deny", new { })).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        await using var data = v.Data();
        Assert.Equal(Core.Vault.AccessRequestStatus.Pending, (await data.VaultAccessRequests.SingleAsync(r => r.Id == own)).Status);
        Assert.Empty(await data.VaultGrants.Where(g => g.AccessRequestId != null).ToListAsync());
        Assert.Equal(3, await data.AuditEvents.CountAsync(a => a.Actor == "user:dave" && a.Action == "vault.access-request.decide" && a.Outcome == AuditOutcome.Denied));
    }
}
