using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Sharing;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sharing.Pages;

/// <summary>
/// The caller's links: of every tenant they reach (/shares) or of one (/shares/{tenant}); a tenant's managers switch to
/// all of the tenant's links (?all=true), which is "not found" for everyone else.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class SharesModel(AccessPolicy policy, TenantAdministration tenants, AccessPolicy access, TenantAdministration directory,
    ShareManagement management, DocumentFolders folders)
    : SharePageModel(policy, tenants)
{
    /// <summary>One link of the list; <see cref="What"/> names its files (the first, and how many more) or its folder.</summary>
    public sealed record Row(Guid Tenant, string TenantName, ShareView Share, string What, int More);

    /// <summary>A tenant of the overview, and whether the caller manages it (and so may see all its links).</summary>
    public sealed record Place(Guid Id, string Name, bool Manager);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<Place> Places { get; private set; } = [];
    /// <summary>Null on the overview of every tenant.</summary>
    public Guid? OneTenant { get; private set; }
    public bool All { get; private set; }
    public bool IsManager { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? tenant, bool all, CancellationToken ct)
    {
        if (tenant is { } one)
        {
            if (await LoadTenantAsync(one, ct) is { } stop) return stop;
            OneTenant = one;
            IsManager = await management.IsManagerAsync(Tenant, Caller, ct);
            if (all && !IsManager) return NotFound();
            All = all;
            var listed = await management.ListAsync(Tenant, Caller, all, ct);
            if (!listed.Succeeded) return NotFound();
            Rows = await RowsAsync(Tenant, TenantName, listed.Value!, ct);
            return Page();
        }

        var visible = await directory.ListVisibleAsync(await access.ForUserAsync(HttpContext.Session()!.UserId, ct), ct);
        var rows = new List<Row>();
        var places = new List<Place>();
        foreach (var t in visible.OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase))
        {
            places.Add(new Place(t.Id.Value, t.Name, await management.IsManagerAsync(t.Id, Caller, ct)));
            var mine = await management.ListAsync(t.Id, Caller, all: false, ct);
            if (mine.Succeeded) rows.AddRange(await RowsAsync(t.Id, t.Name, mine.Value!, ct));
        }
        Places = places;
        Rows = rows.OrderByDescending(r => r.Share.CreatedAt).ToList();
        return Page();
    }

    private async Task<IReadOnlyList<Row>> RowsAsync(TenantId tenant, string name, IReadOnlyList<ShareView> links, CancellationToken ct)
    {
        var names = links.Any(l => l.FolderId is not null)
            ? ((await folders.ListAsync(tenant, Caller, ct)).Value ?? []).ToDictionary(f => f.Id, f => f.Name)
            : [];
        return links.Select(l => l.FolderId is { } folder
            ? new Row(tenant.Value, name, l, names.GetValueOrDefault(folder, "–"), 0)
            : new Row(tenant.Value, name, l, l.Items.Select(i => i.Name).Order(StringComparer.Ordinal).FirstOrDefault() ?? "–", Math.Max(0, l.Items.Count - 1)))
            .ToList();
    }
}
