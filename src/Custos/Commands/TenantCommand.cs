using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Documents;
using Custos.Core.Tenants;
using Custos.Core.Vault;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

public static class TenantCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant name or id." };
        var tenantName = new Argument<string>("name") { Description = "Name of the new tenant (customer)." };
        var projectName = new Argument<string>("project") { Description = "Project name." };
        var group = new Argument<string>("group") { Description = "Group name." };
        var project = new Option<string?>("--project") { Description = "Only this project of the tenant." };
        var documents = new Option<string>("--documents")
        {
            Description = "What the group may do with documents there: read (list, download), write (also check out, check in, upload) or manage (also labels, holds, deletion).",
            DefaultValueFactory = _ => "read",
        };
        var sensitive = new Option<bool>("--sensitive") { Description = "Acting here needs a security-key step-up." };
        var rights = new Option<string>("--rights") { Description = "Comma-separated: use, read, modify, create, manage.", Required = true };
        var json = CommonOptions.Json();
        var actor = Actor.CommandLine();

        return new AdminCommandBuilder("tenant", "Manage tenants (customers), their projects and which groups may reach them.", error)
            .Verb("add", "Create a tenant.", [tenantName, sensitive], async (p, s, ct) =>
            {
                var r = await s.GetRequiredService<TenantAdministration>().CreateTenantAsync(p.GetValue(tenantName)!, p.GetValue(sensitive), actor, ct);
                return r.Succeeded ? await UserCommand.Print(output, $"Tenant {r.Value!.Name} created ({r.Value.Id}). No group can reach it yet.") : await CommandRunner.FailAsync(error, r.Error!);
            })
            .Verb("list", "List tenants.", [json], async (p, s, ct) =>
            {
                var tenants = await s.GetRequiredService<TenantAdministration>().ListAllAsync(ct);
                if (p.GetValue(json)) return await UserCommand.Print(output, JsonSerializer.Serialize(tenants.Select(t => new { id = t.Id.Value, t.Name, t.IsSensitive })));
                foreach (var t in tenants) await output.WriteLineAsync($"{t.Id}  {t.Name}{(t.IsSensitive ? "  (sensitive)" : "")}");
                return CustosCommandLine.Success;
            })
            .Verb("add-project", "Create a project inside a tenant.", [tenant, projectName, sensitive], async (p, s, ct) =>
            {
                var admin = s.GetRequiredService<TenantAdministration>();
                if (await ResolveAsync(admin, p.GetValue(tenant)!, ct) is not { } id) return await CommandRunner.FailAsync(error, TenantAdministration.NotFound);
                var r = await admin.CreateProjectAsync(id, p.GetValue(projectName)!, p.GetValue(sensitive), actor, ct);
                return r.Succeeded ? await UserCommand.Print(output, $"Project {r.Value!.Name} created ({r.Value.Id}).") : await CommandRunner.FailAsync(error, r.Error!);
            })
            .Verb("grant", "Let a group reach a tenant (or one project with --project); --documents read|write|manage says what it may do with documents there.",
                [tenant, group, project, documents], (p, s, ct) =>
                ChangeGrantAsync(p, s, grant: true, tenant, group, project, documents, output, error, actor, ct))
            .Verb("revoke", "Take a group's access to a tenant (or project) away.", [tenant, group, project], (p, s, ct) =>
                ChangeGrantAsync(p, s, grant: false, tenant, group, project, documents, output, error, actor, ct))
            .Verb("vault-grant", "Give a group rights on the tenant's whole vault (its root): e.g. --rights create,manage for the team that runs it.",
                [tenant, group, rights], async (p, s, ct) =>
            {
                if (await ResolveAsync(s.GetRequiredService<TenantAdministration>(), p.GetValue(tenant)!, ct) is not { } id)
                    return await CommandRunner.FailAsync(error, TenantAdministration.NotFound);
                VaultRights parsed;
                try
                {
                    parsed = VaultRightsExtensions.Parse(p.GetValue(rights)!);
                }
                catch (FormatException e)
                {
                    await error.WriteLineAsync($"custos: {e.Message}");
                    return CustosCommandLine.UsageError;
                }
                // The operator acts as administrator of the installation; no user's own rights are involved.
                var caller = new VaultCaller(default, actor, "cli", SteppedUp: true, IsAdministrator: true);
                var r = await s.GetRequiredService<VaultGrants>().AddAsync(id, GrantTarget.Root, new PermissionInput(p.GetValue(group), null, parsed), caller, ct);
                return r.Succeeded
                    ? await UserCommand.Print(output, $"Group {p.GetValue(group)} holds {parsed.Describe()} on the vault of this tenant.")
                    : await CommandRunner.FailAsync(error, r.Error!);
            })
            .Verb("who", "Who can reach this tenant, and through which group.", [tenant, json], async (p, s, ct) =>
            {
                if (await ResolveAsync(s.GetRequiredService<TenantAdministration>(), p.GetValue(tenant)!, ct) is not { } id)
                    return await CommandRunner.FailAsync(error, TenantAdministration.NotFound);
                var entries = await s.GetRequiredService<AccessPolicy>().WhoCanReachAsync(id, ct);
                if (p.GetValue(json)) return await UserCommand.Print(output, JsonSerializer.Serialize(entries.Select(e => new { user = e.UserName, group = e.GroupName, project = e.ProjectName })));
                foreach (var e in entries) await output.WriteLineAsync($"{e.UserName,-24} through {e.GroupName}{(e.ProjectName is null ? "" : $" (project {e.ProjectName})")}");
                return CustosCommandLine.Success;
            })
            .Build();
    }

    private static async Task<int> ChangeGrantAsync(ParseResult p, IServiceProvider s, bool grant, Argument<string> tenant, Argument<string> group,
        Option<string?> project, Option<string> documents, TextWriter output, TextWriter error, Actor actor, CancellationToken ct)
    {
        // Only grant takes --documents; revoke takes the whole grant away.
        var documentRights = DocumentRights.None;
        if (grant && (DocumentRightsExtensions.Parse(p.GetValue(documents)) is not { } parsed || (documentRights = parsed) == DocumentRights.None))
            return await CommandRunner.FailAsync(error, new Error("tenant.invalid", "--documents is read, write or manage."));
        var admin = s.GetRequiredService<TenantAdministration>();
        if (await ResolveAsync(admin, p.GetValue(tenant)!, ct) is not { } id) return await CommandRunner.FailAsync(error, TenantAdministration.NotFound);
        ProjectId? projectId = null;
        if (p.GetValue(project) is { } projectName)
        {
            var view = await admin.GetAsync(new TenantAccess(new HashSet<TenantId> { id }, new HashSet<(TenantId, ProjectId)>()), id, actor, ct);
            var match = view.Value?.Projects.FirstOrDefault(x => x.Name == projectName || x.Id.ToString() == projectName);
            if (match is null) return await CommandRunner.FailAsync(error, TenantAdministration.NotFound);
            projectId = match.Id;
        }
        var groupName = p.GetValue(group)!;
        if (grant)
        {
            var r = await admin.GrantAsync(groupName, id, projectId, actor, ct, documentRights);
            return r.Succeeded ? await UserCommand.Print(output, $"Group {groupName} can now reach it.") : await CommandRunner.FailAsync(error, r.Error!);
        }
        var revoked = await admin.RevokeGrantAsync(groupName, id, projectId, actor, ct);
        return revoked.Succeeded ? await UserCommand.Print(output, $"Group {groupName} can no longer reach it.") : await CommandRunner.FailAsync(error, revoked.Error!);
    }

    internal static async Task<TenantId?> ResolveAsync(TenantAdministration admin, string nameOrId, CancellationToken ct)
    {
        var all = await admin.ListAllAsync(ct);
        return all.FirstOrDefault(t => t.Name == nameOrId || t.Id.ToString() == nameOrId)?.Id;
    }
}
