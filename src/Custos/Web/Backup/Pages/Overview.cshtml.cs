using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Web.Documents.Pages;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Backup.Pages;

/// <summary>
/// The backup overview (TOM 10.2, 10.3): open alarms first, then every target with its schedule, retention and last
/// backup, verification and drill, the buttons that start them in the background (as the API does, through
/// <see cref="BackupJobs"/>), and the newest runs. While this node runs something the page shows how far it is and
/// reloads itself every few seconds (a refresh header, no script).
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class OverviewModel(BackupViews views, BackupAlarms alarms, BackupActivity activity, BackupJobs jobs, BackupTargets targets,
    BackupRunner runner, BackupDrill drill) : BackupPageModel
{
    public const int RunsShown = 30;
    public const int RefreshSeconds = 3;

    public IReadOnlyList<BackupTargetState> Targets { get; private set; } = [];
    public IReadOnlyList<BackupAlarm> Alarms { get; private set; } = [];
    public IReadOnlyList<BackupRun> Runs { get; private set; } = [];
    /// <summary>What this node's run reports now; null between the click and its first report, or when nothing runs.</summary>
    public BackupProgress? Current { get; private set; }
    public bool IsRunning { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        TakeMessage();
        Current = activity.Current;
        IsRunning = jobs.IsRunning || Current is not null;
        Alarms = await alarms.OpenAsync(ct);
        Targets = await views.TargetsAsync(ct);
        Runs = await views.RunsAsync(take: RunsShown, ct: ct);
    }

    public Task<IActionResult> OnPostRunAsync(string? target, CancellationToken ct) =>
        StartAsync(target, "Backup_Started_Run", "backup to", (name, actor, stop) => runner.RunAsync(name, "manual", actor, ct: stop), ct);

    public Task<IActionResult> OnPostVerifyAsync(string? target, CancellationToken ct) =>
        StartAsync(target, "Backup_Started_Verify", "verification of", (name, actor, stop) => runner.VerifyAsync(name, false, "manual", actor, ct: stop), ct);

    public Task<IActionResult> OnPostFullCheckAsync(string? target, CancellationToken ct) =>
        StartAsync(target, "Backup_Started_FullCheck", "verification of", (name, actor, stop) => runner.VerifyAsync(name, true, "manual", actor, ct: stop), ct);

    public Task<IActionResult> OnPostDrillAsync(string? target, CancellationToken ct) =>
        StartAsync(target, "Backup_Started_Drill", "drill of", (name, actor, stop) => drill.DrillAsync(name, "latest", "manual", actor, ct: stop), ct);

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken ct) =>
        BackToOverview(await alarms.AcknowledgeAsync(id, HttpContext.Actor(), ct)
            ? new PageMessage("Backup_Acknowledged", null, false)
            : new PageMessage("Backup_AlarmGone", null, true));

    /// <summary>
    /// Starts the work in the background and comes back at once. A scheduled run holds no job of this page but shows
    /// in the activity, so it counts as busy here too (the run lock would refuse the work a moment later, unseen).
    /// </summary>
    private async Task<IActionResult> StartAsync(string? name, string startedKey, string what, Func<string, Actor, CancellationToken, Task> work,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name) || await targets.FindAsync(name, ct) is null) return BackToOverview(BackupMessages.From(BackupErrors.NotFound));
        var actor = HttpContext.Actor();
        if (activity.Current is not null || !jobs.TryStart($"{what} {name}", stop => work(name, actor, stop)))
            return BackToOverview(BackupMessages.From(BackupErrors.Busy));
        return BackToOverview(new PageMessage(startedKey, name, false));
    }
}
