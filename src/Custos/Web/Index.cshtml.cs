using Custos.Core.Backup;
using Custos.Core.Identity;
using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web;

/// <summary>The start page: who you are, your unread notices (expiring credentials you manage) and, for administrators, open backup alarms.</summary>
public sealed class IndexModel(VaultNotifications notifications, BackupAlarms alarms) : PageModel
{
    public IReadOnlyList<NotificationView> Notices { get; private set; } = [];
    public IReadOnlyList<BackupAlarm> BackupAlarms { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var session = HttpContext.Session()!;
        Notices = await notifications.UnreadAsync(session.UserId, ct);
        if (session.IsInRole(Roles.Administrator)) BackupAlarms = await alarms.OpenAsync(ct);
    }

    public async Task<IActionResult> OnPostReadAsync(Guid id, CancellationToken ct)
    {
        await notifications.MarkReadAsync(HttpContext.Session()!.UserId, id, ct);
        return RedirectToPage();
    }
}
