using Custos.Core.Backup;
using Custos.Core.Backup.Restic;
using Custos.Core.Common;
using Custos.Core.Identity;
using Custos.Web.Identity;
using Custos.Web.Vault;

namespace Custos.Web.Backup;

/// <summary>
/// The backup API under /api/v1/backup, for administrators (session or a token with the admin scope): targets, runs
/// (started in the background, progress in /status), verification, drills, single-document restore and alarms.
/// </summary>
public static class BackupEndpoints
{
    public sealed record TargetInput(string? Name, string? Repository, string? Role, IReadOnlyList<string>? Options, string? Password,
        IReadOnlyDictionary<string, string>? Environment, string? Schedule, int? KeepDaily, int? KeepWeekly, int? KeepMonthly, bool Existing);

    public sealed record ChangeInput(string? Schedule, int? KeepDaily, int? KeepWeekly, int? KeepMonthly, bool? Enabled);

    public sealed record VerifyInput(bool Full);

    public sealed record DrillInput(string? Snapshot);

    public sealed record RestoreDocumentInput(string? Target, string? Snapshot, string? Tenant, string? Document);

    public static void MapBackupEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/backup").RequireAuthorization(Policies.Administrator).WithTags("Backup");

        api.MapGet("/targets", async (BackupViews views, CancellationToken ct) => Results.Ok(await views.TargetsAsync(ct))).Reads().WithName("ListBackupTargets");
        api.MapPost("/targets", async (TargetInput body, HttpContext http, BackupTargets targets, CancellationToken ct) =>
        {
            if (!Enum.TryParse<BackupRole>(body.Role ?? "local", ignoreCase: true, out var role) || !Enum.IsDefined(role))
                return Problem(BackupErrors.Invalid("role is local or offsite."));
            var keep = body.KeepDaily is null && body.KeepWeekly is null && body.KeepMonthly is null ? null
                : new ResticRetention(body.KeepDaily ?? 14, body.KeepWeekly ?? 8, body.KeepMonthly ?? 12);
            var added = await targets.AddAsync(new BackupTargetInput(body.Name ?? "", body.Repository ?? "", role, body.Options, body.Password, body.Environment,
                body.Schedule, keep, body.Existing), http.Actor(), ct);
            return added.Succeeded ? Results.Created($"/api/v1/backup/targets/{added.Value!.Name}", View(added.Value)) : Problem(added.Error!);
        }).Writes().WithName("AddBackupTarget");
        api.MapPatch("/targets/{name}", async (string name, ChangeInput body, HttpContext http, BackupTargets targets, CancellationToken ct) =>
        {
            var keep = body.KeepDaily is null && body.KeepWeekly is null && body.KeepMonthly is null ? null
                : new ResticRetention(body.KeepDaily ?? 14, body.KeepWeekly ?? 8, body.KeepMonthly ?? 12);
            var changed = await targets.ChangeAsync(name, body.Schedule, keep, body.Enabled, http.Actor(), ct);
            return changed.Succeeded ? Results.Ok(View(changed.Value!)) : Problem(changed.Error!);
        }).Writes().WithName("ChangeBackupTarget");
        api.MapPost("/targets/{name}/check", async (string name, HttpContext http, BackupTargets targets, CancellationToken ct) =>
            From(await targets.CheckAsync(name, http.Actor(), ct))).Writes().WithName("CheckBackupTarget");
        api.MapPost("/targets/{name}/run", async (string name, HttpContext http, BackupRunner runner, BackupTargets targets, BackupJobs jobs, CancellationToken ct) =>
        {
            if (await targets.FindAsync(name, ct) is null) return Problem(BackupErrors.NotFound);
            var actor = http.Actor();
            return jobs.TryStart($"backup to {name}", stop => runner.RunAsync(name, "manual", actor, ct: stop))
                ? Results.Accepted("/api/v1/backup/status") : Problem(BackupErrors.Busy);
        }).Writes().WithName("RunBackup");
        api.MapPost("/targets/{name}/verify", async (string name, VerifyInput body, HttpContext http, BackupRunner runner, BackupTargets targets, BackupJobs jobs,
            CancellationToken ct) =>
        {
            if (await targets.FindAsync(name, ct) is null) return Problem(BackupErrors.NotFound);
            var actor = http.Actor();
            return jobs.TryStart($"verification of {name}", stop => runner.VerifyAsync(name, body.Full, "manual", actor, ct: stop))
                ? Results.Accepted("/api/v1/backup/status") : Problem(BackupErrors.Busy);
        }).Writes().WithName("VerifyBackup");
        api.MapPost("/targets/{name}/drill", async (string name, DrillInput body, HttpContext http, BackupDrill drill, BackupTargets targets, BackupJobs jobs,
            CancellationToken ct) =>
        {
            if (await targets.FindAsync(name, ct) is null) return Problem(BackupErrors.NotFound);
            var actor = http.Actor();
            return jobs.TryStart($"drill of {name}", stop => drill.DrillAsync(name, body.Snapshot ?? "latest", "manual", actor, ct: stop))
                ? Results.Accepted("/api/v1/backup/status") : Problem(BackupErrors.Busy);
        }).Writes().WithName("DrillBackup");
        api.MapGet("/status", (BackupActivity activity, BackupJobs jobs) => Results.Ok(new { running = jobs.IsRunning || activity.Current is not null, current = activity.Current }))
            .Reads().WithName("BackupStatus");
        api.MapGet("/runs", async (string? target, string? kind, BackupViews views, CancellationToken ct) =>
        {
            BackupRunKind? k = null;
            if (kind is not null)
            {
                if (!Enum.TryParse<BackupRunKind>(kind, ignoreCase: true, out var parsed)) return Problem(BackupErrors.Invalid("kind is backup, verify, drill or restore."));
                k = parsed;
            }
            return Results.Ok(await views.RunsAsync(target, k, 100, ct));
        }).Reads().WithName("ListBackupRuns");
        api.MapGet("/runs/{id:guid}", async (Guid id, BackupViews views, CancellationToken ct) =>
            await views.RunAsync(id, ct) is { } run ? Results.Ok(run) : Results.Problem(statusCode: 404, title: "No such run.")).Reads().WithName("GetBackupRun");
        api.MapPost("/restore-document", async (RestoreDocumentInput body, HttpContext http, DocumentRestore restore, CancellationToken ct) =>
            From(await restore.RestoreAsync(body.Target, body.Snapshot ?? "latest", body.Tenant, body.Document ?? "", http.Actor(), ct)))
            .Writes().WithName("RestoreDocumentFromBackup");
        api.MapGet("/alarms", async (BackupAlarms alarms, CancellationToken ct) => Results.Ok(await alarms.OpenAsync(ct))).Reads().WithName("ListBackupAlarms");
        api.MapPost("/alarms/{id:guid}/acknowledge", async (Guid id, HttpContext http, BackupAlarms alarms, CancellationToken ct) =>
            await alarms.AcknowledgeAsync(id, http.Actor(), ct) ? Results.NoContent() : Results.Problem(statusCode: 404, title: "No such open alarm."))
            .Writes().WithName("AcknowledgeBackupAlarm");
    }

    /// <summary>A target without its sealed secrets.</summary>
    public static object View(BackupTarget t) => new
    {
        t.Name, t.Repository, Role = t.Role.ToString().ToLowerInvariant(), Options = BackupTargets.OptionsOf(t), t.Schedule, t.KeepDaily, t.KeepWeekly, t.KeepMonthly,
        t.Enabled, t.CreatedAt, t.CreatedBy,
    };

    private static RouteHandlerBuilder Reads(this RouteHandlerBuilder route) => route.AddEndpointFilter(VaultApi.Require("admin", antiforgery: false));

    private static RouteHandlerBuilder Writes(this RouteHandlerBuilder route) => route.AddEndpointFilter(VaultApi.Require("admin", antiforgery: true));

    private static IResult From<T>(Result<T> result) => result.Succeeded ? Results.Ok(result.Value) : Problem(result.Error!);

    public static IResult Problem(Error error) => Results.Problem(statusCode: error.Code switch
    {
        "backup.target_not_found" => 404,
        "backup.target_name_taken" or "backup.busy" => 409,
        "backup.restic" => 502,
        _ => 400,
    }, title: error.Message, extensions: new Dictionary<string, object?> { ["code"] = error.Code });
}
