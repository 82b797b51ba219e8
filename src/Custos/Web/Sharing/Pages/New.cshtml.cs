using Custos.Core.Documents;
using Custos.Core.Sharing;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sharing.Pages;

/// <summary>
/// A new download link for one document (a chosen version), several documents, or a folder as it is now: the form,
/// then the link, its URL and passwords shown once.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class NewShareModel(AccessPolicy policy, TenantAdministration tenants, SharePolicies policies, TimeProvider time,
    DocumentLibrary library, DocumentFolders folders, ShareCreation creation)
    : ShareFormModel(policy, tenants, policies, time)
{
    /// <summary>At most this many documents are named in one address (more go as a folder).</summary>
    public const int MaxDocuments = 50;

    [BindProperty(SupportsGet = true, Name = "document")] public Guid[] DocumentIds { get; set; } = [];
    [BindProperty(SupportsGet = true)] public int? Version { get; set; }
    [BindProperty(SupportsGet = true, Name = "folder")] public Guid? FolderId { get; set; }
    [BindProperty] public int? DownloadLimit { get; set; }
    [BindProperty] public bool Sensitive { get; set; }
    [BindProperty] public bool Notify { get; set; }

    public IReadOnlyList<DocumentView> Documents { get; private set; } = [];
    public FolderView? Folder { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tenant, CancellationToken ct) =>
        await LoadAsync(tenant, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid tenant, CancellationToken ct)
    {
        if (await LoadAsync(tenant, ct) is { } stop) return stop;
        if (AskedMode() is not { } mode) return ShowForm();
        var single = Documents.Count == 1;
        return Show(await creation.ShareAsync(Tenant, new ShareRequest
        {
            Documents = Documents.Select(d => new ShareDocument(d.Id, single ? Version : null)).ToList(), FolderId = Folder?.Id, ExpiresAt = ExpiresAt,
            PasswordMode = mode, Password = OwnPassword, DownloadLimit = DownloadLimit, Sensitive = Sensitive, Recipient = Recipient, Message = Note,
            NotifyOnFirstDownload = Notify, Language = Language,
        }, Caller, ct));
    }

    /// <summary>The tenant, what is to be shared (each one reachable, else 404) and the tenant's policy.</summary>
    private async Task<IActionResult?> LoadAsync(Guid tenant, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        if (FolderId is { } folder && DocumentIds.Length == 0)
        {
            var list = await folders.ListAsync(Tenant, Caller, ct);
            Folder = list.Value?.FirstOrDefault(f => f.Id == folder);
            if (Folder is null) return NotFound();
        }
        else
        {
            if (DocumentIds.Length is 0 or > MaxDocuments || FolderId is not null) return NotFound();
            var documents = new List<DocumentView>();
            foreach (var id in DocumentIds.Distinct())
            {
                var found = await library.GetAsync(Tenant, id, Caller, ct);
                if (!found.Succeeded) return NotFound();
                documents.Add(found.Value!);
            }
            Documents = documents;
            if (Version is { } v && (documents.Count != 1 || documents[0].Versions?.Any(x => x.Number == v) != true)) return NotFound();
        }
        await LoadPolicyAsync(ct);
        return null;
    }
}
