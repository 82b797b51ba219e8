using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

public static class GroupCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("group") { Description = "Group name." };
        var user = new Argument<string>("user") { Description = "User name." };
        var description = new Option<string?>("--description") { Description = "What the group is for." };
        var json = CommonOptions.Json();
        var actor = Actor.CommandLine();

        async Task<int> Done(Custos.Core.Common.Result<bool> r, string message) =>
            r.Succeeded ? await UserCommand.Print(output, r.Value ? message : "Nothing to change.") : await CommandRunner.FailAsync(error, r.Error!);

        return new AdminCommandBuilder("group", "Manage groups (roles such as accounting, support, management) and members.", error)
            .Verb("add", "Create a group.", [name, description], async (p, s, ct) =>
            {
                var r = await s.GetRequiredService<GroupAdministration>().CreateAsync(p.GetValue(name)!, p.GetValue(description), actor, ct);
                return r.Succeeded ? await UserCommand.Print(output, $"Group {r.Value!.Name} created.") : await CommandRunner.FailAsync(error, r.Error!);
            })
            .Verb("list", "List groups with their members.", [json], async (p, s, ct) =>
            {
                var groups = await s.GetRequiredService<GroupAdministration>().ListAsync(ct);
                if (p.GetValue(json)) return await UserCommand.Print(output, JsonSerializer.Serialize(groups.Select(g => new { g.Name, g.Description, g.FromDirectory, g.Members })));
                foreach (var g in groups) await output.WriteLineAsync($"{g.Name,-24} {(g.FromDirectory ? "directory" : "local"),-10} {string.Join(", ", g.Members)}");
                return CustosCommandLine.Success;
            })
            .Verb("add-member", "Add a user to a group.", [name, user], async (p, s, ct) =>
                await Done(await s.GetRequiredService<GroupAdministration>().AddMemberAsync(p.GetValue(name)!, p.GetValue(user)!, actor, ct), "Member added."))
            .Verb("remove-member", "Remove a user from a group.", [name, user], async (p, s, ct) =>
                await Done(await s.GetRequiredService<GroupAdministration>().RemoveMemberAsync(p.GetValue(name)!, p.GetValue(user)!, actor, ct), "Member removed."))
            .Build();
    }
}
