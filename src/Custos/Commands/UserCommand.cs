using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands;

public static class UserCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "User name." };
        var role = new Argument<string>("role") { Description = "admin, auditor or quarantine-reviewer." };
        var displayName = new Option<string?>("--display-name") { Description = "Full name." };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "Read the initial password from this file (first line)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the initial password from standard input (first line)." };
        var json = CommonOptions.Json();
        var actor = Actor.CommandLine();

        Task<int> Done(Custos.Core.Common.Result<bool> r, string message) =>
            r.Succeeded ? Print(output, r.Value ? message : "Nothing to change.") : CommandRunner.FailAsync(error, r.Error!);

        return new AdminCommandBuilder("user", "Manage users: add, list, disable (offboarding), enable, unlock, reset-2fa, roles.", error)
            .Verb("add", "Create a local user with no rights.", [name, displayName, passwordFile, passwordStdin], async (p, s, ct) =>
            {
                var password = await ReadPasswordAsync(p.GetValue(passwordFile), p.GetValue(passwordStdin));
                if (password is null) return await CommandRunner.FailAsync(error, new("cli.password_missing", "Give the password with --password-file FILE or --password-stdin (never on the command line)."));
                var r = await s.GetRequiredService<UserAdministration>().CreateAsync(p.GetValue(name)!, p.GetValue(displayName), password, actor, ct);
                return r.Succeeded ? await Print(output, $"User {r.Value!.UserName} created. It has no rights yet.") : await CommandRunner.FailAsync(error, r.Error!);
            })
            .Verb("list", "List users.", [json], async (p, s, ct) =>
            {
                var users = await s.GetRequiredService<UserAdministration>().ListAsync(ct);
                if (p.GetValue(json)) return await Print(output, JsonSerializer.Serialize(users.Select(u => new
                {
                    u.UserName, u.DisplayName, u.IsEnabled, u.FromDirectory, u.IsLocked, u.HasSecondFactor, u.Roles,
                })));
                foreach (var u in users)
                    await output.WriteLineAsync($"{u.UserName,-24} {(u.IsEnabled ? "enabled" : "disabled"),-9} {(u.IsLocked ? "locked" : ""),-7} " +
                                                $"{(u.HasSecondFactor ? "2fa" : "no-2fa"),-7} {(u.FromDirectory ? "directory" : "local"),-10} {string.Join(",", u.Roles)}");
                return CustosCommandLine.Success;
            })
            .Verb("disable", "Offboard a user: revoke every session and token now, remove memberships, print what they could reach.", [name, json], async (p, s, ct) =>
            {
                var r = await s.GetRequiredService<UserAdministration>().DisableAsync(p.GetValue(name)!, actor, ct);
                if (!r.Succeeded) return await CommandRunner.FailAsync(error, r.Error!);
                var report = r.Value!;
                if (p.GetValue(json)) return await Print(output, JsonSerializer.Serialize(report));
                await output.WriteLineAsync($"User {report.UserName} disabled at {report.DisabledAt:u}.");
                await output.WriteLineAsync($"Revoked: {report.SessionsRevoked} sessions, {report.TokensRevoked} tokens.");
                await output.WriteLineAsync($"Removed from groups: {(report.Groups.Count == 0 ? "none" : string.Join(", ", report.Groups))}; roles: {(report.Roles.Count == 0 ? "none" : string.Join(", ", report.Roles))}.");
                await output.WriteLineAsync("Could reach:" + (report.Reachable.Count == 0 ? " nothing." : ""));
                foreach (var scope in report.Reachable)
                    await output.WriteLineAsync($"  {scope.Tenant}{(scope.Project is null ? "" : " / " + scope.Project)} (through {scope.ThroughGroup})");
                await output.WriteLineAsync("Vault folders:" + (report.VaultFolders.Count == 0 ? " none." : ""));
                foreach (var folder in report.VaultFolders) await output.WriteLineAsync($"  {folder}");
                await output.WriteLineAsync("Credentials revealed (to rotate):" + (report.RevealedCredentials.Count == 0 ? " none recorded." : ""));
                foreach (var credential in report.RevealedCredentials) await output.WriteLineAsync($"  {credential}");
                return CustosCommandLine.Success;
            })
            .Verb("enable", "Re-enable a user; they start with no rights.", [name], async (p, s, ct) =>
                await Done(await s.GetRequiredService<UserAdministration>().EnableAsync(p.GetValue(name)!, actor, ct), "User enabled with no rights."))
            .Verb("unlock", "Lift a lockout after failed logins.", [name], async (p, s, ct) =>
                await Done(await s.GetRequiredService<UserAdministration>().UnlockAsync(p.GetValue(name)!, actor, ct), "User unlocked."))
            .Verb("reset-2fa", "Remove a user's authenticator, recovery codes and security keys (lost device).", [name], async (p, s, ct) =>
                await Done(await s.GetRequiredService<UserAdministration>().ResetSecondFactorAsync(p.GetValue(name)!, actor, ct), "Second factors removed; the user must enrol again."))
            .Verb("grant-role", "Grant admin, auditor or quarantine-reviewer.", [name, role], async (p, s, ct) =>
                await Done(await s.GetRequiredService<UserAdministration>().GrantRoleAsync(p.GetValue(name)!, p.GetValue(role)!, actor, ct), "Role granted."))
            .Verb("revoke-role", "Revoke admin or auditor.", [name, role], async (p, s, ct) =>
                await Done(await s.GetRequiredService<UserAdministration>().RevokeRoleAsync(p.GetValue(name)!, p.GetValue(role)!, actor, ct), "Role revoked."))
            .Build();
    }

    internal static async Task<int> Print(TextWriter output, string text)
    {
        await output.WriteLineAsync(text);
        return CustosCommandLine.Success;
    }

    private static async Task<string?> ReadPasswordAsync(FileInfo? file, bool stdin)
    {
        if (file is not null) return (await File.ReadAllLinesAsync(file.FullName)).FirstOrDefault();
        if (stdin) return await Console.In.ReadLineAsync();
        return null;
    }
}
