using Custos.Core.Identity;
using Custos.Web.Administration;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Account;

/// <summary>Change my password: proves the current one; other sessions end.</summary>
public sealed class PasswordModel(ChangePassword change) : PageModel
{
    public ResultMessage? Message { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(string? current, string? next, string? repeat, CancellationToken ct)
    {
        if (next != repeat)
        {
            Message = ResultMessage.From(ChangePassword.Mismatch);
        }
        else
        {
            var result = await change.ChangeAsync(HttpContext.Session()!, current ?? "", next ?? "", HttpContext.Actor(), ct);
            Message = result.Succeeded ? new ResultMessage("Account.Password.Changed", false) : ResultMessage.From(result);
        }
        if (Message.IsError) Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
