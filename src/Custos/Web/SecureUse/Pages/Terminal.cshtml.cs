using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Custos.Web.Vault.Pages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.SecureUse.Pages;

/// <summary>
/// The browser terminal of an SSH entry (TOM 6.9): anyone who may use the entry gets a shell on its target; the server
/// logs in with the credential, which never reaches the browser. The page only carries the WebSocket's address.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class TerminalModel(AccessPolicy policy, TenantAdministration tenants, VaultEntries entries, IWebHostEnvironment env, TimeProvider time)
    : VaultPageModel(policy, tenants, time)
{
    public EntryView Entry { get; private set; } = null!;
    public string? SshUrl { get; private set; }
    public string StyleNonce { get; private set; } = "";
    public bool AssetsPresent { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var entry = await entries.GetAsync(Tenant, id, Caller, ct);
        if (!entry.Succeeded) return Redirected(entry.Error!) ?? NotFound();
        Entry = entry.Value!;
        SshUrl = TerminalPage.SshUrl(Entry);
        AssetsPresent = TerminalPage.AssetsPresent(env);
        StyleNonce = TerminalPage.AllowRuntimeStyles(HttpContext);
        return Page();
    }
}
