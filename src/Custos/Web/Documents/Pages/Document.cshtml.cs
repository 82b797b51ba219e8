using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Documents.Pages;

/// <summary>
/// One document: every version with its checksum and a download link, the lock state and the lock actions. Check-out,
/// cancel and breaking the lock are forms; checking in a new version streams the file to the API (documents.js).
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class DocumentModel(AccessPolicy policy, TenantAdministration tenants, DocumentLibrary library, DocumentFolders folders, DocumentLocks locks,
    DocumentRetention retention, RetentionClasses classes, LegalHolds holds, DocumentDeletion deletion, DocumentTagging tagging,
    Core.Sluice.SluiceReview sluice)
    : DocumentPageModel(policy, tenants)
{
    /// <summary>How the sluice let this document's content in: one record per release.</summary>
    public IReadOnlyList<Core.Sluice.QuarantineView> ReleaseRecords { get; private set; } = [];
    public DocumentRetentionState Retention { get; private set; } = null!;
    public IReadOnlyList<RetentionClassView> Classes { get; private set; } = [];
    public bool CanManage => Rights.Allows(DocumentRights.Manage);
    public bool CanTag => Rights.Allows(DocumentRights.Write) && !Retention.Restricted;

    public DocumentView Document { get; private set; } = null!;
    public IReadOnlyList<VersionView> Versions => Document.Versions ?? [];
    public FolderView? Folder { get; private set; }
    public DocumentRights Rights { get; private set; }
    public bool IsAdministrator => HttpContext.Session()!.IsInRole(Core.Identity.Roles.Administrator);
    public bool CanCheckOut => Document.Lock is null && Rights.Allows(DocumentRights.Write);
    public bool HoldsLock => Document.Lock is { Mine: true };
    public bool CanBreak => Document.Lock is { Mine: false } && (Rights.Allows(DocumentRights.Manage) || IsAdministrator);
    public string DocumentUrl => $"{TenantUrl}/doc/{Document.Id}";
    public string? Reason { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        return await LoadAsync(id, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostCheckOutAsync(Guid tenant, Guid id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await locks.CheckOutAsync(Tenant, id, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, "Documents.CheckedOut", ct);
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid tenant, Guid id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await locks.CancelAsync(Tenant, id, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, "Documents.Cancelled", ct);
    }

    public async Task<IActionResult> OnPostBreakAsync(Guid tenant, Guid id, string? reason, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await locks.BreakAsync(Tenant, id, reason, Caller, ct);
        if (!result.Succeeded) Reason = reason;
        return await AfterAsync(id, result.Succeeded ? null : result.Error, "Documents.LockBroken", ct);
    }

    public async Task<IActionResult> OnPostLabelAsync(Guid tenant, Guid id, string? classId, DateOnly? documentDate, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        Guid? label = Guid.TryParse(classId, out var parsed) ? parsed : null;
        var result = await retention.LabelAsync(Tenant, id, label, documentDate, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, "Documents.Labelled", ct);
    }

    public async Task<IActionResult> OnPostTagsAsync(Guid tenant, Guid id, string? tags, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await tagging.SetAsync(Tenant, id, (tags ?? "").Split(','), Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, "Documents.Tagged", ct);
    }

    public async Task<IActionResult> OnPostHoldAsync(Guid tenant, Guid id, string? reason, string? owner, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await holds.PlaceAsync(Tenant, new HoldInput(id, null, reason, owner), Caller, ct);
        if (!result.Succeeded) Reason = reason;
        return await AfterAsync(id, result.Succeeded ? null : result.Error, "Documents.HoldPlaced", ct);
    }

    public async Task<IActionResult> OnPostReleaseAsync(Guid tenant, Guid id, Guid holdId, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await holds.ReleaseAsync(Tenant, holdId, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, "Documents.HoldReleased", ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid tenant, Guid id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var before = await library.GetAsync(Tenant, id, Caller, ct);
        if (!before.Succeeded) return NotFound();
        var result = await deletion.DeleteAsync(Tenant, id, Caller, ct);
        if (result.Succeeded) return Done($"{TenantUrl}?folder={before.Value!.FolderId}", "Documents.Deleted");
        return await AfterAsync(id, result.Error, "", ct);
    }

    /// <summary>Success goes back to the document (a reload sends nothing again); a refusal is shown on the page.</summary>
    private async Task<IActionResult> AfterAsync(Guid id, Error? error, string done, CancellationToken ct)
    {
        if (error is null) return Done($"{TenantUrl}/doc/{id}", done);
        if (error.Code == DocumentErrors.NotFound.Code) return NotFound();
        var loaded = await LoadAsync(id, ct);
        // The refusal of a deletion names the day the retention ends, in the page's language.
        Message = error.Code == DocumentRetentionErrors.RetainedCode && Retention?.RetainUntil is { } until
            ? new PageMessage("Documents.Error.document.retained", DocumentFormat.Date(until), true)
            : PageMessage.From(error);
        return loaded ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var found = await library.GetAsync(Tenant, id, Caller, ct);
        if (!found.Succeeded) return NotFound();
        Document = found.Value!;
        Rights = ParseRights(Document.Rights);
        var list = await folders.ListAsync(Tenant, Caller, ct);
        Folder = list.Value?.FirstOrDefault(f => f.Id == Document.FolderId);
        var state = await retention.StateAsync(Tenant, id, Caller, ct);
        if (!state.Succeeded) return NotFound();
        Retention = state.Value!;
        Classes = await classes.ListAsync(ct);
        ReleaseRecords = await sluice.RecordsOfAsync(Tenant, id, ct);
        return null;
    }
}
