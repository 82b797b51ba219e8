using System.CommandLine;
using Custos.Core.Vault;
using Custos.Web.Vault;
using static Custos.Commands.Vault.VaultArguments;

namespace Custos.Commands.Vault;

/// <summary>Rights (grant, revoke, grants), the evidence (report) and access requests.</summary>
internal static class VaultAccessVerbs
{
    public static IEnumerable<Command> Create(VaultVerbs verbs)
    {
        yield return Grant(verbs);
        yield return Revoke(verbs);
        yield return ListGrants(verbs);
        yield return Report(verbs);
        yield return Request(verbs);
        yield return ListRequests(verbs);
        yield return Decide(verbs, approve: true);
        yield return Decide(verbs, approve: false);
    }

    private static Argument<string> Target() => new("target") { Description = "Folder path, entry (Folder/Title) or id; '/' is the vault root." };

    private static Command Grant(VaultVerbs verbs)
    {
        var target = Target();
        var group = new Option<string?>("--group") { Description = "The group that gets the rights." };
        var user = new Option<string?>("--user") { Description = "The user who gets the rights." };
        var rights = new Option<string>("--rights") { Description = RightsHelp + ".", Required = true };
        rights.Validators.Add(r =>
        {
            try
            {
                Rights(r.GetValueOrDefault<string>());
            }
            catch (FormatException e)
            {
                r.AddError(e.Message);
            }
        });
        var from = Date("--from", "From when");
        var until = Date("--until", "Until when");
        var json = Json();
        var command = verbs.Verb("grant", "Give a group or a user rights on a folder, an entry or the vault root (needs Manage there).",
            [target, group, user, rights, from, until, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var (where, label) = await vault.GrantTargetAsync(call.Get(target)!, ct);
            var granted = Rights(call.Get(rights)!);
            var created = await call.Client.PostAsync<CreatedId>($"{vault.Api}/grants", new VaultRightsEndpoints.GrantRequest(where.FolderId,
                where.EntryId, call.Get(group), call.Get(user), granted, call.Get(from), call.Get(until)), ct);
            if (call.Get(json)) return await call.PrintJsonAsync(created);
            var holder = call.Get(group) is { } g ? $"Group {g}" : $"User {call.Get(user)}";
            return await call.PrintAsync($"{holder} holds {granted.Describe()} on {label} (grant {created.Id}).");
        });
        command.Validators.Add(r =>
        {
            if ((r.GetValue(group) is null) == (r.GetValue(user) is null)) r.AddError("Name exactly one holder: --group NAME or --user NAME.");
            if (r.GetValue(from) is { } start && r.GetValue(until) is { } end && end <= start) r.AddError("--until must be after --from.");
        });
        return command;
    }

    private static Command Revoke(VaultVerbs verbs)
    {
        var id = new Argument<Guid>("grant") { Description = "Grant id (from 'vault grants')." };
        return verbs.Verb("revoke", "Take a grant away (needs Manage where it applies).", [id], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            await call.Client.SendAsync<bool>(HttpMethod.Delete, $"{vault.Api}/grants/{call.Get(id)}", null, ct);
            return await call.PrintAsync("Grant revoked.");
        });
    }

    private static Command ListGrants(VaultVerbs verbs)
    {
        var target = Target();
        var json = Json();
        return verbs.Verb("grants", "Who holds which rights on a folder, an entry or the vault root (needs Manage there).", [target, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var (where, label) = await vault.GrantTargetAsync(call.Get(target)!, ct);
            var query = where.EntryId is { } e ? $"?entry={e}" : where.FolderId is { } f ? $"?folder={f}" : "";
            var grants = await call.Client.GetAsync<List<GrantView>>($"{vault.Api}/grants{query}", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(grants);
            if (grants.Count == 0) await call.Error.WriteLineAsync($"No grants on {label} itself" + (where == GrantTarget.Root ? "." : "; it may inherit rights from above."));
            foreach (var g in grants) await call.Output.WriteLineAsync(Describe(g));
            return CustosCommandLine.Success;
        });
    }

    public static string Describe(GrantView g) =>
        $"{g.Id}  {(g.Group is not null ? "group:" + g.Group : "user:" + g.User),-24} {g.Rights,-30}" +
        (g.NotBefore is { } from ? $" from {from:u}" : "") + (g.NotAfter is { } until ? $" until {until:u}" : "") +
        (g.Live ? "" : "  (not in force now)") + $"  by {g.GrantedBy} {g.GrantedAt:u}";

    private static Command Report(VaultVerbs verbs)
    {
        var entry = new Argument<string?>("entry") { Description = "Entry: who can reach it, who revealed it since it last changed.", Arity = ArgumentArity.ZeroOrOne };
        var expiring = new Option<bool>("--expiring") { Description = "Entries that expired or expire soon." };
        var user = new Option<string?>("--user")
        {
            Description = "Everything this person revealed (for auditors; the token needs the audit:read scope).",
        };
        var json = Json();
        var command = verbs.Verb("report", "The vault's evidence: an entry's access and reveals, expiring entries, or one person's reveals.",
            [entry, expiring, user, json], async (call, ct) =>
        {
            if (call.Get(user) is { } person)
            {
                var reveals = await call.Client.GetAsync<List<RevealRecord>>($"/api/v1/vault/reveals?user={Uri.EscapeDataString(person)}", ct);
                if (call.Get(json)) return await call.PrintJsonAsync(reveals);
                if (reveals.Count == 0) await call.Error.WriteLineAsync($"{person} revealed nothing.");
                foreach (var r in reveals)
                    await call.Output.WriteLineAsync($"{r.At:u}  {r.Tenant}  {r.EntryTitle} ({r.EntryId})  {r.Field} v{r.Version}  via {r.Client}" +
                                                     (r.ClientAddress is null ? "" : $" from {r.ClientAddress}") + (r.SinceLastChange ? "  (since the last change)" : ""));
                return CustosCommandLine.Success;
            }
            var vault = await call.VaultAsync(ct);
            if (call.Get(expiring))
            {
                var rows = await call.Client.GetAsync<List<ExpiryRecord>>($"{vault.Api}/expiring", ct);
                if (call.Get(json)) return await call.PrintJsonAsync(rows);
                if (rows.Count == 0) await call.Error.WriteLineAsync("Nothing expired or expiring.");
                foreach (var r in rows)
                    await call.Output.WriteLineAsync($"{r.ExpiresAt:u}  {r.State,-8}  {await vault.PathOfAsync(r.FolderId, ct)}/{r.Title}  ({r.EntryId})");
                return CustosCommandLine.Success;
            }
            var id = await vault.EntryIdAsync(call.Get(entry)!, ct);
            var report = await call.Client.GetAsync<EntryReport>($"{vault.Api}/entries/{id}/report", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(report);
            await call.Output.WriteLineAsync($"{report.Title} ({report.EntryId}); password last changed {report.PasswordChangedAt:u}");
            await call.Output.WriteLineAsync("Who can reach it:" + (report.Access.Count == 0 ? " nobody." : ""));
            foreach (var a in report.Access) await call.Output.WriteLineAsync($"  {a.User,-24} {a.Rights}");
            await call.Output.WriteLineAsync("Reveals since the last change:" + (report.RevealsSinceChange.Count == 0 ? " none." : ""));
            foreach (var r in report.RevealsSinceChange)
                await call.Output.WriteLineAsync($"  {r.At:u}  {r.User,-16} {r.Field} v{r.Version}  via {r.Client}" + (r.ClientAddress is null ? "" : $" from {r.ClientAddress}"));
            return CustosCommandLine.Success;
        });
        command.Validators.Add(r =>
        {
            var asked = new[] { r.GetValue(entry) is not null, r.GetValue(expiring), r.GetValue(user) is not null }.Count(x => x);
            if (asked != 1) r.AddError("Report on one thing: an ENTRY, --expiring or --user NAME.");
        });
        return command;
    }

    private static Command Request(VaultVerbs verbs)
    {
        var entry = new Argument<string>("entry") { Description = "Entry: Folder/Sub/Title or id (an id works for entries you cannot see)." };
        var hours = new Option<int>("--hours") { Description = $"How long you need Read (1-{VaultAccessRequests.MaxHours}).", Required = true };
        hours.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > VaultAccessRequests.MaxHours) r.AddError($"--hours is between 1 and {VaultAccessRequests.MaxHours}.");
        });
        var reason = new Option<string>("--reason") { Description = "Why; the approver sees it.", Required = true };
        var session = new Option<bool>("--session") { Description = "Ask for approval to use the entry (SSH) instead of Read, where its folder requires approval." };
        var json = Json();
        return verbs.Verb("request", "Ask for Read on an entry (or, with --session, for approval to use it) for some hours; someone with Manage approves or denies.",
            [entry, hours, reason, session, json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var id = await vault.EntryIdAsync(call.Get(entry)!, ct);
            var created = await call.Client.PostAsync<CreatedId>($"{vault.Api}/entries/{id}/access-requests",
                new VaultRightsEndpoints.AccessRequestInput(call.Get(hours), call.Get(reason), call.Get(session) ? AccessRequestKind.Session : null), ct);
            return call.Get(json) ? await call.PrintJsonAsync(created) : await call.PrintAsync($"Requested ({created.Id}); a manager of the entry decides.");
        });
    }

    private static Command ListRequests(VaultVerbs verbs)
    {
        var json = Json();
        return verbs.Verb("requests", "Your own access requests, and the pending ones on entries you manage.", [json], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            var requests = await call.Client.GetAsync<List<AccessRequestView>>($"{vault.Api}/access-requests", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(requests);
            if (requests.Count == 0) await call.Error.WriteLineAsync("No access requests.");
            foreach (var r in requests)
                await call.Output.WriteLineAsync($"{r.Id}  {r.Status,-8} {r.User,-16} {r.EntryTitle} for {r.Hours} h: \"{r.Reason}\"  {r.RequestedAt:u}" +
                                                 (r.DecidedBy is null ? "" : $"  decided by {r.DecidedBy} {r.DecidedAt:u}"));
            return CustosCommandLine.Success;
        });
    }

    private static Command Decide(VaultVerbs verbs, bool approve)
    {
        var id = new Argument<Guid>("request") { Description = "Request id (from 'vault requests')." };
        var verb = approve ? "approve" : "deny";
        return verbs.Verb(verb, approve ? "Grant the requester Read for the hours asked." : "Refuse an access request.", [id], async (call, ct) =>
        {
            var vault = await call.VaultAsync(ct);
            await call.Client.PostAsync<bool>($"{vault.Api}/access-requests/{call.Get(id)}/{verb}", null, ct);
            return await call.PrintAsync(approve ? "Approved." : "Denied.");
        });
    }

    private sealed record CreatedId(Guid Id);

    private sealed record AccessRow(string User, string Rights);

    /// <summary>The shape the entry report endpoint answers with.</summary>
    private sealed record EntryReport(Guid EntryId, string Title, DateTimeOffset PasswordChangedAt, List<AccessRow> Access, List<RevealRecord> RevealsSinceChange);
}
