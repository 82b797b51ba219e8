using Custos.Core.Documents;
using Custos.Core.Sharing;
using Custos.Core.Tenants;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.Sharing.Pages;

/// <summary>
/// An upload request: a link through which someone outside drops files into a folder. Each file goes through the
/// sluice's quarantine before anyone sees it. The form, then the link and its password shown once.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class RequestUploadsModel(AccessPolicy policy, TenantAdministration tenants, SharePolicies policies, TimeProvider time,
    DocumentFolders folders, ShareCreation creation, SharingOptions options)
    : ShareFormModel(policy, tenants, policies, time)
{
    private const long MiB = 1024 * 1024;

    [BindProperty(SupportsGet = true, Name = "folder")] public Guid FolderId { get; set; }
    [BindProperty] public int? MaxFiles { get; set; }
    /// <summary>The most all files together may have, in MiB.</summary>
    [BindProperty] public long? MaxSize { get; set; }

    public FolderView Folder { get; private set; } = null!;
    /// <summary>Files are requested into a folder one may write in (the service checks it again).</summary>
    public bool CanWrite => ParseRights(Folder.Rights).Allows(DocumentRights.Write);
    public int DefaultMaxFiles => options.DefaultMaxFiles;
    public long DefaultMaxSize => options.DefaultMaxBytes / MiB;

    public async Task<IActionResult> OnGetAsync(Guid tenant, CancellationToken ct) => await LoadAsync(tenant, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid tenant, CancellationToken ct)
    {
        if (await LoadAsync(tenant, ct) is { } stop) return stop;
        if (AskedMode() is not { } mode) return ShowForm();
        return Show(await creation.RequestUploadsAsync(Tenant, new UploadRequest
        {
            FolderId = Folder.Id, ExpiresAt = ExpiresAt, PasswordMode = mode, Password = OwnPassword, MaxFiles = MaxFiles,
            // A size beyond what a long holds is just "very large"; zero or less is refused by the service.
            MaxBytes = MaxSize is { } size ? (long)Math.Min(size * (double)MiB, long.MaxValue) : null,
            Recipient = Recipient, Message = Note, Language = Language,
        }, Caller, ct));
    }

    private async Task<IActionResult?> LoadAsync(Guid tenant, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var list = await folders.ListAsync(Tenant, Caller, ct);
        if (list.Value?.FirstOrDefault(f => f.Id == FolderId) is not { } folder) return NotFound();
        Folder = folder;
        await LoadPolicyAsync(ct);
        return null;
    }
}
