using Custos.Core.Vault;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web;

/// <summary>The start page: who you are, and your unread notices (expiring credentials you manage).</summary>
public sealed class IndexModel(VaultNotifications notifications) : PageModel
{
    public IReadOnlyList<NotificationView> Notices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Notices = await notifications.UnreadAsync(HttpContext.Session()!.UserId, ct);

    public async Task<IActionResult> OnPostReadAsync(Guid id, CancellationToken ct)
    {
        await notifications.MarkReadAsync(HttpContext.Session()!.UserId, id, ct);
        return RedirectToPage();
    }
}
