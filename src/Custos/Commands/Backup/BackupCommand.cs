using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Core.Backup.Restic;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands.Backup;

/// <summary>
/// `custos backup …`: targets, runs, verification, drills, restores. Works on the data directory of this machine (like
/// `keys rotate`): the operator of the server runs it; every change is audited in the instance's log.
/// </summary>
public static class BackupCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("backup", "Encrypted backups with restic: targets, runs, verification, restore drills, restores (TOM 8.3, 10.2, 10.3).");
        command.Subcommands.Add(BackupTargetVerbs.Create(output, error));
        var json = CommonOptions.Json();
        var target = TargetOption();
        var noVerify = new Option<bool>("--no-verify") { Description = "Skip the restic check of a seventh of the data after the run." };
        var full = new Option<bool>("--full") { Description = "Read every pack (the weekly full check) instead of the next seventh." };
        var snapshot = new Option<string>("--snapshot") { Description = "Snapshot id (or a unique prefix, or latest).", DefaultValueFactory = _ => "latest" };

        command.Subcommands.Add(Single("run",
            "Back up now to one target (--target) or to every enabled target, with progress; then verify a seventh of the data.", [target, noVerify, json], error,
            async (parse, services, ct) =>
            {
                var names = await TargetNamesAsync(services, parse.GetValue(target), ct);
                var failed = 0;
                var results = new List<BackupRun>();
                foreach (var name in names)
                {
                    using var progress = new BackupProgressLine(error);
                    var run = await services.GetRequiredService<BackupRunner>().RunAsync(name, "cli", Actor.CommandLine(), null, progress,
                        verify: !parse.GetValue(noVerify), ct: ct);
                    progress.Dispose();
                    if (!run.Succeeded) throw new CommandException(run.Error!.Message);
                    results.Add(run.Value!);
                    if (run.Value!.Outcome != BackupOutcome.Succeeded) failed++;
                    if (!parse.GetValue(json)) await output.WriteLineAsync(Describe(run.Value!));
                }
                if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(results, BackupManifest.Compact));
                return failed == 0 ? CustosCommandLine.Success : CustosCommandLine.Failure;
            }));

        command.Subcommands.Add(Single("verify", "Run restic check now: the next seventh of the data, or all of it with --full. Exit 1 on damage.",
            [target, full, json], error, async (parse, services, ct) =>
            {
                var name = (await TargetNamesAsync(services, parse.GetValue(target), ct))[0];
                using var progress = new BackupProgressLine(error);
                var run = await services.GetRequiredService<BackupRunner>().VerifyAsync(name, parse.GetValue(full), "cli", Actor.CommandLine(), progress, ct);
                progress.Dispose();
                if (!run.Succeeded) throw new CommandException(run.Error!.Message);
                await output.WriteLineAsync(parse.GetValue(json) ? JsonSerializer.Serialize(run.Value, BackupManifest.Compact) : Describe(run.Value!));
                return run.Value!.Outcome == BackupOutcome.Succeeded ? CustosCommandLine.Success : CustosCommandLine.Failure;
            }));

        command.Subcommands.Add(Single("drill", "Restore a snapshot (default: the latest) into a temporary folder, start nothing, and check the database, " +
                                                "the rows per tenant and every document version's checksum. Exit 1 when anything is wrong.",
            [target, snapshot, json], error, async (parse, services, ct) =>
            {
                var name = (await TargetNamesAsync(services, parse.GetValue(target), ct))[0];
                using var progress = new BackupProgressLine(error);
                var result = await services.GetRequiredService<BackupDrill>().DrillAsync(name, parse.GetValue(snapshot)!, "cli", Actor.CommandLine(), progress, ct);
                progress.Dispose();
                if (!result.Succeeded) throw new CommandException(result.Error!.Message);
                var (run, report) = result.Value;
                if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(new { run, report }, BackupManifest.Compact));
                else
                {
                    await output.WriteLineAsync(Describe(run));
                    if (report is not null)
                    {
                        foreach (var t in report.Tenants)
                            await output.WriteLineAsync($"  tenant {t.Name}: {t.Documents:N0} documents, {t.Versions:N0} versions, {t.VaultEntries:N0} vault entries");
                        await output.WriteLineAsync($"  {report.VersionsChecked:N0} versions decrypted and checked ({report.BytesChecked / 1048576.0:N1} MiB), " +
                                                    $"{report.DamagedVersions:N0} damaged, {report.OrphanedBlobs:N0} blobs without a document version");
                        foreach (var p in report.Problems) await output.WriteLineAsync("  problem: " + p);
                    }
                }
                return run.Outcome == BackupOutcome.Succeeded ? CustosCommandLine.Success : CustosCommandLine.Failure;
            }));

        command.Subcommands.Add(Single("snapshots", "List a target's Custos snapshots (newest last).", [target, json], error, async (parse, services, ct) =>
        {
            var name = (await TargetNamesAsync(services, parse.GetValue(target), ct))[0];
            var result = await services.GetRequiredService<BackupTargets>().CheckAsync(name, Actor.CommandLine(), ct);
            if (!result.Succeeded) throw new CommandException(result.Error!.Message);
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(result.Value, BackupManifest.Compact));
            else
                foreach (var s in result.Value!)
                    await output.WriteLineAsync($"{s.ShortId}  {s.Time.ToLocalTime():yyyy-MM-dd HH:mm:ss}  {s.Hostname}");
            return CustosCommandLine.Success;
        }));

        command.Subcommands.Add(Single("runs", "The latest backups, verifications, drills and restores with their figures.",
            [target, json], error, async (parse, services, ct) =>
            {
                var runs = await services.GetRequiredService<BackupViews>().RunsAsync(parse.GetValue(target), null, 30, ct);
                if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(runs, BackupManifest.Compact));
                else foreach (var r in runs) await output.WriteLineAsync(Describe(r));
                return CustosCommandLine.Success;
            }));

        command.Subcommands.Add(Single("alarms", "Open backup alarms (failed or missed runs, failed checks and drills).", [json], error, async (parse, services, ct) =>
        {
            var alarms = await services.GetRequiredService<BackupAlarms>().OpenAsync(ct);
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(alarms, BackupManifest.Compact));
            else if (alarms.Count == 0) await output.WriteLineAsync("No open backup alarms.");
            else foreach (var a in alarms) await output.WriteLineAsync($"{a.RaisedAt.ToLocalTime():yyyy-MM-dd HH:mm}  {a.Kind,-7} {a.TargetName}: {a.Message}");
            return alarms.Count == 0 ? CustosCommandLine.Success : CustosCommandLine.Failure;
        }));

        var kitOut = new Option<FileInfo?>("--output", "-o") { Description = "Write the kit to this new file (mode 0600); without it, print it for paper." };
        command.Subcommands.Add(Single("recovery-kit", "Export what a restore on a new machine needs and backups never contain: the master key(s) and every " +
                                                       "target's repository password. Keep it offline, apart from the backups. Audited.",
            [kitOut], error, async (parse, services, ct) =>
            {
                if (parse.GetValue(kitOut) is { Exists: true } existing)
                    throw new CommandException($"{existing.FullName} exists already; a recovery kit never overwrites a file.");
                var kit = await services.GetRequiredService<RecoveryKits>().ExportAsync(Actor.CommandLine(), ct);
                var bytes = kit.ToJson();
                if (parse.GetValue(kitOut) is { } file)
                {
                    var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                    if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                    try
                    {
                        await using var stream = new FileStream(file.FullName, options);
                        await stream.WriteAsync(bytes, ct);
                    }
                    catch (IOException e) when (File.Exists(file.FullName))
                    {
                        throw new CommandException($"{file.FullName} exists already; a recovery kit never overwrites a file ({e.Message}).");
                    }
                    await error.WriteLineAsync($"Recovery kit written to {file.FullName}: {kit.MasterKeys.Count} master key(s), {kit.Targets.Count} target(s). " +
                                               "Move it to offline media now; whoever holds it and a repository holds the data.");
                }
                else await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(bytes));
                return CustosCommandLine.Success;
            }));

        command.Subcommands.Add(BackupRestoreVerbs.RestoreInstance(output, error));
        command.Subcommands.Add(BackupRestoreVerbs.RestoreDocument(output, error));
        return command;
    }

    internal static Option<string?> TargetOption() => new("--target", "-t") { Description = "Target name (default: the only target, or every enabled one for run)." };

    internal static Command Single(string verb, string description, IReadOnlyList<Symbol> symbols, TextWriter error,
        Func<ParseResult, IServiceProvider, CancellationToken, Task<int>> action) =>
        new AdminCommandBuilder(verb, description, error).Verb(verb, description, symbols, action).Build().Subcommands[0];

    /// <summary>The named target, or all enabled ones; a clear error when there is none.</summary>
    internal static async Task<IReadOnlyList<string>> TargetNamesAsync(IServiceProvider services, string? name, CancellationToken ct)
    {
        var all = await services.GetRequiredService<BackupTargets>().ListAsync(ct);
        if (name is not null)
            return all.Any(t => t.Name == name) ? [name] : throw new CommandException($"There is no backup target \"{name}\"; `custos backup target ls` lists them.");
        var enabled = all.Where(t => t.Enabled).Select(t => t.Name).ToList();
        return enabled.Count > 0 ? enabled : throw new CommandException("No backup target is configured yet: `custos backup target add NAME REPOSITORY`.");
    }

    internal static string Describe(BackupRun r)
    {
        var what = r.Kind switch
        {
            BackupRunKind.Backup => $"backup {r.SnapshotId?[..Math.Min(8, r.SnapshotId.Length)] ?? "-"}: {r.Files:N0} files, {Mib(r.Bytes)} MiB, {Mib(r.AddedBytes)} MiB added" +
                                   (r.Scope == "retention" ? ", retention applied" : ""),
            BackupRunKind.Verify => $"verification {r.Scope}",
            BackupRunKind.Drill => $"drill of {r.SnapshotId?[..Math.Min(8, r.SnapshotId.Length)] ?? "-"}: {r.Scope}",
            _ => $"restore {r.SnapshotId}",
        };
        var outcome = r.Outcome switch { BackupOutcome.Succeeded => "ok", BackupOutcome.Failed => "FAILED", _ => "running" };
        return $"{r.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}  {r.TargetName,-12} {outcome,-7} {what} in {r.DurationMs / 1000.0:N1} s" +
               (r.Error is null ? "" : $"\n    {r.Error}");
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("N1", CultureInfo.InvariantCulture);
}
