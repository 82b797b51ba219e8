using Custos.Core.Common;
using Custos.Core.Data;
using Custos.Core.SecureUse;
using Custos.Core.SecureUse.Web;
using Custos.Core.Tenants;
using Custos.Core.Sluice;
using Custos.Core.Vault;
using Custos.Web.Sluice;
using Custos.Web.Administration;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.Vault.Pages;

/// <summary>
/// One entry: plain fields, masked secrets (revealed or copied one at a time through the API, by vault.js), the TOTP
/// code, attachments, history, the rights dialog, the access report and the access request form.
/// </summary>
[Authorize(Policy = Policies.FullSession)]
public sealed class EntryModel(
    AccessPolicy policy, TenantAdministration tenants, VaultEntries entries, VaultGrants grants, VaultReports reports,
    VaultAttachments attachments, VaultAccessRequests requests, VaultOptions options, IDbContextFactory<CustosDbContext> dbFactory,
    SshHostKeys hostKeys, WebSessions webSessions, ServeOptions serveOptions, SluiceScreen sluice, TimeProvider time) : VaultPageModel(policy, tenants, time)
{
    public EntryView Entry { get; private set; } = null!;
    public IReadOnlyList<VaultEntries.VersionInfo> History { get; private set; } = [];
    public GrantsPanel? Grants { get; private set; }
    public EntryAccessReport? Report { get; private set; }
    public int ClipboardSeconds => options.ClipboardClearSeconds;
    /// <summary>The entry's ssh:// URL when it is an SSH login (it then opens in the browser terminal).</summary>
    public string? SshUrl { get; private set; }
    /// <summary>What the SSH target presented so far, and whether that is confirmed.</summary>
    public SshHostKeys.HostKeyView? HostKey { get; private set; }
    /// <summary>The folder wants every SSH use approved (Manage holders excepted), and until when the caller's approval runs.</summary>
    public bool SessionApprovalRequired { get; private set; }
    public DateTimeOffset? SessionApprovedUntil { get; private set; }
    /// <summary>The entry's web target when it opens through Custos's proxy ("login" field and an http(s) URL).</summary>
    public WebTarget? WebTarget { get; private set; }
    /// <summary>False when the server runs without --proxy-domain: the web section then says so instead of offering the button.</summary>
    public bool WebProxyEnabled => webSessions.Options.Domain is not null;
    public bool CanRead => Has("read");
    public bool CanModify => Has("modify");
    public bool CanManage => Has("manage");

    private bool Has(string right) => Entry.Rights.Split(',').Contains(right);

    public async Task<IActionResult> OnGetAsync(Guid tenant, Guid id, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        return await LoadAsync(id, ct) ?? Page();
    }

    public async Task<IActionResult> OnPostGrantAsync(Guid tenant, Guid id, string? grantGroup, string? grantUser, string[]? rights,
        DateTime? grantFrom, DateTime? grantUntil, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await AddGrantAsync(grants, null, id, grantGroup, grantUser, rights, grantFrom, grantUntil, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tenant, Guid id, Guid grantId, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await grants.RevokeAsync(Tenant, grantId, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, ct);
    }

    [FileIntake(FileIntake.Screened)]
    public async Task<IActionResult> OnPostAttachAsync(Guid tenant, Guid id, IFormFile? file, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        if (file is null || file.Length == 0) return await AfterAsync(id, VaultErrors.Invalid("Choose a file."), ct);
        if (file.Length > VaultOptions.MaxAttachmentBytes) return await AfterAsync(id, VaultErrors.AttachmentTooLarge, ct);
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        // Through the sluice first: only a file that passes every check is kept.
        buffer.Position = 0;
        var screened = await sluice.ScreenAsync(Tenant, buffer, file.FileName, $"vault-entry:{id}", HttpContext.Actor(), ct: ct);
        if (!screened.Succeeded) return await AfterAsync(id, screened.Error, ct);
        var result = await attachments.AddAsync(Tenant, id, file.FileName, buffer.ToArray(), Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, ct);
    }

    public async Task<IActionResult> OnPostDetachAsync(Guid tenant, Guid id, Guid attachment, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await attachments.RemoveAsync(Tenant, id, attachment, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, ct);
    }

    public async Task<IActionResult> OnPostRequestAsync(Guid tenant, Guid id, int hours, string? reason, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await requests.RequestAsync(Tenant, id, hours, reason, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, ct);
    }

    /// <summary>Asks for approval to use the entry's server for some hours, where its folder requires it.</summary>
    public async Task<IActionResult> OnPostRequestSessionAsync(Guid tenant, Guid id, int hours, string? reason, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await requests.RequestAsync(Tenant, id, hours, reason, Caller, ct, AccessRequestKind.Session);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, ct);
    }

    /// <summary>A Manage holder confirms the host key the target presented (TOM 6.9: pinned before any credential is sent).</summary>
    public async Task<IActionResult> OnPostTrustHostKeyAsync(Guid tenant, Guid id, string? fingerprint, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var result = await hostKeys.ConfirmAsync(Tenant, id, fingerprint, Caller, ct);
        return await AfterAsync(id, result.Succeeded ? null : result.Error, ct);
    }

    /// <summary>Opens a web session with the entry's credential (Use) and sends the browser to its one-time launch link on the proxy host.</summary>
    public async Task<IActionResult> OnPostOpenWebAsync(Guid tenant, Guid id, string? reason, CancellationToken ct)
    {
        if (await LoadTenantAsync(tenant, ct) is { } stop) return stop;
        var opened = await webSessions.OpenAsync(Tenant, id, reason, Caller, ct);
        if (!opened.Succeeded) return await AfterAsync(id, opened.Error, ct);
        return Redirect(SecureUse.Proxy.WebProxyHosts.LaunchUrl(opened.Value!, webSessions.Options.Domain!, serveOptions.HttpsPort));
    }

    private async Task<IActionResult> AfterAsync(Guid id, Core.Common.Error? error, CancellationToken ct)
    {
        if (error is not null && Redirected(error) is { } redirect) return redirect;
        Message = ResultMessage.From(error);
        return await LoadAsync(id, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var entry = await entries.GetAsync(Tenant, id, Caller, ct);
        if (!entry.Succeeded) return Redirected(entry.Error!) ?? NotFound();
        Entry = entry.Value!;
        History = (await entries.HistoryAsync(Tenant, id, Caller, ct)).Value ?? [];
        SshUrl = SecureUse.Pages.TerminalPage.SshUrl(Entry);
        if (SshUrl is not null)
        {
            HostKey = (await hostKeys.GetAsync(Tenant, id, Caller, ct)).Value;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            SessionApprovalRequired = !CanManage && (await VaultEntries.EffectivePolicyAsync(db, Entry.FolderId, ct)).SessionApprovalRequired;
            if (SessionApprovalRequired)
                SessionApprovedUntil = await VaultAccessRequests.SessionApprovedUntilAsync(db, Tenant, id, HttpContext.Session()!.UserId, Time.StoredNow(), ct);
        }
        WebTarget = Core.SecureUse.Web.WebTarget.IsWebEntry(Entry.Urls, Entry.TextFields)
            ? Core.SecureUse.Web.WebTarget.Of(Entry.Urls, Entry.UserName, Entry.TextFields).Value
            : null;
        // The open button's form posts here and is redirected to the proxy host; CSP's form-action governs that redirect too.
        if (WebTarget is not null && webSessions.Options.Domain is { } proxyDomain)
            Response.Headers.ContentSecurityPolicy = Transport.TransportSecurityMiddleware.ContentSecurityPolicy.Replace("form-action 'self'",
                $"form-action 'self' https://*.{proxyDomain}{(serveOptions.HttpsPort == 443 ? "" : $":{serveOptions.HttpsPort}")}", StringComparison.Ordinal);
        if (CanManage)
        {
            var list = await grants.ListAsync(Tenant, new GrantTarget(null, id), Caller, ct);
            var groups = await GroupNamesAsync(dbFactory, ct);
            if (list.Succeeded) Grants = new GrantsPanel(null, id, list.Value!, groups);
            Report = (await reports.ForEntryAsync(Tenant, id, Caller, ct)).Value;
        }
        return null;
    }
}
