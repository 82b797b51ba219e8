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
/// A tenant's documents: the folder tree, the documents of the chosen folder with their lock state, the upload zone
/// (documents.js sends each file to the API) and the form for a new folder.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class TenantModel(
    AccessPolicy policy, TenantAdministration tenants, DocumentFolders folders, DocumentLibrary library, IDbContextFactory<CustosDbContext> dbFactory,
    DocumentAccessCache accessCache)
    : DocumentPageModel(policy, tenants)
{
    /// <summary>A place for a new folder: the top level (of the whole tenant or of a project) or inside the chosen folder.</summary>
    public sealed record Place(string Value, string Kind, string? Name);

    public IReadOnlyList<FolderView> Folders { get; private set; } = [];
    public FolderView? Folder { get; private set; }
    /// <summary>The chosen folder and its parents, the top first.</summary>
    public IReadOnlyList<FolderView> Path { get; private set; } = [];
    public IReadOnlyList<DocumentView> Documents { get; private set; } = [];
    public DocumentRights FolderRights { get; private set; }
    public IReadOnlyList<Place> Places { get; private set; } = [];
    public string? FolderName { get; private set; }
    public string? Chosen { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid? folder, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        return await LoadAsync(folder, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostFolderAsync(Guid tenant, Guid? folder, string? name, string? place, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        Guid? parent = null;
        ProjectId? project = null;
        var (kind, id) = place?.Split(':', 2) is [var k, var v] && Guid.TryParse(v, out var g) ? (k, (Guid?)g) : (place, null);
        if (kind == "folder" && id is not null) parent = id;
        else if (kind == "project" && id is not null) project = new ProjectId(id.Value);
        var created = await folders.CreateAsync(Tenant, name, parent, project, Caller, ct);
        if (created.Succeeded) return Done($"{TenantUrl}?folder={created.Value!.Id}", "Documents.FolderCreated");
        Message = PageMessage.From(created.Error!);
        FolderName = name;
        Chosen = place;
        return await LoadAsync(folder, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid? folder, CancellationToken ct)
    {
        var list = await folders.ListAsync(Tenant, Caller, ct);
        if (!list.Succeeded) return NotFound();
        Folders = list.Value!;
        if (folder is { } chosen)
        {
            Folder = Folders.FirstOrDefault(f => f.Id == chosen);
            if (Folder is null) return NotFound();
            FolderRights = ParseRights(Folder.Rights);
            var byId = Folders.ToDictionary(f => f.Id);
            var path = new List<FolderView>();
            for (var f = Folder; f is not null && path.Count < 100; f = f.ParentId is { } p ? byId.GetValueOrDefault(p) : null) path.Insert(0, f);
            Path = path;
            var documents = await library.ListAsync(Tenant, chosen, Caller, ct);
            if (!documents.Succeeded) return NotFound();
            Documents = documents.Value!;
        }
        await LoadPlacesAsync(ct);
        return null;
    }

    private async Task LoadPlacesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await accessCache.GetAsync(db, Caller, Tenant, ct);
        var places = new List<Place>();
        if (Folder is not null && FolderRights.Allows(DocumentRights.Write)) places.Add(new Place($"folder:{Folder.Id}", "folder", Folder.Name));
        if (access.On(null).Allows(DocumentRights.Write)) places.Add(new Place("root", "root", null));
        places.AddRange(Projects.Where(p => access.On(p.Id).Allows(DocumentRights.Write)).Select(p => new Place($"project:{p.Id.Value}", "project", p.Name)));
        Places = places;
    }
}
