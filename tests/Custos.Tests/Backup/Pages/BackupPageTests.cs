using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Custos.Core.Backup;
using Custos.Core.Data;
using Custos.Web.Backup;
using Microsoft.EntityFrameworkCore;
using static Custos.Tests.Backup.Pages.BackupPageSetup;

namespace Custos.Tests.Backup.Pages;

/// <summary>
/// The backup pages through real browser sessions: administrators only (others are turned away and never see an alarm),
/// alarms on the page and the start page until acknowledged, each target's state with its next run and last backup,
/// verification and drill, the run buttons refusing while a job runs (the page refreshing itself meanwhile), the add
/// form's refusals without the password, the drill evidence, and all of it in German. Paths that need restic itself
/// (a run that really starts, a repository's snapshots, a restore) are tested end to end with the real restic.
/// </summary>
public sealed partial class BackupPageTests
{
    private const string RefreshTag = "<meta http-equiv=\"refresh\" content=\"3\">";

    [Fact]
    public async Task BackupPages_NonAdministrator_TurnedAway_SeesNoAlarmNorNavigation()
    {
        await using var s = await StartAsync();
        await s.Service<BackupAlarms>().RaiseAsync(null, "failed", "Backup to nas failed: no space left on device");
        var alarm = Assert.Single(await s.Service<BackupAlarms>().OpenAsync());

        // Pages answer a signed-in user without the role with the "access denied" page.
        foreach (var path in new[] { "/backup", "/backup/restore", "/backup/add" })
        {
            using var response = await s.Nora.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("/denied", response.Headers.Location?.OriginalString);
        }
        // Nor do her forms reach the handlers (with a valid anti-forgery token of her own): the alarm stays open.
        using (var ack = await Infrastructure.TestServer.PostFormAsync(s.Nora, "/", new Dictionary<string, string> { ["id"] = alarm.Id.ToString() },
                   "/backup?handler=Acknowledge"))
        {
            Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
            Assert.Equal("/denied", ack.Headers.Location?.OriginalString);
        }
        Assert.Single(await s.Service<BackupAlarms>().OpenAsync());

        var (homeStatus, home) = await GetAsync(s.Nora, "/");
        Assert.Equal(HttpStatusCode.OK, homeStatus);
        Assert.DoesNotContain("id=\"backup-alarms\"", home);
        Assert.DoesNotContain("no space left on device", home);
        Assert.DoesNotContain("href=\"/backup\"", home);

        var adminHome = await s.PageAsync("/");
        Assert.Contains("<a href=\"/backup\">Backups</a>", adminHome);
        Assert.Contains("id=\"backup-alarms\"", adminHome);
    }

    [Fact]
    public async Task BackupPage_Administrator_EmptyState_AlarmOnPageAndStartPage_AcknowledgedGone()
    {
        await using var s = await StartAsync();

        var empty = await s.PageAsync("/backup");
        Assert.Contains("id=\"backup-empty\"", empty);
        Assert.Contains("No backup target is configured yet", empty);
        Assert.Contains("id=\"backup-runs-empty\"", empty);
        Assert.DoesNotContain("id=\"backup-alarms\"", empty);
        Assert.DoesNotContain(RefreshTag, empty); // nothing runs, nothing reloads
        Assert.DoesNotContain("id=\"backup-alarms\"", await s.PageAsync("/"));

        var target = await s.AddTargetRowAsync("nas", "/srv/backup/custos", BackupRole.Local, "0 3 1 1 *");
        await s.Service<BackupAlarms>().RaiseAsync(target, "verify", "Verification (3/7) of nas found damage: 1 damaged pack(s), affected snapshots: 4f2a9c1e.");
        var alarm = Assert.Single(await s.Service<BackupAlarms>().OpenAsync());

        foreach (var page in new[] { "/backup", "/" })
        {
            var box = Box(await s.PageAsync(page));
            Assert.Contains($"id=\"alarm-{alarm.Id}\"", box);
            Assert.Contains("<strong>Verification failed</strong> · nas", box);
            Assert.Contains("affected snapshots: 4f2a9c1e", box);
            Assert.Matches("<time datetime=\"" + Regex.Escape(alarm.RaisedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)) + "\">", box);
        }
        Assert.Contains("href=\"/backup\" id=\"backup-alarms-link\"", await s.PageAsync("/"));
        Assert.Contains("1 open alarm(s)", Section(await s.PageAsync("/backup"), "target-nas"));

        var after = await s.ClickAsync("Acknowledge", new Dictionary<string, string> { ["id"] = alarm.Id.ToString() });
        Assert.Contains("The alarm was acknowledged.", after);
        Assert.DoesNotContain("id=\"backup-alarms\"", after);
        Assert.DoesNotContain("id=\"backup-alarms\"", await s.PageAsync("/"));
        Assert.Empty(await s.Service<BackupAlarms>().OpenAsync());
        await using (var db = await s.Service<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal("user:ada", (await db.BackupAlarms.SingleAsync()).ClearedBy);
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "backup.alarm.acknowledge" && e.Actor == "user:ada"));
        }

        // A second click on the same (stale) button says so instead of pretending.
        Assert.Contains("That alarm is no longer open.", await s.ClickAsync("Acknowledge", new Dictionary<string, string> { ["id"] = alarm.Id.ToString() }));
    }

    [Fact]
    public async Task BackupPage_TargetWithRuns_ShowsScheduleNextRunLastBackupVerifyDrill_AndRunsTable()
    {
        await using var s = await StartAsync();
        var nas = await s.AddTargetRowAsync("nas", "/srv/backup/custos", BackupRole.Local, "0 3 1 1 *");
        var start = s.Now.AddHours(-3);
        var good = Run(nas.Id, "nas", BackupRunKind.Backup, BackupOutcome.Succeeded, start);
        (good.SnapshotId, good.Files, good.Bytes, good.AddedBytes) = ("4f2a9c1e7d0b5a3c4f2a9c1e7d0b5a3c4f2a9c1e7d0b5a3c4f2a9c1e7d0b5a3c", 1234, 5L << 20, 3L << 10);
        var failed = Run(nas.Id, "nas", BackupRunKind.Backup, BackupOutcome.Failed, start.AddHours(1), "Fatal: unable to open repository: no space left on device");
        var verify = Run(nas.Id, "nas", BackupRunKind.Verify, BackupOutcome.Failed, start.AddHours(2), "Verification (3/7) of nas found damage.");
        verify.Scope = "3/7";
        verify.Report = Json(new { Errors = new[] { "pack 9d1e: not referenced" }, DamagedPacks = new[] { "9d1e" }, AffectedSnapshots = new[] { "4f2a9c1e7d0b5a3c" } });
        var drill = Run(nas.Id, "nas", BackupRunKind.Drill, BackupOutcome.Succeeded, start.AddHours(2.5));
        drill.Report = Json(new DrillReport(good.SnapshotId, start, true, [new TenantCounts(Guid.NewGuid(), "Acme GmbH", 17, 42, 5)], [], 42, 9L << 20, 0, 1, []));
        await s.AddRunsAsync(good, failed, verify, drill);

        var html = await s.PageAsync("/backup");
        var card = Section(html, "target-nas");
        Assert.Contains("<span class=\"badge role\">local</span>", card);
        Assert.Contains("<code>/srv/backup/custos</code>", card);
        var next = BackupSchedule.Next("0 3 1 1 *", s.Now, TimeZoneInfo.Local)!.Value;
        Assert.Contains("<code>0 3 1 1 *</code>", card);
        Assert.Contains($"· next run: <time datetime=\"{Iso(next)}\">", card);
        Assert.Contains("keep 14 daily, 8 weekly, 12 monthly", card);
        // The last backup failed: its error, and when the last good one was.
        Assert.Contains("Fatal: unable to open repository: no space left on device", card);
        Assert.Contains($"last successful backup: <time datetime=\"{Iso(good.StartedAt)}\">", card);
        Assert.Contains("part 3/7 of the data", card);
        Assert.Contains("Affected snapshots: 4f2a9c1e", card);
        Assert.Contains("42 document versions checked", card);
        foreach (var button in new[] { "Run", "Verify", "FullCheck", "Drill" }) Assert.Contains($"?handler={button}\"", card);

        var runs = Between(html, "<table id=\"backup-runs\">", "</table>");
        Assert.Equal(4, Regex.Count(runs, "<tr id=\"run-"));
        Assert.True(runs.IndexOf($"run-{drill.Id}", StringComparison.Ordinal) < runs.IndexOf($"run-{good.Id}", StringComparison.Ordinal), "newest first");
        var goodRow = Between(runs, $"<tr id=\"run-{good.Id}\"", "</tr>");
        Assert.Contains("1,234", goodRow);
        Assert.Contains("5.0 MiB", goodRow);
        Assert.Contains("3.0 KiB", goodRow);
        Assert.Contains("1:15 min", goodRow);
        Assert.Contains("<code title=\"4f2a9c1e7d0b5a3c4f2a9c1e7d0b5a3c4f2a9c1e7d0b5a3c4f2a9c1e7d0b5a3c\">4f2a9c1e</code>", goodRow);
        Assert.Contains("Verification: part 3/7 of the data", runs);

        // Nothing runs: the page does not reload itself.
        Assert.DoesNotContain(RefreshTag, html);
        Assert.DoesNotContain("id=\"backup-progress\"", html);
    }

    [Fact]
    public async Task RestorePage_ShowsDrillReportsAsEvidence_EmptyWithoutTargets()
    {
        await using var s = await StartAsync();
        var empty = await s.PageAsync("/backup/restore");
        Assert.Contains("id=\"restore-no-targets\"", empty);
        Assert.Contains("id=\"drills-empty\"", empty);

        // Drills of a target since removed stay evidence (the runs keep its name); the page needs no repository for them.
        var target = Guid.NewGuid();
        var passed = Run(target, "offsite", BackupRunKind.Drill, BackupOutcome.Succeeded, s.Now.AddDays(-7));
        passed.SnapshotId = "a1b2c3d4e5f60718";
        passed.Report = Json(new DrillReport(passed.SnapshotId, s.Now.AddDays(-8), true,
            [new TenantCounts(Guid.NewGuid(), "Acme GmbH", 17, 42, 5), new TenantCounts(Guid.NewGuid(), "Beta AG", 3, 3, 0)], [], 45, 12L << 20, 0, 0, []));
        var broken = Run(target, "offsite", BackupRunKind.Drill, BackupOutcome.Failed, s.Now.AddDays(-1), "Drill of snapshot b2c3d4e5 from offsite failed: Damaged: Vertrag.pdf v2");
        broken.Report = Json(new DrillReport("b2c3d4e5f6071829", s.Now.AddDays(-1.5), false, [new TenantCounts(Guid.NewGuid(), "Acme GmbH", 17, 42, 5)],
            ["tenant Beta AG is missing"], 42, 11L << 20, 1, 0, ["tenant Beta AG is missing", "Damaged: Vertrag.pdf v2: authentication failed"]));
        await s.AddRunsAsync(passed, broken, Run(target, "offsite", BackupRunKind.Backup, BackupOutcome.Succeeded, s.Now));

        var html = await s.PageAsync("/backup/restore");
        Assert.DoesNotContain("id=\"drills-empty\"", html);
        Assert.Equal(2, Regex.Count(html, "<section class=\"report drill\""));
        Assert.True(html.IndexOf($"drill-{broken.Id}", StringComparison.Ordinal) < html.IndexOf($"drill-{passed.Id}", StringComparison.Ordinal), "newest first");
        var ok = Section(html, $"drill-{passed.Id}");
        Assert.Contains("data-outcome=\"Succeeded\"", ok);
        Assert.Contains("<code title=\"a1b2c3d4e5f60718\">a1b2c3d4</code>", ok);
        Assert.Contains("45 document versions, 12 MiB", ok);
        Assert.Contains("<tr><td>Acme GmbH</td><td>17</td><td>42</td><td>5</td></tr>", ok);
        Assert.Contains("<tr><td>Beta AG</td><td>3</td><td>3</td><td>0</td></tr>", ok);
        var bad = Section(html, $"drill-{broken.Id}");
        Assert.Contains("data-outcome=\"Failed\"", bad);
        Assert.Contains("<li>tenant Beta AG is missing</li>", bad);
        Assert.Contains("<li>Damaged: Vertrag.pdf v2: authentication failed</li>", bad);
        Assert.Contains("<dd class=\"drill-damaged\">1</dd>", bad);
    }

    [Fact]
    public async Task RunButtons_WhileAJobRuns_SayBusyAndStartNothing_PageRefreshesUntilItEnds()
    {
        await using var s = await StartAsync();
        await s.AddTargetRowAsync("nas", "/srv/backup/custos", BackupRole.Local, "0 3 1 1 *");
        Assert.Contains("No backup target of that name.", await s.ClickAsync("Run", new Dictionary<string, string> { ["target"] = "elsewhere" }));

        // A job of this node holds the one slot, as a backup started a moment ago does.
        var jobs = s.Service<BackupJobs>();
        var release = new TaskCompletionSource();
        Assert.True(jobs.TryStart("a job of the test", _ => release.Task));
        var running = await s.PageAsync("/backup");
        Assert.Contains(RefreshTag, running);
        Assert.Contains("id=\"backup-progress-starting\"", running);
        Assert.Contains("This page reloads every 3 seconds while the job runs.", running);

        foreach (var button in new[] { "Run", "Verify", "FullCheck", "Drill" })
        {
            var page = await s.ClickAsync(button, new Dictionary<string, string> { ["target"] = "nas" });
            Assert.Contains("id=\"backup-message\" class=\"error\"", page);
            Assert.Contains("Another backup, verification, drill or restore is running on this instance", page);
        }
        await using (var db = await s.Service<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync())
            Assert.Equal(0, await db.BackupRuns.CountAsync());

        release.SetResult();
        for (var i = 0; jobs.IsRunning && i < 100; i++) await Task.Delay(20);
        Assert.False(jobs.IsRunning);
        var idle = await s.PageAsync("/backup");
        Assert.DoesNotContain(RefreshTag, idle);
        Assert.DoesNotContain("id=\"backup-progress\"", idle);
    }

    [Fact]
    public async Task AddTargetForm_InvalidCronOrRelativePath_ShowsErrorAtForm_NeverEchoesPasswordOrCredentials()
    {
        await using var s = await StartAsync();
        const string password = "Repo-Secret-7f3a9e2b41";
        const string credential = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-K7MDENG-bPxRfiCY";
        var form = await s.PageAsync("/backup/add");
        Assert.Contains("id=\"backup-add-form\"", form);
        Assert.Contains("placeholder=\"0 6,18 * * *\"", form);
        Assert.Contains("Empty: 0 6,18 * * * for a local target (06:00 and 18:00), 30 1 * * * for an off-site target", form); // the defaults
        Assert.Contains("value=\"14\"", form);

        async Task<string> Refused(Dictionary<string, string> fields, string expected, string path = "/backup/add")
        {
            using var response = await s.Server.PostFormAsync(path, fields);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var atForm = Between(html, "id=\"backup-add-form\"", "</form>");
            Assert.Contains("id=\"backup-message\" class=\"error\"", atForm);
            Assert.Contains(expected, atForm);
            Assert.DoesNotContain(password, html);
            Assert.DoesNotContain("wJalrXUtnFEMI", html);
            return html;
        }

        Dictionary<string, string> Fields(string repository, string schedule, string environment = credential) => new()
        {
            ["Form.Name"] = "nas", ["Form.Repository"] = repository, ["Form.Role"] = "local", ["Form.Schedule"] = schedule, ["password"] = password,
            ["environment"] = environment, ["Form.KeepDaily"] = "14", ["Form.KeepWeekly"] = "8", ["Form.KeepMonthly"] = "12",
        };

        var cron = await Refused(Fields("/srv/backup/custos", "every day at six"), "\"every day at six\" is not a cron expression");
        Assert.Contains("value=\"/srv/backup/custos\"", cron); // what is not secret stays filled in
        Assert.Contains("value=\"every day at six\"", cron);
        await Refused(Fields("backups/custos", "0 6,18 * * *"), "A local repository needs an absolute path.");
        await Refused(Fields("/srv/backup/custos", "0 6,18 * * *", "wJalrXUtnFEMI-K7MDENG"), "Each credential line is NAME=value.");
        await Refused(Fields("backups/custos", "0 6,18 * * *"), "Die Eingabe ist ungültig: A local repository needs an absolute path.", "/backup/add?lang=de");

        await using var db = await s.Service<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.BackupTargets.CountAsync());
        var audit = string.Join("\n", await db.AuditEvents.Select(e => e.Target + " " + e.Details).ToListAsync());
        Assert.DoesNotContain(password, audit);
    }

    [Fact]
    public async Task BackupPages_German_TextsAndDatesInTheUsersCulture()
    {
        await using var s = await StartAsync();
        // Without a target the restore page needs no repository (with one it lists the target's snapshots through restic).
        var restore = await s.PageAsync("/backup/restore?lang=de");
        Assert.Contains("<h1>Dokument wiederherstellen</h1>", restore);
        Assert.Contains("Es wurde noch keine Notfallübung durchgeführt.", restore);

        var nas = await s.AddTargetRowAsync("nas", "/srv/backup/custos", BackupRole.Offsite, "0 3 1 1 *");
        var run = Run(nas.Id, "nas", BackupRunKind.Backup, BackupOutcome.Succeeded, new DateTimeOffset(2026, 11, 5, 17, 4, 0, TimeSpan.Zero));
        run.SnapshotId = "0123456789abcdef";
        await s.AddRunsAsync(run);
        await s.Service<BackupAlarms>().RaiseAsync(nas, "missed", "The scheduled backup to nas did not run in time.");

        var shown = TimeZoneInfo.ConvertTime(run.StartedAt, TimeZoneInfo.Local);
        var de = await s.PageAsync("/backup?lang=de");
        Assert.Contains("<h1>Sicherung</h1>", de);
        Assert.Contains("Offene Sicherungsalarme (1)", de);
        Assert.Contains("<strong>Sicherung versäumt</strong>", de);
        Assert.Contains("<span class=\"badge role\">extern</span>", de);
        Assert.Contains("Aufbewahrung", de);
        Assert.Contains("14 tägliche, 8 wöchentliche, 12 monatliche aufbewahren", de);
        Assert.Contains("Letzte Notfallübung", de);
        Assert.Contains(">Jetzt sichern</button>", de);
        Assert.Contains(">Notfallübung</button>", de);
        Assert.Contains($"<time datetime=\"{Iso(run.StartedAt)}\">{shown:dd.MM.yyyy HH:mm}</time>", de);
        Assert.Contains("1:15 min", de);

        var en = await s.PageAsync("/backup?lang=en");
        Assert.Contains($"<time datetime=\"{Iso(run.StartedAt)}\">{shown.ToString("g", CultureInfo.GetCultureInfo("en"))}</time>", en);
        Assert.DoesNotContain($"{shown:dd.MM.yyyy HH:mm}", en);

        Assert.Contains("Offene Sicherungsalarme (1)", await s.PageAsync("/?lang=de"));
        Assert.Contains("Ziel hinzufügen", await s.PageAsync("/backup/add?lang=de"));
    }

    [Fact]
    public void ComposedTextKeys_ExistInEnglishAndGerman()
    {
        // The pages compose these keys from the core's values; a missing one would show the bare key.
        var keys = Enum.GetNames<BackupRunKind>().SelectMany(k => new[] { "Backup_Kind_" + k, "Backup_RunningKind_" + k })
            .Concat(Enum.GetNames<BackupOutcome>().Select(o => "Backup_Outcome_" + o))
            .Concat(Enum.GetNames<BackupPhase>().Select(p => "Backup_Phase_" + p))
            .Concat(Enum.GetNames<BackupRole>().Select(r => "Backup_Role_" + r))
            .Concat(new[] { "failed", "missed", "verify", "drill", "journal" }.Select(k => "Backup_AlarmKind_" + k))
            .Concat(new[] { "target_not_found", "target_name_taken", "administrators_only", "busy", "invalid", "restic" }.Select(c => "Backup_Error_backup." + c))
            .ToList();
        var resources = new System.Resources.ResourceManager("Custos.Resources.Texts", typeof(Custos.Texts).Assembly);
        foreach (var culture in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("de") })
        {
            var set = resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!;
            Assert.All(keys, key => Assert.False(string.IsNullOrEmpty(set.GetString(key)), $"{key} has no {culture.Name} text"));
        }
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Box(string html) => Between(html, "<section class=\"alarm-box\" id=\"backup-alarms\"", "</section>");

    /// <summary>The element with this id, up to its section's end (sections here hold no nested sections).</summary>
    private static string Section(string html, string id) => Between(html, $"id=\"{id}\"", "</section>");

    private static string Between(string html, string start, string end)
    {
        var from = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"not found: {start}");
        var to = html.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(to >= 0, $"no end after {start}");
        return html[from..to];
    }
}
