using Custos.Core.Data;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Administration;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Vault.Pages;

/// <summary>A tenant's vault: the folder tree, the entries of one folder (or a search), expiring entries, and the rights dialog.</summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class TenantModel(
    AccessPolicy policy, TenantAdministration tenants, VaultFolders folders, VaultEntries entries, VaultGrants grants, VaultReports reports,
    VaultAccessRequests requests, Core.Documents.RetentionClasses retentionClasses, IDbContextFactory<CustosDbContext> dbFactory, TimeProvider time)
    : VaultPageModel(policy, tenants, time)
{
    /// <summary>The session fields of the settings form (SSH use of the folder's entries).</summary>
    public sealed record SessionSettings(int? SessionMaxMinutes, int? SessionIdleMinutes, string? SessionHours, bool SessionReasonRequired,
        bool SessionApprovalRequired, bool SessionRecordInput, string? RecordingRetentionClass)
    {
        public bool Any => SessionMaxMinutes is not null || SessionIdleMinutes is not null || !string.IsNullOrWhiteSpace(SessionHours)
                           || SessionReasonRequired || SessionApprovalRequired || SessionRecordInput || !string.IsNullOrWhiteSpace(RecordingRetentionClass);
    }

    public IReadOnlyList<FolderView> Folders { get; private set; } = [];
    public FolderView? Folder { get; private set; }
    public IReadOnlyList<EntryView> Entries { get; private set; } = [];
    public IReadOnlyList<ExpiryRecord> Expiring { get; private set; } = [];
    public int PendingRequests { get; private set; }
    public GrantsPanel? Grants { get; private set; }
    public string? Search { get; private set; }
    public bool CanCreateHere { get; private set; }
    public bool CanManageHere { get; private set; }
    /// <summary>The retention classes a folder's recordings can be kept by (those that delete when they run out).</summary>
    public IReadOnlyList<string> RecordingClasses { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid? folder, string? q, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        await LoadAsync(folder, q, ct);
        return folder is not null && Folder is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostGrantAsync(Guid tenant, Guid? grantFolder, string? grantGroup, string? grantUser, string[]? rights,
        DateTime? grantFrom, DateTime? grantUntil, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await AddGrantAsync(grants, grantFolder, null, grantGroup, grantUser, rights, grantFrom, grantUntil, ct);
        if (!result.Succeeded && Redirected(result.Error!) is { } redirect) return redirect;
        Message = ResultMessage.From(result);
        await LoadAsync(grantFolder, null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tenant, Guid grantId, Guid? folder, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await grants.RevokeAsync(Tenant, grantId, Caller, ct);
        if (!result.Succeeded && Redirected(result.Error!) is { } redirect) return redirect;
        Message = ResultMessage.From(result);
        await LoadAsync(folder, null, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSettingsAsync(Guid tenant, Guid folder, bool sensitive, bool inheritRights, int? minimumLength,
        int? minimumClasses, bool expiryRequired, bool blockRevealWhenExpired, PolicyMode mode, SessionSettings session, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        // Nothing given at all: the folder inherits its policy again.
        var policy = minimumLength is null && !session.Any ? null : new FolderPolicy
        {
            MinimumLength = minimumLength ?? FolderPolicy.Default.MinimumLength, MinimumClasses = minimumClasses ?? 0, ExpiryRequired = expiryRequired,
            BlockRevealWhenExpired = blockRevealWhenExpired, Mode = mode,
            SessionMaxMinutes = session.SessionMaxMinutes, SessionIdleMinutes = session.SessionIdleMinutes,
            SessionHours = string.IsNullOrWhiteSpace(session.SessionHours) ? null : session.SessionHours.Trim(),
            SessionReasonRequired = session.SessionReasonRequired, SessionApprovalRequired = session.SessionApprovalRequired,
            SessionRecordInput = session.SessionRecordInput,
            RecordingRetentionClass = string.IsNullOrWhiteSpace(session.RecordingRetentionClass) ? null : session.RecordingRetentionClass,
        };
        var result = await folders.UpdateAsync(Tenant, folder, null, sensitive, inheritRights, policy, clearPolicy: policy is null, Caller, ct);
        if (!result.Succeeded && Redirected(result.Error!) is { } redirect) return redirect;
        Message = ResultMessage.From(result);
        await LoadAsync(folder, null, ct);
        return Page();
    }

    private async Task LoadAsync(Guid? folder, string? q, CancellationToken ct)
    {
        Search = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        Folders = await folders.ListAsync(Tenant, Caller, ct);
        Folder = folder is { } id ? Folders.FirstOrDefault(f => f.Id == id) : null;
        Entries = Search is not null || Folder is not null ? await entries.ListAsync(Tenant, Search is null ? Folder?.Id : null, Search, Caller, ct) : [];
        Expiring = await reports.ExpiringAsync(Tenant, Caller, ct);
        PendingRequests = (await requests.ListAsync(Tenant, Caller, ct)).Count(r => r.Status == AccessRequestStatus.Pending);
        var here = Folder is null ? await folders.RootRightsAsync(Tenant, Caller, ct) : VaultRightsExtensions.Parse(Folder.Rights.Replace("none", ""));
        CanCreateHere = here.Allows(VaultRights.Create);
        CanManageHere = here.Allows(VaultRights.Manage) || (Folder is null && Caller.IsAdministrator);
        // Only a Manage holder sees the rights dialog; asking for it without the right would be recorded as a refusal.
        if (!CanManageHere) return;
        if (Folder is not null)
        {
            // The folder's own choice stays listed even when it no longer fits, so saving other settings keeps it.
            var names = (await retentionClasses.ListAsync(ct)).Where(c => c.Action == Core.Documents.RetentionAction.Delete).Select(c => c.Name).ToList();
            if (Folder.Policy?.RecordingRetentionClass is { } current && !names.Contains(current)) names.Add(current);
            RecordingClasses = names;
        }
        var target = Folder is null ? GrantTarget.Root : new GrantTarget(Folder.Id, null);
        var list = await grants.ListAsync(Tenant, target, Caller, ct);
        if (list.Succeeded)
        {
            Grants = new GrantsPanel(Folder?.Id, null, list.Value!, await GroupNamesAsync(dbFactory, ct));
        }
    }
}
