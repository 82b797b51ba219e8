using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.SecureUse;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.SecureUse;

/// <summary>
/// What a folder's policy says about SSH recordings (issue 9): whether what the user types is recorded ("i" events, off
/// by default, the user told at the start), and how long recordings are kept (a retention class; the sweep destroys the
/// recording and keeps the session record).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SshRecordingPolicyTests
{
    private sealed record Setup(VaultTestSetup V, SshTestServer Ssh, Guid Tenant, VaultClient Carol) : IAsyncDisposable
    {
        public async Task<Guid> EntryAsync(Guid folder, string title) => await Carol.CreateEntryAsync(folder, title, Ssh.Password, new
        {
            serviceLimitation = "Testserver", userName = Ssh.PasswordUser, urls = new[] { $"ssh://{Ssh.Host}:{Ssh.Port}" },
            fields = new object[] { new { name = "host-key", value = Ssh.HostKeyFingerprint, secret = false } },
        });

        public async ValueTask DisposeAsync()
        {
            await V.DisposeAsync();
            await Ssh.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(string kind)
    {
        var ssh = await SshTestServer.StartAsync();
        var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        return new Setup(v, ssh, tenant, await v.ConnectAsync("carol", tenant));
    }

    /// <summary>
    /// Opens a shell as dave and, for each step, types its line and waits for its marker (an arithmetic result, so the
    /// echo of the line itself does not count); then leaves with exit. Returns the text frames the server sent
    /// (notices) and the session's id.
    /// </summary>
    private static async Task<(List<string> Notices, Guid Session)> SessionAsync(Setup s, Guid entry, params (string Line, string Marker)[] steps)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {await s.V.TokenAsync("dave")}");
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var url = new UriBuilder(s.V.Server.HttpsUrl) { Scheme = "wss", Path = $"/api/v1/tenants/{s.Tenant}/vault/entries/{entry}/ssh/shell" };
        await socket.ConnectAsync(url.Uri, CancellationToken.None);
        var notices = new List<string>();
        var seen = new StringBuilder();
        var buffer = new byte[8192];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var step = 0;
        await socket.SendAsync(Encoding.UTF8.GetBytes(steps[0].Line), WebSocketMessageType.Binary, true, CancellationToken.None);
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer, limit.Token);
            if (r.MessageType == WebSocketMessageType.Close) break;
            var text = Encoding.UTF8.GetString(buffer, 0, r.Count);
            if (r.MessageType == WebSocketMessageType.Text) notices.Add(text);
            else seen.Append(text);
            if (step == steps.Length || !seen.ToString().Contains(steps[step].Marker, StringComparison.Ordinal)) continue;
            seen.Clear();
            var next = ++step < steps.Length ? steps[step].Line : "exit\n";
            await socket.SendAsync(Encoding.UTF8.GetBytes(next), WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        Assert.True(step == steps.Length, $"the session ended before {steps[Math.Min(step, steps.Length - 1)].Marker} appeared: {seen}");
        // The record is stored before the server's close frame.
        await using var data = s.V.Data();
        var id = await data.SshSessions.AsNoTracking().Where(r => r.EntryId == entry).OrderByDescending(r => r.StartedAt).Select(r => r.Id).FirstAsync();
        return (notices, id);
    }

    private static async Task<List<JsonElement>> EventsAsync(Setup s, Guid entry, Guid session)
    {
        var cast = (await s.Carol.GetAsync($"/entries/{entry}/ssh/sessions/{session}/recording")).AssertOk().Body;
        return cast.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RecordInputPolicy_RecordsWhatIsTyped_AndSaysSo_WhileTheDefaultRecordsOutputOnly(string kind)
    {
        await using var s = await StartAsync(kind);
        var typing = await s.EntryAsync(await s.Carol.CreateFolderAsync("Mit Eingaben", policy: new { sessionRecordInput = true }), "in01");
        var plain = await s.EntryAsync(await s.Carol.CreateFolderAsync("Ohne Eingaben"), "out01");

        // Echo off first: the second command is then in the recording only as input, not as the remote's echo of it.
        (string, string)[] steps = [("stty -echo; echo BEREIT-$((1+1))\n", "BEREIT-2"), ("echo GETIPPT-$((6*7))\n", "GETIPPT-42")];
        var (notices, recorded) = await SessionAsync(s, typing, steps);
        var notice = JsonDocument.Parse(Assert.Single(notices)).RootElement;
        Assert.Equal("notice", notice.GetProperty("type").GetString());
        Assert.Equal("ssh.input_recorded", notice.GetProperty("code").GetString());
        var events = await EventsAsync(s, typing, recorded);
        var typed = string.Concat(events.Where(e => e[1].GetString() == "i").Select(e => e[2].GetString()));
        Assert.Contains("stty -echo; echo BEREIT-$((1+1))\necho GETIPPT-$((6*7))\nexit\n", typed);
        // Input is its own stream: not echoed, the typed command is in no output event, only its result is.
        Assert.DoesNotContain(events, e => e[1].GetString() == "o" && e[2].GetString()!.Contains("GETIPPT-$((6*7))"));
        Assert.Contains(events, e => e[1].GetString() == "o" && e[2].GetString()!.Contains("GETIPPT-42"));

        var (none, unrecorded) = await SessionAsync(s, plain, steps);
        Assert.Empty(none);
        var outputOnly = await EventsAsync(s, plain, unrecorded);
        Assert.DoesNotContain(outputOnly, e => e[1].GetString() == "i");
        // Echo off: the command line itself is nowhere in the recording, only its result.
        Assert.DoesNotContain(outputOnly, e => e[2].GetString()!.Contains("GETIPPT-$((6*7))"));
        Assert.Contains(outputOnly, e => e[1].GetString() == "o" && e[2].GetString()!.Contains("GETIPPT-42"));

        // The session lists and records say which way it was.
        var listed = (await s.Carol.GetAsync($"/entries/{typing}/ssh/sessions")).AssertOk().Json[0];
        Assert.True(listed.GetProperty("inputRecorded").GetBoolean());
        Assert.False((await s.Carol.GetAsync($"/entries/{plain}/ssh/sessions")).AssertOk().Json[0].GetProperty("inputRecorded").GetBoolean());
        await using var data = s.V.Data();
        Assert.Equal([(recorded, true), (unrecorded, false)],
            (await data.SshSessions.AsNoTracking().OrderBy(r => r.StartedAt).Select(r => new { r.Id, r.InputRecorded }).ToListAsync())
            .Select(r => (r.Id, r.InputRecorded)));
        Assert.Equal(1, await data.AuditEvents.CountAsync(a => a.Action == "ssh.session" && a.Details!.Contains("\"input\":\"recorded\"")));
        Assert.DoesNotContain(s.Ssh.Password, JsonSerializer.Serialize(await data.AuditEvents.AsNoTracking().ToListAsync()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task RecordingRetentionClass_SetsRetainUntil_AndTheSweepDestroysTheRecordingOnly_WhenItHasRunOut(string kind)
    {
        await using var s = await StartAsync(kind);
        // A class must exist (the name is said), and delete: there is no review of recordings.
        var unknown = await s.Carol.PostAsync("/folders", new { name = "Falsch", permissions = Array.Empty<object>(), policy = new { recordingRetentionClass = "Gibt es nicht" } });
        Assert.True(unknown.Status == HttpStatusCode.BadRequest && unknown.Body.Contains("Gibt es nicht"), unknown.ToString());
        var kept = await s.Carol.CreateFolderAsync("Sechs Jahre", policy: new { recordingRetentionClass = "GoBD 6 years" });
        var forever = await s.Carol.CreateFolderAsync("Unbefristet");
        var patched = await s.Carol.PatchAsync($"/folders/{forever}", new { policy = new { recordingRetentionClass = "GoBD 99 years" } });
        Assert.True(patched.Status == HttpStatusCode.BadRequest && patched.Body.Contains("GoBD 99 years"), patched.ToString());
        await using (var data = s.V.Data())
        {
            data.RetentionClasses.Add(new Core.Documents.RetentionClass
            {
                Id = Guid.CreateVersion7(), Name = "Prüfen", Years = 1, Action = Core.Documents.RetentionAction.Review, CreatedAt = s.V.Now, CreatedBy = "test",
            });
            await data.SaveChangesAsync();
        }
        var toReview = await s.Carol.PatchAsync($"/folders/{forever}", new { policy = new { recordingRetentionClass = "Prüfen" } });
        Assert.True(toReview.Status == HttpStatusCode.BadRequest && toReview.Body.Contains("review"), toReview.ToString());

        var (_, expiring) = await SessionAsync(s, await s.EntryAsync(kept, "k01"), ("echo EINS-$((1+1))\n", "EINS-2"));
        var (_, staying) = await SessionAsync(s, await s.EntryAsync(forever, "f01"), ("echo ZWEI-$((1+1))\n", "ZWEI-2"));
        var today = DateOnly.FromDateTime(s.V.Now.UtcDateTime);
        var until = new DateOnly(today.Year + 7, 1, 1);
        Core.SecureUse.SshSessionRecord before;
        await using (var data = s.V.Data())
        {
            before = await data.SshSessions.AsNoTracking().SingleAsync(r => r.Id == expiring);
            Assert.Equal(until, before.RetainUntil);
            Assert.Null((await data.SshSessions.AsNoTracking().SingleAsync(r => r.Id == staying)).RetainUntil);
        }
        var listed = (await s.Carol.GetAsync($"/entries/{before.EntryId}/ssh/sessions")).AssertOk().Json[0];
        Assert.Equal(until.ToString("yyyy-MM-dd"), listed.GetProperty("retainUntil").GetString());
        var blob = Path.Combine(s.V.Db.DataDirectory, "blobs", before.RecordingAddress![..2], before.RecordingAddress[2..4], before.RecordingAddress);
        Assert.True(File.Exists(blob));

        // Moving the server's clock seven years costs minutes (every 30-second timer of the server fires on the way, about
        // 0.4 s per simulated day), so the stored end is brought forward to tomorrow and the clock moved past that instead.
        var tomorrow = today.AddDays(1);
        await using (var data = s.V.Data())
            await data.SshSessions.Where(r => r.Id == expiring).ExecuteUpdateAsync(u => u.SetProperty(r => r.RetainUntil, tomorrow));
        var sweep = s.V.Server.Host.Services.GetRequiredService<SshRecordingSweep>();
        // The day before: nothing goes.
        s.V.Time.Advance(tomorrow.ToDateTime(TimeOnly.MinValue) - s.V.Now.UtcDateTime - TimeSpan.FromHours(1));
        Assert.Equal(0, (await sweep.RunAsync()).Deleted);
        Assert.True(File.Exists(blob));
        // The day itself: destroyed (by this run, or by the daily run if the clock has just woken it).
        s.V.Time.Advance(TimeSpan.FromHours(2));
        await sweep.RunAsync();
        Assert.Equal(0, (await sweep.RunAsync()).Deleted);

        Assert.False(File.Exists(blob));
        await using (var data = s.V.Data())
        {
            var after = await data.SshSessions.AsNoTracking().SingleAsync(r => r.Id == expiring);
            Assert.Null(after.RecordingAddress);
            Assert.Null(after.RecordingKey);
            Assert.NotNull(after.RecordingExpiredAt);
            Assert.Equal(before.RecordingSha256, after.RecordingSha256);
            Assert.Equal(before.EndReason, after.EndReason);
            var other = await data.SshSessions.AsNoTracking().SingleAsync(r => r.Id == staying);
            Assert.NotNull(other.RecordingAddress);
            Assert.NotNull(other.RecordingKey);
            Assert.Null(other.RecordingExpiredAt);
            var deleted = Assert.Single(await data.AuditEvents.AsNoTracking().Where(a => a.Action == "ssh.recording_delete").ToListAsync());
            Assert.Equal(SshRecordingSweep.Actor, deleted.Actor);
            Assert.Equal(AuditOutcome.Success, deleted.Outcome);
            Assert.Contains(expiring.ToString(), deleted.Details);
            Assert.Contains(Convert.ToHexStringLower(before.RecordingSha256!), deleted.Details);
            Assert.Contains(tomorrow.ToString("yyyy-MM-dd"), deleted.Details);
        }
        // The other recording still plays; the destroyed one is gone for good.
        var carol = s.Carol;
        Assert.Equal(HttpStatusCode.NotFound, (await carol.GetAsync($"/entries/{before.EntryId}/ssh/sessions/{expiring}/recording")).Status);
        Guid otherEntry;
        await using (var data = s.V.Data()) otherEntry = (await data.SshSessions.AsNoTracking().SingleAsync(r => r.Id == staying)).EntryId;
        (await carol.GetAsync($"/entries/{otherEntry}/ssh/sessions/{staying}/recording")).AssertOk();

        // The folder page sets both fields too (its form carries the session fields, so saving it keeps them).
        var (browser, antiforgery) = await s.V.BrowserSessionAsync("carol");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = antiforgery, ["folder"] = forever.ToString(), ["inheritRights"] = "true", ["minimumLength"] = "", ["minimumClasses"] = "3",
            ["mode"] = "Enforce", ["sessionRecordInput"] = "true", ["recordingRetentionClass"] = "GoBD 8 years",
        });
        using (var saved = await browser.PostAsync($"/vault/{s.Tenant}?handler=Settings", form))
            Assert.True(saved.IsSuccessStatusCode, $"{(int)saved.StatusCode}");
        var page = await browser.GetStringAsync($"/vault/{s.Tenant}?folder={forever}");
        Assert.Contains("<option value=\"GoBD 8 years\" selected=\"selected\">", page);
        var folder = (await carol.GetAsync("/folders")).AssertOk().Json.EnumerateArray().Single(f => f.GetProperty("id").GetGuid() == forever);
        Assert.True(folder.GetProperty("policy").GetProperty("sessionRecordInput").GetBoolean());
        Assert.Equal("GoBD 8 years", folder.GetProperty("policy").GetProperty("recordingRetentionClass").GetString());
    }
}
