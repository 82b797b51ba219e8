using Custos.Core.Identity;
using Custos.Web.Administration;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Account;

/// <summary>"My sessions": where I am logged in, and ending any of those sessions at once.</summary>
public sealed class SessionsModel(Sessions sessions) : PageModel
{
    public IReadOnlyList<UserSession> Sessions { get; private set; } = [];
    public Guid Current { get; private set; }
    public ResultMessage? Message { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task OnPostAsync(Guid id, CancellationToken ct)
    {
        var principal = HttpContext.Session()!;
        Message = await sessions.RevokeOwnAsync(principal.UserId, id, HttpContext.Actor(), ct) ? ResultMessage.Done : ResultMessage.Unchanged;
        await LoadAsync(ct);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var principal = HttpContext.Session()!;
        Current = principal.SessionId;
        Sessions = await sessions.ListActiveAsync(principal.UserId, ct);
    }
}
