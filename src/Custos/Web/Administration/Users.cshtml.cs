using Custos.Core.Identity;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Administration;

/// <summary>Users for administrators: create, offboard (with the report), re-enable, unlock, reset second factors, roles.</summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class UsersModel(UserAdministration users) : PageModel
{
    public IReadOnlyList<UserSummary> Users { get; private set; } = [];
    public ResultMessage? Message { get; private set; }
    public OffboardingReport? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Users = await users.ListAsync(ct);

    public async Task OnPostCreateAsync(string? userName, string? displayName, string? password, CancellationToken ct)
    {
        Message = ResultMessage.From(await users.CreateAsync(userName ?? "", displayName, password ?? "", HttpContext.Actor(), ct));
        await Respond(ct);
    }

    public async Task OnPostChangeAsync(string? userName, string? change, CancellationToken ct)
    {
        var actor = HttpContext.Actor();
        var name = userName ?? "";
        if (change == "disable")
        {
            var result = await users.DisableAsync(name, actor, ct);
            Message = ResultMessage.From(result);
            Report = result.Value;
        }
        else
        {
            Message = ResultMessage.From(change switch
            {
                "enable" => await users.EnableAsync(name, actor, ct),
                "unlock" => await users.UnlockAsync(name, actor, ct),
                "reset-2fa" => await users.ResetSecondFactorAsync(name, actor, ct),
                "grant-auditor" => await users.GrantRoleAsync(name, Roles.Auditor, actor, ct),
                "revoke-auditor" => await users.RevokeRoleAsync(name, Roles.Auditor, actor, ct),
                "grant-admin" => await users.GrantRoleAsync(name, Roles.Administrator, actor, ct),
                "revoke-admin" => await users.RevokeRoleAsync(name, Roles.Administrator, actor, ct),
                _ => (Custos.Core.Common.Result<bool>)UserAdministration.RoleUnknown,
            });
        }
        await Respond(ct);
    }

    private async Task Respond(CancellationToken ct)
    {
        if (Message?.IsError == true) Response.StatusCode = StatusCodes.Status400BadRequest;
        Users = await users.ListAsync(ct);
    }
}
