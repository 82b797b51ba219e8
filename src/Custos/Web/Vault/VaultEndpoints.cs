using Custos.Core.Common;
using Custos.Core.Vault;
using Custos.Core.Sluice;
using Custos.Web.Sluice;
using Custos.Web.Identity;

namespace Custos.Web.Vault;

/// <summary>
/// The vault's JSON API under /api/v1/tenants/{tenant}/vault. Lists and entry views never carry a secret; the only
/// routes that do are reveal, totp and attachment download, each for Read holders and each recorded.
/// </summary>
public static class VaultEndpoints
{
    public sealed record RevealRequest(string? Field, int? Version);

    public sealed record FolderUpdate(string? Name, bool? Sensitive, bool? InheritRights, FolderPolicy? Policy, bool ClearPolicy = false);

    public static void MapVaultEndpoints(this IEndpointRouteBuilder app)
    {
        var vault = app.MapGroup("/api/v1/tenants/{tenant:guid}/vault").RequireAuthorization(Policies.FullSession).WithTags("Vault");

        vault.MapGet("/folders", async (Guid tenant, HttpContext http, VaultFolders folders, TimeProvider time, CancellationToken ct) =>
            Results.Ok(await folders.ListAsync(new TenantId(tenant), http.Caller(time), ct))).Reads().WithName("ListVaultFolders");
        vault.MapPost("/folders", async (Guid tenant, FolderInput body, HttpContext http, VaultFolders folders, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await folders.CreateAsync(new TenantId(tenant), body, http.Caller(time), ct))).Writes().WithName("CreateVaultFolder");
        vault.MapPatch("/folders/{id:guid}", async (Guid tenant, Guid id, FolderUpdate body, HttpContext http, VaultFolders folders, TimeProvider time,
            CancellationToken ct) =>
            VaultApi.From(await folders.UpdateAsync(new TenantId(tenant), id, body.Name, body.Sensitive, body.InheritRights, body.Policy, body.ClearPolicy,
                http.Caller(time), ct))).Writes().WithName("UpdateVaultFolder");

        vault.MapGet("/entries", async (Guid tenant, Guid? folder, string? q, HttpContext http, VaultEntries entries, TimeProvider time, CancellationToken ct) =>
            Results.Ok(await entries.ListAsync(new TenantId(tenant), folder, q, http.Caller(time), ct))).Reads().WithName("ListVaultEntries");
        vault.MapPost("/entries", async (Guid tenant, EntryInput body, HttpContext http, VaultEntries entries, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await entries.CreateAsync(new TenantId(tenant), body, http.Caller(time), ct))).Writes().WithName("CreateVaultEntry");
        vault.MapGet("/entries/{id:guid}", async (Guid tenant, Guid id, HttpContext http, VaultEntries entries, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await entries.GetAsync(new TenantId(tenant), id, http.Caller(time), ct))).Reads().WithName("GetVaultEntry");
        vault.MapPut("/entries/{id:guid}", async (Guid tenant, Guid id, EntryInput body, HttpContext http, VaultEntries entries, TimeProvider time,
            CancellationToken ct) =>
            VaultApi.From(await entries.UpdateAsync(new TenantId(tenant), id, body, http.Caller(time), ct))).Writes().WithName("UpdateVaultEntry");
        vault.MapGet("/entries/{id:guid}/history", async (Guid tenant, Guid id, HttpContext http, VaultEntries entries, TimeProvider time,
            CancellationToken ct) =>
            VaultApi.From(await entries.HistoryAsync(new TenantId(tenant), id, http.Caller(time), ct))).Reads().WithName("VaultEntryHistory");

        vault.MapPost("/entries/{id:guid}/reveal", async (Guid tenant, Guid id, RevealRequest body, HttpContext http, VaultReveals reveals,
            TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await reveals.RevealAsync(new TenantId(tenant), id, body.Field ?? SecretBundle.PasswordField, body.Version, http.Caller(time), ct)))
            .Reveals().WithName("RevealVaultSecret");
        vault.MapPost("/entries/{id:guid}/totp", async (Guid tenant, Guid id, HttpContext http, VaultReveals reveals, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await reveals.TotpAsync(new TenantId(tenant), id, http.Caller(time), ct))).Reveals().WithName("VaultTotpCode");

        vault.MapPost("/entries/{id:guid}/attachments", async (Guid tenant, Guid id, IFormFile file, HttpContext http, VaultAttachments attachments,
            SluiceScreen sluice, TimeProvider time, CancellationToken ct) =>
        {
            if (file.Length > VaultOptions.MaxAttachmentBytes) return VaultApi.Problem(VaultErrors.AttachmentTooLarge);
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            // Through the sluice first: only a file that passes every check is kept.
            buffer.Position = 0;
            var screened = await sluice.ScreenAsync(new TenantId(tenant), buffer, file.FileName, $"vault-entry:{id}", http.Actor(), ct: ct);
            if (!screened.Succeeded) return SluiceApi.Problem(screened.Error!);
            return VaultApi.From(await attachments.AddAsync(new TenantId(tenant), id, file.FileName, buffer.ToArray(), http.Caller(time), ct));
        }).Writes().DisableAntiforgery().TakesFiles(FileIntake.Screened).WithName("AddVaultAttachment");
        vault.MapGet("/entries/{id:guid}/attachments/{attachment:guid}", async (Guid tenant, Guid id, Guid attachment, HttpContext http,
            VaultReveals reveals, TimeProvider time, CancellationToken ct) =>
        {
            var result = await reveals.AttachmentAsync(new TenantId(tenant), id, attachment, http.Caller(time), ct);
            return result.Succeeded
                ? Results.File(result.Value!.Content, "application/octet-stream", result.Value.Name)
                : VaultApi.Problem(result.Error!);
        }).Reads().WithName("DownloadVaultAttachment");
        vault.MapDelete("/entries/{id:guid}/attachments/{attachment:guid}", async (Guid tenant, Guid id, Guid attachment, HttpContext http,
            VaultAttachments attachments, TimeProvider time, CancellationToken ct) =>
            VaultApi.From(await attachments.RemoveAsync(new TenantId(tenant), id, attachment, http.Caller(time), ct))).Writes().WithName("RemoveVaultAttachment");

        vault.MapVaultRightsEndpoints();
        vault.MapVaultTransferEndpoints();
        app.MapVaultGlobalEndpoints();
    }
}
