using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Sharing;
using Custos.Core.Tenants;
using Custos.Web.Documents.Pages;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sharing.Pages;

/// <summary>
/// One link as its sender (or a manager of the tenant) sees it: what it holds, its settings, how the password was
/// passed on, and its log; the forms to revoke it, move its expiry earlier and record the handover. Anyone else gets 404.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class ShareLinkModel(AccessPolicy policy, TenantAdministration tenants, ShareManagement management, DocumentFolders folders)
    : SharePageModel(policy, tenants)
{
    public ShareView Share { get; private set; } = null!;
    public IReadOnlyList<ShareEventView> Log { get; private set; } = [];
    /// <summary>The folder of an upload request, when the caller reaches it.</summary>
    public FolderView? Folder { get; private set; }
    /// <summary>A refused handover note, shown in its field again.</summary>
    public string? Note { get; private set; }
    public bool IsActive => Share.State == ShareState.Active;

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        return await LoadAsync(id, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tenant, Guid id, bool confirm, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        if (!confirm) return await RefusedAsync(id, new PageMessage("Share.Revoke.Unconfirmed", null, true), ct);
        var revoked = await management.RevokeAsync(Tenant, id, Caller, ct);
        return await AfterAsync(id, revoked, "Share.Revoked", ct);
    }

    public async Task<IActionResult> OnPostExpiryAsync(Guid tenant, Guid id, DateOnly? expires, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var found = await management.GetAsync(Tenant, id, Caller, ct);
        if (!found.Succeeded) return NotFound();
        if (expires is not { } day || !ModelState.IsValid) return await RefusedAsync(id, new PageMessage("Share.Error.Input", null, true), ct);
        // The new day at the time of day the link ends now: "two days earlier" is exactly that.
        var moved = await management.SetExpiryAsync(Tenant, id, ShareDates.At(day, found.Value!.ExpiresAt), Caller, ct);
        return await AfterAsync(id, moved, "Share.ExpiryMoved", ct, DocumentFormat.Time(found.Value.ExpiryCeiling));
    }

    public async Task<IActionResult> OnPostHandoverAsync(Guid tenant, Guid id, string? note, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var recorded = await management.RecordHandoverAsync(Tenant, id, note ?? "", Caller, ct);
        if (!recorded.Succeeded) Note = note;
        return await AfterAsync(id, recorded, "Share.Handover.Recorded", ct);
    }

    /// <summary>Success goes back to the link's page (a reload sends nothing again); a refusal is shown on it.</summary>
    private async Task<IActionResult> AfterAsync(Guid id, Result<ShareView> result, string done, CancellationToken ct, string? argument = null)
    {
        if (result.Succeeded) return Done(LinkUrl(id), done);
        if (IsNotFound(result.Error!)) return NotFound();
        return await RefusedAsync(id, ShareMessages.From(result.Error!, result.Error!.Code == "share.expiry_too_late" ? argument : null), ct);
    }

    private async Task<IActionResult> RefusedAsync(Guid id, PageMessage message, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } stop) return stop;
        Message = message;
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var found = await management.GetAsync(Tenant, id, Caller, ct);
        if (!found.Succeeded) return NotFound();
        Share = found.Value!;
        var log = await management.LogAsync(Tenant, id, Caller, ct);
        if (!log.Succeeded) return NotFound();
        Log = log.Value!;
        if (Share.FolderId is { } folder) Folder = (await folders.ListAsync(Tenant, Caller, ct)).Value?.FirstOrDefault(f => f.Id == folder);
        return null;
    }
}
