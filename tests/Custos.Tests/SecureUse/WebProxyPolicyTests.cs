using System.Net;
using System.Text.RegularExpressions;
using Custos.Core.Audit;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.SecureUse;

/// <summary>
/// A folder's session policy for web sessions (the same as for SSH use): a required reason, an idle timeout and a
/// maximum length on the server's clock; administrators see live sessions and end them; every end is on record with
/// its duration. Without --proxy-domain, web sessions are off.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WebProxyPolicyTests
{
    private static async Task<Core.SecureUse.Web.WebSessionRecord> EndedAsync(VaultTestSetup v, Guid entry, int index)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await using var data = v.Data();
            var rows = await data.WebSessions.AsNoTracking().Where(s => s.EntryId == entry).OrderBy(s => s.StartedAt).ThenBy(s => s.Id).ToListAsync();
            if (rows.Count > index && rows[index].EndedAt is not null) return rows[index];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"session {index} of {entry} did not end");
            await Task.Delay(100);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task WebProxy_ReasonIdleMaximumLengthAndTermination_AreEnforcedAndRecorded(string kind)
    {
        var password = VaultTestSetup.NewSecret("policy");
        await using var nginx = await NginxTestServer.StartAsync(password);
        await using var v = await WebProxyTests.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var folder = await carol.CreateFolderAsync("Kunde B", policy: new { sessionReasonRequired = true, sessionIdleMinutes = 2, sessionMaxMinutes = 5 });
        var entry = await carol.CreateEntryAsync(folder, "nginx", password, WebProxyTests.BasicEntry(nginx));

        (await dave.PostAsync($"/entries/{entry}/web/open", new { })).AssertStatus(HttpStatusCode.UnprocessableEntity, "web.reason_required");

        // Idle for longer than 2 minutes: ended, and the page says so without target content.
        var first = await WebProxyTests.OpenAsync(dave, entry, "TICKET-7");
        using (var browser = new WebProxyBrowser(v.Server.Options.HttpsPort))
        {
            (await browser.LaunchAsync(first)).Landing.AssertOk();
            v.Time.Advance(TimeSpan.FromMinutes(3));
            var after = await browser.GetAsync(new Uri(new Uri(first), "/index.html").ToString());
            Assert.False(after.Response.IsSuccessStatusCode, after.ToString());
            Assert.DoesNotContain(NginxTestServer.PageMarker, after.Body);
        }
        Assert.Equal("idle", (await EndedAsync(v, entry, 0)).EndReason);

        // Active every minute, but 5 minutes at most.
        var second = await WebProxyTests.OpenAsync(dave, entry, "TICKET-8");
        using (var browser = new WebProxyBrowser(v.Server.Options.HttpsPort))
        {
            (await browser.LaunchAsync(second)).Landing.AssertOk();
            var page = new Uri(new Uri(second), "/index.html").ToString();
            for (var minute = 1; minute <= 4; minute++)
            {
                v.Time.Advance(TimeSpan.FromMinutes(1));
                (await browser.GetAsync(page)).AssertOk();
            }
            v.Time.Advance(TimeSpan.FromMinutes(1.5));
            Assert.DoesNotContain(NginxTestServer.PageMarker, (await browser.GetAsync(page)).Body);
        }
        var timedOut = await EndedAsync(v, entry, 1);
        Assert.Equal("timeout", timedOut.EndReason);
        Assert.True(timedOut.Requests >= 5, $"{timedOut.Requests} requests counted");

        // The administrator (signed in with her second factor) sees a live session and ends it.
        var third = await WebProxyTests.OpenAsync(dave, entry, "TICKET-9");
        using (var browser = new WebProxyBrowser(v.Server.Options.HttpsPort))
        {
            (await browser.LaunchAsync(third)).Landing.AssertOk();
            var admin = v.Server.Client;
            (await v.Server.LoginWithTotpAsync()).Dispose();
            var page = await admin.GetStringAsync("/account/security");
            var af = Regex.Match(page, "name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__af\" value=\"([^\"]+)\"");
            admin.DefaultRequestHeaders.Add("RequestVerificationToken", WebUtility.HtmlDecode(af.Groups[1].Success ? af.Groups[1].Value : af.Groups[2].Value));
            var live = Assert.Single((await Reply.Of(await admin.GetAsync("/api/v1/web/sessions"))).AssertOk().Json.EnumerateArray().ToList());
            Assert.Equal("user:dave", live.GetProperty("actor").GetString());
            Assert.Equal(HttpStatusCode.Forbidden, (await Reply.Of(await dave.Http.GetAsync("/api/v1/web/sessions"))).Status);
            // "Who is connected where": the page names user, tenant, entry and target, never the password, and ends the session.
            var livePage = await admin.GetStringAsync("/admin/ssh-sessions");
            var webTable = livePage[livePage.IndexOf("id=\"web-live\"", StringComparison.Ordinal)..];
            Assert.Contains("user:dave", webTable);
            Assert.Contains(">nginx<", webTable);
            Assert.Contains(WebUtility.HtmlEncode(live.GetProperty("target").GetString()!), webTable);
            Assert.DoesNotContain(password, livePage);
            using (var form = new FormUrlEncodedContent([new("session", live.GetProperty("id").GetGuid().ToString())]))
            {
                var ended = await admin.PostAsync("/admin/ssh-sessions?handler=TerminateWeb", form);
                Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
                var after = await ended.Content.ReadAsStringAsync();
                Assert.Contains("id=\"ssh-live-none\"", after);
            }
            var gone = await browser.GetAsync(new Uri(new Uri(third), "/index.html").ToString());
            Assert.Equal(HttpStatusCode.NotFound, gone.Status);
            Assert.DoesNotContain(NginxTestServer.PageMarker, gone.Body);
        }
        Assert.Equal("terminated", (await EndedAsync(v, entry, 2)).EndReason);

        // Manage holders see the sessions and their request logs; Use holders do not.
        var sessions = (await carol.GetAsync($"/entries/{entry}/web/sessions")).AssertOk().Json.EnumerateArray().ToList();
        Assert.Equal(3, sessions.Count);
        (await dave.GetAsync($"/entries/{entry}/web/sessions")).AssertStatus(HttpStatusCode.Forbidden);
        var requests = (await carol.GetAsync($"/entries/{entry}/web/sessions/{timedOut.Id}/requests")).AssertOk().Json.EnumerateArray().ToList();
        Assert.True(requests.Count >= 5);

        await using var data = v.Data();
        var ends = await data.AuditEvents.AsNoTracking().Where(e => e.Action == "web.session_end").OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(3, ends.Count);
        Assert.All(ends, e => Assert.Contains("\"seconds\"", e.Details));
        Assert.Contains("\"timeout\"", ends[1].Details);
        Assert.Equal(1, await data.AuditEvents.CountAsync(e => e.Action == "web.session_terminate"));
        Assert.Equal(1, await data.AuditEvents.CountAsync(e => e.Action == "web.session" && e.Outcome == AuditOutcome.Denied));
    }

    [Fact]
    public async Task WebProxy_WithoutProxyDomain_IsOff()
    {
        await using var v = await VaultTestSetup.StartAsync(TestDatabase.Sqlite);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var entry = await carol.CreateEntryAsync(await carol.CreateFolderAsync("A"), "site", VaultTestSetup.NewSecret(), new
        {
            urls = new[] { "https://intranet.example/" }, fields = new object[] { new { name = "login", value = "basic", secret = false } },
        });
        (await dave.PostAsync($"/entries/{entry}/web/open", new { })).AssertStatus(HttpStatusCode.Conflict, "web.proxy_disabled");
    }
}
