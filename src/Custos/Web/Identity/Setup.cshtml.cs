using Custos.Core.Audit;
using Custos.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Identity;

/// <summary>The page behind the one-time link printed by `custos serve`: creates the first administrator.</summary>
[AllowAnonymous]
public sealed class SetupModel(FirstAdministratorSetup setup, AuditLog audit, Microsoft.EntityFrameworkCore.IDbContextFactory<Core.Data.CustosDbContext> dbFactory) : PageModel
{
    public string? LinkErrorCode { get; private set; }
    public string? ErrorCode { get; private set; }
    public string? UserName { get; private set; }
    public string? DisplayName { get; private set; }
    public bool GrantAuditor { get; private set; } = true;

    public async Task OnGetAsync(string token, CancellationToken ct)
    {
        if (await setup.IsLinkValidAsync(token, ct)) return;
        LinkErrorCode = FirstAdministratorSetup.LinkInvalid.Code;
        Response.StatusCode = StatusCodes.Status404NotFound;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await audit.RecordAsync(db, new AuditEntry("setup-link", "setup.refuse", AuditOutcome.Denied,
            ClientAddress: HttpContext.Actor().ClientAddress, Details: new Dictionary<string, string?> { ["reason"] = "invalid-link-opened" }), ct);
    }

    public async Task<IActionResult> OnPostAsync(string token, string? userName, string? displayName, string? password,
        string? passwordRepeat, bool grantAuditor, CancellationToken ct)
    {
        (UserName, DisplayName, GrantAuditor) = (userName, displayName, grantAuditor);
        if (password != passwordRepeat)
        {
            ErrorCode = "Setup.PasswordMismatch";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        // Nobody is logged in yet: the actor is the holder of the setup link.
        var result = await setup.CompleteAsync(new CompleteSetupRequest(token, userName ?? "", displayName ?? "", password ?? "", grantAuditor),
            new Actor("setup-link", HttpContext.Connection.RemoteIpAddress?.ToString()), ct);
        if (result.Succeeded) return Redirect("/login?returnUrl=%2F");
        if (result.Error == FirstAdministratorSetup.LinkInvalid || result.Error == FirstAdministratorSetup.AlreadyDone)
        {
            LinkErrorCode = result.Error.Code;
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        else
        {
            ErrorCode = result.Error!.Code;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
