using Custos.Core.Data;
using Custos.Core.SecureUse;
using Custos.Core.SecureUse.Web;
using Custos.Web.Administration;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Custos.Web.SecureUse.Pages;

/// <summary>
/// "Who is connected where": the live SSH and web sessions of this server for administrators, who can end any of them
/// at once (audited). It names tenant, entry title, user and target, never anything typed or shown.
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class LiveModel(SshShells shells, WebSessions webSessions, IDbContextFactory<CustosDbContext> dbFactory, TimeProvider time) : PageModel
{
    public sealed record Row(SshShells.LiveSession Session, string Tenant, string Entry);

    public sealed record WebRow(WebSessions.LiveSession Session, string Tenant, string Entry);

    public IReadOnlyList<Row> Sessions { get; private set; } = [];
    public IReadOnlyList<WebRow> Web { get; private set; } = [];
    public ResultMessage? Message { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostTerminateAsync(Guid session, CancellationToken ct)
    {
        Message = await shells.TerminateAsync(session, HttpContext.Actor(), ct) ? ResultMessage.Done : new ResultMessage("Ssh.Live.Gone", true);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTerminateWebAsync(Guid session, CancellationToken ct)
    {
        Message = await webSessions.TerminateAsync(session, HttpContext.Actor(), ct) ? ResultMessage.Done : new ResultMessage("Ssh.Live.Gone", true);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow();
        var live = shells.Live();
        var web = webSessions.Live();
        if (live.Count == 0 && web.Count == 0)
        {
            Sessions = [];
            Web = [];
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entryIds = live.Select(s => s.EntryId).Concat(web.Select(s => s.EntryId)).Distinct().ToList();
        var entries = await db.VaultEntries.AsNoTracking().Where(e => entryIds.Contains(e.Id)).Select(e => new { e.Id, e.Title }).ToDictionaryAsync(e => e.Id, e => e.Title, ct);
        var tenants = await db.Tenants.AsNoTracking().Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        var tenantNames = tenants.ToDictionary(t => t.Id.Value, t => t.Name);
        Sessions = live.Select(s => new Row(s, tenantNames.GetValueOrDefault(s.TenantId, "?"), entries.GetValueOrDefault(s.EntryId, "?"))).ToList();
        Web = web.Select(s => new WebRow(s, tenantNames.GetValueOrDefault(s.TenantId, "?"), entries.GetValueOrDefault(s.EntryId, "?"))).ToList();
    }
}
