using Custos.Core.Data;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Vault.Pages;

/// <summary>
/// Creating and editing an entry. A new entry's rights must be chosen (inherit the folder's, or name a group with
/// rights): the form has no silent default (TOM 6.10.4). Secrets are never sent to this form; empty secret fields in an
/// edit keep their values.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class EntryFormModel(
    AccessPolicy policy, TenantAdministration tenants, VaultEntries entries, VaultFolders folders, IDbContextFactory<CustosDbContext> dbFactory,
    TimeProvider time) : VaultPageModel(policy, tenants, time)
{
    public sealed record Form
    {
        public string? Title { get; init; }
        public string? UserName { get; init; }
        public string? Password { get; init; }
        public bool PasswordGenerated { get; init; }
        public string? Urls { get; init; }
        public string? Notes { get; init; }
        public string? Totp { get; init; }
        public string? TextFields { get; init; }
        public string? SecretFields { get; init; }
        public string? Tags { get; init; }
        public DateTime? ExpiresAt { get; init; }
        public string? ServiceLimitation { get; init; }
        public bool RotateAfterReveal { get; init; }
        /// <summary>"inherit" or "grant"; empty until the user chooses.</summary>
        public string? RightsChoice { get; init; }
        public string? GrantGroup { get; init; }
        public string[]? Rights { get; init; }
        public int ExpectedVersion { get; init; }
    }

    [BindProperty]
    public Form Input { get; set; } = new();
    public EntryView? Existing { get; private set; }
    public Guid FolderId { get; private set; }
    public string FolderName { get; private set; } = "";
    public IReadOnlyList<string> Groups { get; private set; } = [];
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>The passphrase word list offered first: the page's language where a list exists for it, else English.</summary>
    public static string WordListLanguage =>
        System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "de" ? "de" : "en";

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid? folder, Guid? id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        if (await LoadAsync(folder, id, ct) is { } missing) return missing;
        if (Existing is { } e)
        {
            Input = new Form
            {
                Title = e.Title, UserName = e.UserName, Urls = string.Join("\n", e.Urls), Tags = string.Join(", ", e.Tags),
                TextFields = string.Join("\n", e.TextFields.Select(f => $"{f.Key}: {f.Value}")),
                SecretFields = string.Join("\n", e.SecretFields.Where(f => f.StartsWith(Core.Vault.SecretBundle.CustomFieldPrefix, StringComparison.Ordinal))
                    .Select(f => f[Core.Vault.SecretBundle.CustomFieldPrefix.Length..] + ":")),
                ExpiresAt = e.ExpiresAt?.UtcDateTime, ServiceLimitation = e.ServiceLimitation, RotateAfterReveal = e.RotateAfterReveal,
                PasswordGenerated = e.PasswordGenerated, ExpectedVersion = e.Version,
            };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid tenant, Guid? folder, Guid? id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        if (await LoadAsync(folder, id, ct) is { } missing) return missing;
        var creating = Existing is null;
        IReadOnlyList<PermissionInput>? permissions = null;
        if (creating)
        {
            if (Input.RightsChoice == "inherit") permissions = [];
            else if (Input.RightsChoice == "grant" && !string.IsNullOrEmpty(Input.GrantGroup))
                permissions = [new PermissionInput(Input.GrantGroup, null, RightsForm.Parse(Input.Rights))];
        }
        var input = new EntryInput
        {
            FolderId = FolderId, Title = Input.Title, UserName = Input.UserName ?? "", Password = Blank(Input.Password, creating),
            Urls = Lines(Input.Urls), Notes = Blank(Input.Notes, creating), Totp = Blank(Input.Totp, creating),
            Fields = [.. FieldLines(Input.TextFields, secret: false), .. FieldLines(Input.SecretFields, secret: true)],
            Tags = (Input.Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ExpiresAt = Utc(Input.ExpiresAt), ClearExpiry = !creating && Input.ExpiresAt is null, ServiceLimitation = Input.ServiceLimitation ?? "",
            PasswordGenerated = Input.PasswordGenerated, RotateAfterReveal = Input.RotateAfterReveal, Permissions = permissions,
            ExpectedVersion = creating ? null : Input.ExpectedVersion,
        };
        var result = creating ? await entries.CreateAsync(Tenant, input, Caller, ct) : await entries.UpdateAsync(Tenant, id!.Value, input, Caller, ct);
        if (!result.Succeeded)
        {
            if (Redirected(result.Error!) is { } redirect) return redirect;
            Message = Administration.ResultMessage.From(result.Error);
            ErrorDetail = result.Error!.Message;
            return Page();
        }
        var saved = result.Value!;
        if (saved.Warnings.Count > 0) TempData["VaultWarnings"] = string.Join("\n", saved.Warnings);
        return Redirect($"/vault/{tenant}/entries/{saved.Entry.Id}");
    }

    public string? ErrorDetail { get; private set; }

    private async Task<IActionResult?> LoadAsync(Guid? folder, Guid? id, CancellationToken ct)
    {
        if (id is { } entryId)
        {
            var entry = await entries.GetAsync(Tenant, entryId, Caller, ct);
            if (!entry.Succeeded) return Redirected(entry.Error!) ?? NotFound();
            Existing = entry.Value;
            FolderId = Existing!.FolderId;
        }
        else if (folder is { } f)
        {
            FolderId = f;
        }
        else
        {
            return NotFound();
        }
        var visible = await folders.ListAsync(Tenant, Caller, ct);
        var here = visible.FirstOrDefault(x => x.Id == FolderId);
        if (here is null) return NotFound();
        FolderName = here.Name;
        Groups = await GroupNamesAsync(dbFactory, ct);
        return null;
    }

    /// <summary>In an edit, an empty secret field means "keep"; in a new entry it means "none".</summary>
    private static string? Blank(string? value, bool creating) => string.IsNullOrEmpty(value) ? (creating ? "" : null) : value;

    private static List<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static IEnumerable<CustomFieldInput> FieldLines(string? text, bool secret) =>
        Lines(text).Select(line => line.Split(':', 2)).Where(p => p[0].Trim().Length > 0)
            .Select(p => new CustomFieldInput(p[0].Trim(), p.Length > 1 && p[1].Trim().Length > 0 ? p[1].Trim() : (secret ? null : ""), secret));
}
