using Custos.Core.Identity;
using Custos.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Custos.Web.Administration;

[Authorize(Policy = Policies.Administrator)]
public sealed class GroupsModel(GroupAdministration groups) : PageModel
{
    public IReadOnlyList<GroupSummary> Groups { get; private set; } = [];
    public ResultMessage? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Groups = await groups.ListAsync(ct);

    public async Task OnPostCreateAsync(string? name, string? description, CancellationToken ct) =>
        await Respond(ResultMessage.From(await groups.CreateAsync(name ?? "", description, HttpContext.Actor(), ct)), ct);

    public async Task OnPostAddAsync(string? groupName, string? userName, CancellationToken ct) =>
        await Respond(ResultMessage.From(await groups.AddMemberAsync(groupName ?? "", userName ?? "", HttpContext.Actor(), ct)), ct);

    public async Task OnPostRemoveAsync(string? groupName, string? userName, CancellationToken ct) =>
        await Respond(ResultMessage.From(await groups.RemoveMemberAsync(groupName ?? "", userName ?? "", HttpContext.Actor(), ct)), ct);

    private async Task Respond(ResultMessage message, CancellationToken ct)
    {
        Message = message;
        if (message.IsError) Response.StatusCode = StatusCodes.Status400BadRequest;
        Groups = await groups.ListAsync(ct);
    }
}
