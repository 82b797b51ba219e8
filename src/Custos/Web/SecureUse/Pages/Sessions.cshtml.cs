using Custos.Core.SecureUse;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Custos.Web.Vault.Pages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Web.SecureUse.Pages;

/// <summary>
/// The recorded SSH sessions of an entry (Manage holders): who, when, how long, how it ended; with
/// <c>?play=SESSION</c> the recording plays in the page (fetched from the API, which puts the viewing on record).
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class SessionsModel(AccessPolicy policy, TenantAdministration tenants, VaultEntries entries, SshShells shells, IWebHostEnvironment env,
    TimeProvider time) : VaultPageModel(policy, tenants, time)
{
    public EntryView Entry { get; private set; } = null!;
    public IReadOnlyList<SshShells.SessionView> Sessions { get; private set; } = [];
    public SshShells.SessionView? Playing { get; private set; }
    public string StyleNonce { get; private set; } = "";
    public bool AssetsPresent { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid id, Guid? play, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var entry = await entries.GetAsync(Tenant, id, Caller, ct);
        if (!entry.Succeeded) return Redirected(entry.Error!) ?? NotFound();
        Entry = entry.Value!;
        var list = await shells.ListAsync(Tenant, id, Caller, ct);
        if (!list.Succeeded)
        {
            if (Redirected(list.Error!) is { } redirect) return redirect;
            Message = Administration.ResultMessage.From(list.Error);
            return Page();
        }
        Sessions = list.Value!;
        Playing = play is { } p ? Sessions.FirstOrDefault(s => s.Id == p && s.HasRecording) : null;
        if (play is not null && Playing is null) return NotFound();
        AssetsPresent = TerminalPage.AssetsPresent(env);
        StyleNonce = TerminalPage.AllowRuntimeStyles(HttpContext);
        return Page();
    }
}
