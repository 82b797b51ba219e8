using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Core.Backup.Restic;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands.Backup;

/// <summary>`custos backup target add|ls|check|set|remove`.</summary>
internal static class BackupTargetVerbs
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var builder = new AdminCommandBuilder("target", "The restic repositories backups go to: on this site (local) and elsewhere (offsite).", error);
        var name = new Argument<string>("name") { Description = "A name of your choice, e.g. nas or offsite." };
        var repository = new Argument<string>("repository") { Description = "A local path, sftp:user@host:/path, rest:https://…, s3:…: any restic repository." };
        var role = new Option<string>("--role") { Description = "local (the twice-daily copies) or offsite (the daily copy elsewhere).", DefaultValueFactory = _ => "local" };
        var option = new Option<string[]>("--option", "-o") { Description = "A restic extended option key=value (e.g. sftp.command=…); repeatable.", AllowMultipleArgumentsPerToken = false };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "The repository password (first line) of an existing repository; a new one gets a generated password." };
        var envFile = new Option<FileInfo?>("--env-file") { Description = "Backend credentials as KEY=value lines (e.g. AWS_SECRET_ACCESS_KEY); sealed like the password." };
        var schedule = new Option<string?>("--schedule") { Description = "Cron expression, local time (default: 0 6,18 * * * local, 30 1 * * * offsite)." };
        var keepDaily = new Option<int?>("--keep-daily") { Description = "Daily snapshots kept (default 14)." };
        var keepWeekly = new Option<int?>("--keep-weekly") { Description = "Weekly snapshots kept (default 8)." };
        var keepMonthly = new Option<int?>("--keep-monthly") { Description = "Monthly snapshots kept (default 12)." };
        var existing = new Option<bool>("--existing") { Description = "The repository exists already: attach it (needs --password-file) instead of creating it." };
        var enable = new Option<bool?>("--enabled") { Description = "true or false: whether the schedule runs this target." };
        var json = CommonOptions.Json();

        builder.Verb("add", "Create (restic init) or attach a repository; its password is sealed in the keyring and appears only in the recovery kit.",
            [name, repository, role, option, passwordFile, envFile, schedule, keepDaily, keepWeekly, keepMonthly, existing], async (parse, services, ct) =>
            {
                if (!Enum.TryParse<BackupRole>(parse.GetValue(role), ignoreCase: true, out var r) || !Enum.IsDefined(r))
                    throw new CommandException("--role is local or offsite.");
                var password = parse.GetValue(passwordFile) is { } pf ? FirstLine(pf) : null;
                if (parse.GetValue(existing) && password is null) throw new CommandException("An existing repository needs its password: --password-file FILE.");
                var env = parse.GetValue(envFile) is { } ef ? ReadEnvironment(ef) : null;
                var keep = Retention(parse.GetValue(keepDaily), parse.GetValue(keepWeekly), parse.GetValue(keepMonthly));
                await error.WriteLineAsync(parse.GetValue(existing) ? "Checking the repository…" : "Creating the repository (restic init)…");
                var added = await services.GetRequiredService<BackupTargets>().AddAsync(new BackupTargetInput(parse.GetValue(name)!, parse.GetValue(repository)!, r,
                    parse.GetValue(option), password, env, parse.GetValue(schedule), keep, parse.GetValue(existing)), Actor.CommandLine(), ct);
                if (!added.Succeeded) throw new CommandException(added.Error!.Message);
                var t = added.Value!;
                await output.WriteLineAsync($"Target {t.Name} ({t.Role.ToString().ToLowerInvariant()}) added: {t.Repository}; schedule \"{t.Schedule}\", keep {t.KeepDaily} daily, " +
                                            $"{t.KeepWeekly} weekly, {t.KeepMonthly} monthly.");
                await output.WriteLineAsync("Export a new recovery kit now (`custos backup recovery-kit -o FILE`) and keep it offline: it holds this repository's password.");
                return CustosCommandLine.Success;
            });
        builder.Verb("ls", "Targets with their schedule, last runs, next run and open alarms.", [json], async (parse, services, ct) =>
        {
            var states = await services.GetRequiredService<BackupViews>().TargetsAsync(ct);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(states, BackupManifest.Compact));
                return CustosCommandLine.Success;
            }
            if (states.Count == 0) await output.WriteLineAsync("No backup targets. Add one: custos backup target add NAME REPOSITORY [--role offsite].");
            foreach (var s in states)
            {
                await output.WriteLineAsync($"{s.Name} ({s.Role.ToString().ToLowerInvariant()}{(s.Enabled ? "" : ", disabled")}): {s.Repository}");
                await output.WriteLineAsync($"  schedule \"{s.Schedule}\", next {s.NextRun?.ToLocalTime().ToString("yyyy-MM-dd HH:mm") ?? "-"}; keep {s.KeepDaily}/{s.KeepWeekly}/{s.KeepMonthly} daily/weekly/monthly");
                if (s.LastBackup is { } b) await output.WriteLineAsync("  last:    " + BackupCommand.Describe(b));
                if (s.LastVerify is { } v) await output.WriteLineAsync("  checked: " + BackupCommand.Describe(v));
                if (s.LastDrill is { } d) await output.WriteLineAsync("  drill:   " + BackupCommand.Describe(d));
                if (s.OpenAlarms > 0) await output.WriteLineAsync($"  {s.OpenAlarms} open alarm(s): custos backup alarms");
            }
            return CustosCommandLine.Success;
        });
        builder.Verb("check", "Reach the repository with its password and count its Custos snapshots.", [name], async (parse, services, ct) =>
        {
            var result = await services.GetRequiredService<BackupTargets>().CheckAsync(parse.GetValue(name)!, Actor.CommandLine(), ct);
            if (!result.Succeeded) throw new CommandException(result.Error!.Message);
            var snaps = result.Value!;
            await output.WriteLineAsync($"{parse.GetValue(name)}: reachable, password right, {snaps.Count} Custos snapshot(s)" +
                                        (snaps.Count > 0 ? $", the latest {snaps[^1].ShortId} of {snaps[^1].Time.ToLocalTime():yyyy-MM-dd HH:mm}." : "."));
            return CustosCommandLine.Success;
        });
        builder.Verb("set", "Change a target's schedule, retention or whether it runs.", [name, schedule, keepDaily, keepWeekly, keepMonthly, enable],
            async (parse, services, ct) =>
            {
                var changed = await services.GetRequiredService<BackupTargets>().ChangeAsync(parse.GetValue(name)!, parse.GetValue(schedule),
                    Retention(parse.GetValue(keepDaily), parse.GetValue(keepWeekly), parse.GetValue(keepMonthly)), parse.GetValue(enable), Actor.CommandLine(), ct);
                if (!changed.Succeeded) throw new CommandException(changed.Error!.Message);
                await output.WriteLineAsync($"Target {changed.Value!.Name}: schedule \"{changed.Value.Schedule}\", keep {changed.Value.KeepDaily}/{changed.Value.KeepWeekly}/" +
                                            $"{changed.Value.KeepMonthly}, {(changed.Value.Enabled ? "enabled" : "disabled")}.");
                return CustosCommandLine.Success;
            });
        builder.Verb("remove", "Forget a target (its repository and snapshots stay where they are).", [name], async (parse, services, ct) =>
        {
            var removed = await services.GetRequiredService<BackupTargets>().RemoveAsync(parse.GetValue(name)!, Actor.CommandLine(), ct);
            if (!removed.Succeeded) throw new CommandException(removed.Error!.Message);
            await output.WriteLineAsync($"Target {parse.GetValue(name)} removed; its repository is untouched.");
            return CustosCommandLine.Success;
        });
        return builder.Build();
    }

    private static ResticRetention? Retention(int? daily, int? weekly, int? monthly) =>
        daily is null && weekly is null && monthly is null ? null : new ResticRetention(daily ?? 14, weekly ?? 8, monthly ?? 12);

    internal static string FirstLine(FileInfo file)
    {
        try
        {
            return File.ReadLines(file.FullName).FirstOrDefault()?.TrimEnd('\r') ?? throw new CommandException($"{file.FullName} is empty.");
        }
        catch (IOException e)
        {
            throw new CommandException($"{file.FullName} cannot be read: {e.Message}");
        }
    }

    private static Dictionary<string, string> ReadEnvironment(FileInfo file)
    {
        var env = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0) throw new CommandException($"{file.Name}: a line is KEY=value, not \"{line.Split('=')[0]}…\".");
            env[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return env;
    }
}
