using Custos.Core.Sluice;
using Custos.Core.Tenants;
using Custos.Web.Documents.Pages;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sluice.Pages;

/// <summary>
/// A tenant's sluice: reviewers see the queue (files in review first) and decide; everyone sees their own uploads with
/// their state and reason; one file's release record (every check, engine versions, who decided) is shown on its own.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class QuarantineModel(AccessPolicy policy, TenantAdministration tenants, SluiceReview review) : DocumentPageModel(policy, tenants)
{
    public IReadOnlyList<QuarantineView> Queue { get; private set; } = [];
    public IReadOnlyList<QuarantineView> Mine { get; private set; } = [];
    public bool IsReviewer { get; private set; }
    public QuarantineView? Item { get; private set; }
    public string SluiceUrl => $"{TenantUrl}/sluice";

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid? id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        return await ShowAsync(id, ct);
    }

    private async Task<IActionResult> ShowAsync(Guid? id, CancellationToken ct)
    {
        var queue = await review.QueueAsync(Tenant, Caller, ct: ct);
        IsReviewer = queue.Succeeded;
        if (id is { } itemId)
        {
            var item = await review.GetAsync(Tenant, itemId, Caller, ct);
            if (!item.Succeeded) return NotFound();
            Item = item.Value;
            return Page();
        }
        if (IsReviewer) Queue = queue.Value!;
        Mine = await review.MineAsync(Tenant, Caller, 50, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReleaseAsync(Guid tenant, Guid id, string? note, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var decided = await review.ReleaseAsync(Tenant, id, note, Caller, ct);
        if (!decided.Succeeded) return await FailAsync(id, decided.Error!, ct);
        return Done($"{SluiceUrl}/{id}", decided.Value!.WaitsForSecondReviewer ? "Sluice.ReleaseFirst"
            : decided.Value.Item.State == nameof(QuarantineState.Released) ? "Sluice.Released" : "Sluice.Blocked");
    }

    public async Task<IActionResult> OnPostBlockAsync(Guid tenant, Guid id, string? note, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var decided = await review.BlockAsync(Tenant, id, note, Caller, ct);
        return decided.Succeeded ? Done($"{SluiceUrl}/{id}", "Sluice.Blocked") : await FailAsync(id, decided.Error!, ct);
    }

    /// <summary>The file's page again, with the refusal above it.</summary>
    private async Task<IActionResult> FailAsync(Guid id, Core.Common.Error error, CancellationToken ct)
    {
        if (error == SluiceErrors.NotFound) return NotFound();
        var shown = await ShowAsync(id, ct);
        Message = new PageMessage("Sluice.Error." + error.Code, error.Message, true);
        return shown;
    }
}
