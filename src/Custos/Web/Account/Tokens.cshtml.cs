using Custos.Core.Identity;
using Custos.Web.Administration;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Account;

/// <summary>Personal access tokens for the command line and scripts: created here, shown once, revocable.</summary>
public sealed class TokensModel(AccessTokens tokens) : PageModel
{
    public IReadOnlyList<AccessToken> Tokens { get; private set; } = [];
    public IssuedToken? Issued { get; private set; }
    public ResultMessage? Message { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task OnPostCreateAsync(string? name, string[]? scopes, int days, CancellationToken ct)
    {
        var result = await tokens.CreateAsync(HttpContext.Session()!.UserId, name ?? "", scopes ?? [], TimeSpan.FromDays(days), HttpContext.Actor(), ct);
        Message = ResultMessage.From(result);
        Issued = result.Value;
        if (!result.Succeeded) Response.StatusCode = StatusCodes.Status400BadRequest;
        // The token is in this response only; keep it out of caches.
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(ct);
    }

    public async Task OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        Message = ResultMessage.From(await tokens.RevokeAsync(HttpContext.Session()!.UserId, id, HttpContext.Actor(), ct));
        await LoadAsync(ct);
    }

    private async Task LoadAsync(CancellationToken ct) => Tokens = await tokens.ListAsync(HttpContext.Session()!.UserId, ct);
}
