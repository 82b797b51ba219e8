using Custos.Web.Sluice;
using Custos.Core.Data;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Core.Vault.Transfer;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Vault.Pages;

/// <summary>Import a KeePass, Bitwarden or CSV file into a new folder (rights chosen explicitly), and export what one may read.</summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class TransferModel(
    AccessPolicy policy, TenantAdministration tenants, VaultFolders folders, VaultTransfer transfer, IDbContextFactory<CustosDbContext> dbFactory,
    TimeProvider time) : VaultPageModel(policy, tenants, time)
{
    public IReadOnlyList<FolderView> Folders { get; private set; } = [];
    public IReadOnlyList<string> Groups { get; private set; } = [];
    public ImportReport? Report { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tenant, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        await LoadAsync(ct);
        return Page();
    }

    // The file is parsed into entries and never kept or handed on; attachments inside it pass the sluice one by one.
    [FileIntake(FileIntake.Parsed)]
    public async Task<IActionResult> OnPostImportAsync(Guid tenant, IFormFile? file, string? format, string? password, IFormFile? keyFile,
        string? folderName, Guid? parent, string? rightsChoice, string? grantGroup, string[]? rights, string? csvMapping, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        await LoadAsync(ct);
        if (file is null || file.Length == 0)
        {
            Problem = "Choose a file.";
            return Page();
        }
        TransferDocument document;
        try
        {
            var kind = TransferFormats.Parse(format);
            byte[]? key = null;
            if (keyFile is { Length: > 0 and < 1024 * 1024 })
            {
                using var k = new MemoryStream();
                await keyFile.CopyToAsync(k, ct);
                key = k.ToArray();
            }
            await using var input = file.OpenReadStream();
            var csv = string.IsNullOrWhiteSpace(csvMapping) ? null : new Core.Vault.Transfer.Csv.GenericCsvOptions { Mapping = Core.Vault.Transfer.Csv.CsvMappingText.Parse(csvMapping) };
            document = await Task.Run(() => TransferFormats.Read(kind, input, string.IsNullOrEmpty(password) ? null : password, key, csv), ct);
        }
        catch (TransferFormatException e)
        {
            Problem = e.Message;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        IReadOnlyList<PermissionInput>? permissions = rightsChoice switch
        {
            "inherit" => [],
            "grant" when !string.IsNullOrEmpty(grantGroup) => [new PermissionInput(grantGroup, null, RightsForm.Parse(rights))],
            _ => null,
        };
        var result = await transfer.ImportAsync(Tenant, document, new ImportTarget(parent, folderName ?? "", permissions, rightsChoice != "grant"),
            format ?? "kdbx", Caller, ct);
        if (!result.Succeeded)
        {
            if (Redirected(result.Error!) is { } redirect) return redirect;
            Problem = result.Error!.Message;
            return Page();
        }
        Report = result.Value;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(Guid tenant, string? format, Guid? folder, string? password, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        await LoadAsync(ct);
        TransferFormat kind;
        try
        {
            kind = TransferFormats.Parse(format);
        }
        catch (TransferFormatException e)
        {
            Problem = e.Message;
            return Page();
        }
        if (kind == TransferFormat.Kdbx && string.IsNullOrEmpty(password))
        {
            Problem = "A KeePass export needs a password for the file.";
            return Page();
        }
        var result = await transfer.ExportAsync(Tenant, folder, format ?? "kdbx", Caller, ct);
        if (!result.Succeeded)
        {
            if (Redirected(result.Error!) is { } redirect) return redirect;
            Problem = result.Error!.Message;
            return Page();
        }
        var output = new MemoryStream();
        await Task.Run(() => TransferFormats.Write(kind, result.Value!.Root, output, password), ct);
        output.Position = 0;
        return File(output, "application/octet-stream", $"{TenantName}-{DateTime.UtcNow:yyyyMMdd}.{TransferFormats.FileExtension(kind)}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Folders = await folders.ListAsync(Tenant, Caller, ct);
        Groups = await GroupNamesAsync(dbFactory, ct);
    }
}
