using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.Documents;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Documents.Pages;

/// <summary>
/// Finding documents: words (names, tags, text of text-based formats), name, folder, label, tag, author, date and
/// retention state. A manager selects found documents and files an erasure request for them from here.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class SearchModel(AccessPolicy policy, TenantAdministration tenants, DocumentSearch search, DocumentFolders folders, RetentionClasses classes,
    DocumentErasure erasure, IDbContextFactory<CustosDbContext> dbFactory)
    : DocumentPageModel(policy, tenants)
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Name { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Folder { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Label { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tag { get; set; }
    [BindProperty(SupportsGet = true)] public string? Author { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Retention { get; set; }

    public IReadOnlyList<FolderView> Folders { get; private set; } = [];
    public IReadOnlyList<RetentionClassView> Classes { get; private set; } = [];
    public IReadOnlyList<string> Groups { get; private set; } = [];
    public SearchResult? Result { get; private set; }
    public bool CanRequestErasure { get; private set; }
    public string? Reason { get; private set; }

    private SearchInput Input => new(Q, Name, Folder, Label, Tag, Author, From, To, string.IsNullOrWhiteSpace(Retention) ? null : Retention);

    public async Task<IActionResult> OnGetAsync(Guid tenant, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        await LoadChoicesAsync(ct);
        if (!Input.IsEmpty) await RunAsync(ct);
        return Page();
    }

    /// <summary>Files an erasure request for the selected documents; the report page shows what happened to each.</summary>
    public async Task<IActionResult> OnPostEraseAsync(Guid tenant, List<Guid>? selected, string? reason, string? restrictTo, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        await LoadChoicesAsync(ct);
        var filed = await erasure.RequestAsync(Tenant, new ErasureInput(selected ?? [], null, reason, restrictTo), Caller, ct);
        if (filed.Succeeded) return Done($"{TenantUrl}/erasures/{filed.Value!.Id}", "Documents.ErasureFiled");
        Message = PageMessage.From(filed.Error!);
        Reason = reason;
        if (!Input.IsEmpty) await RunAsync(ct);
        return Page();
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        Folders = (await folders.ListAsync(Tenant, Caller, ct)).Value ?? [];
        Classes = await classes.ListAsync(ct);
        CanRequestErasure = Folders.Any(f => ParseRights(f.Rights).Allows(DocumentRights.Manage));
        if (CanRequestErasure)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            Groups = await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(ct);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var found = await search.SearchAsync(Tenant, Input, Caller, ct);
        if (found.Succeeded) Result = found.Value;
        else Message = PageMessage.From(found.Error!);
    }
}
