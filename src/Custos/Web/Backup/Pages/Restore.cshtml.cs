using Custos.Core.Backup;
using Custos.Core.Backup.Restic;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Backup.Pages;

/// <summary>
/// Single-document restore from a snapshot into the running instance (TOM 10.3 "restore of single files"), and below it
/// the newest drills with their reports: the evidence that whole backups can be restored.
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class RestoreModel(BackupTargets targets, BackupViews views, DocumentRestore restore, TenantAdministration tenants) : BackupPageModel
{
    public const int DrillsShown = 10;

    public IReadOnlyList<BackupTarget> Targets { get; private set; } = [];
    /// <summary>The target whose snapshots are listed (and restored from).</summary>
    public string? Target { get; private set; }
    /// <summary>Newest first; empty when the repository could not be read (<see cref="SnapshotError"/>).</summary>
    public IReadOnlyList<ResticSnapshot> Snapshots { get; private set; } = [];
    public Documents.Pages.PageMessage? SnapshotError { get; private set; }
    public IReadOnlyList<string> TenantNames { get; private set; } = [];
    public IReadOnlyList<(BackupRun Run, DrillReport? Report)> Drills { get; private set; } = [];
    public RestoredDocument? Restored { get; private set; }

    // What was sent, shown again with the answer (none of it is secret).
    public string Snapshot { get; private set; } = "latest";
    public string? Tenant { get; private set; }
    public string? Document { get; private set; }
    public int? Version { get; private set; }

    public Task OnGetAsync(string? target, CancellationToken ct) => LoadAsync(target, ct);

    public async Task OnPostAsync(string? target, string? snapshot, string? tenant, string? document, int? version, CancellationToken ct)
    {
        (Snapshot, Tenant, Document, Version) = (string.IsNullOrWhiteSpace(snapshot) ? "latest" : snapshot, NullIfEmpty(tenant), document, version);
        var reference = (document ?? "").Trim() + (version is { } v ? "@" + v : "");
        var restored = await restore.RestoreAsync(NullIfEmpty(target), Snapshot, Tenant, reference, HttpContext.Actor(), ct);
        if (restored.Succeeded) Restored = restored.Value;
        else Refuse(restored.Error!);
        await LoadAsync(target, ct);
    }

    private async Task LoadAsync(string? target, CancellationToken ct)
    {
        Targets = await targets.ListAsync(ct);
        // The target a restore without a choice would use: the first local one (as DocumentRestore chooses).
        Target = Targets.FirstOrDefault(t => t.Name == target)?.Name
                 ?? (Targets.FirstOrDefault(t => t.Role == BackupRole.Local) ?? Targets.FirstOrDefault())?.Name;
        if (Target is not null)
        {
            var checkedTarget = await targets.CheckAsync(Target, HttpContext.Actor(), ct);
            if (checkedTarget.Succeeded) Snapshots = checkedTarget.Value!.OrderByDescending(s => s.Time).ToList();
            else SnapshotError = BackupMessages.From(checkedTarget.Error!);
        }
        TenantNames = (await tenants.ListAllAsync(ct)).Select(t => t.Name).Order(StringComparer.CurrentCultureIgnoreCase).ToList();
        Drills = (await views.RunsAsync(kind: BackupRunKind.Drill, take: DrillsShown, ct: ct)).Select(r => (r, BackupReports.Drill(r))).ToList();
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
