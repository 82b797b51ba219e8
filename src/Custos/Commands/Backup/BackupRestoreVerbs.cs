using System.CommandLine;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Core.Backup;
using Custos.Core.Backup.Restic;
using Custos.Core.Data;
using Custos.Core.Keys;
using Custos.Storage;
using Custos.Storage.Backup;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Commands.Backup;

/// <summary>`custos backup restore` (a whole instance into an empty directory) and `custos backup restore-doc` (one document into the running instance).</summary>
internal static class BackupRestoreVerbs
{
    public static Command RestoreInstance(TextWriter output, TextWriter error)
    {
        var data = CommonOptions.Data();
        var db = CommonOptions.Database();
        var target = BackupCommand.TargetOption();
        var snapshot = new Option<string>("--snapshot") { Description = "Snapshot id (or a unique prefix, or latest).", DefaultValueFactory = _ => "latest" };
        var to = new Option<DirectoryInfo>("--to") { Description = "An empty or new directory: the restored data directory.", Required = true };
        var kit = new Option<FileInfo?>("--recovery-kit") { Description = "The recovery kit (on a new machine): targets, passwords and master keys come from it." };
        var intoDb = new Option<string?>("--into-db") { Description = "For a PostgreSQL snapshot: the empty database to restore into (connection string)." };
        var json = CommonOptions.Json();
        var command = new Command("restore", "Restore a whole instance into an empty directory that `custos serve --data DIR` then starts. Erasures recorded after " +
                                             "the snapshot are applied again before it can start.")
        {
            data, db, target, snapshot, to, kit, intoDb, json,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(error, async () =>
        {
            var options = new BackupOptions { DataDirectory = DataDirectory.Resolve(parse.GetValue(data)) };
            InstanceRestoreRequest request;
            ServiceProvider? live = null;
            try
            {
                if (parse.GetValue(kit) is { } kitFile)
                {
                    var recovery = RecoveryKit.Parse(await File.ReadAllBytesAsync(kitFile.FullName, ct));
                    var settings = new ResticSettings("restic", Path.Combine(Path.GetTempPath(), "custos-restic-cache"), options.SecretsDirectory);
                    var chosen = parse.GetValue(target) is { } name
                        ? recovery.Targets.FirstOrDefault(t => t.Name == name) ?? throw new CommandException($"The recovery kit names no target \"{name}\".")
                        : recovery.Targets.Count == 1 ? recovery.Targets[0]
                        : throw new CommandException($"The kit names several targets ({string.Join(", ", recovery.Targets.Select(t => t.Name))}); choose one with --target.");
                    request = new InstanceRestoreRequest(recovery.Repository(chosen, settings), parse.GetValue(snapshot)!, parse.GetValue(to)!.FullName,
                        parse.GetValue(intoDb), recovery.Targets.Select(t => recovery.Repository(t, settings)).ToList(), [], recovery.MasterKey);
                }
                else
                {
                    live = CommonOptions.LocalServices(parse.GetValue(data), parse.GetValue(db));
                    await CommonOptions.EnsureInitialisedAsync(live, ct);
                    await live.GetRequiredService<Keyring>().VerifyAsync(ct);
                    var targets = live.GetRequiredService<BackupTargets>();
                    var names = await BackupCommand.TargetNamesAsync(live, parse.GetValue(target), ct);
                    if (names.Count > 1 && parse.GetValue(target) is null)
                        throw new CommandException($"Several targets ({string.Join(", ", names)}); choose one with --target.");
                    var all = (await targets.ListAsync(ct)).ToList();
                    var repos = new List<ResticRepository>();
                    foreach (var t in all) repos.Add(await targets.OpenAsync(t, ct));
                    IReadOnlyList<ErasureJournal.Line> known;
                    await using (var ctx = await live.GetRequiredService<IDbContextFactory<CustosDbContext>>().CreateDbContextAsync(ct))
                        known = ErasureJournal.Parse((await ErasureJournal.ExportAsync(ctx, ct)).Content);
                    var keyFiles = live.GetRequiredService<MasterKeyFileStore>();
                    var chosen = all.FindIndex(t => t.Name == names[0]);
                    request = new InstanceRestoreRequest(repos[chosen], parse.GetValue(snapshot)!, parse.GetValue(to)!.FullName,
                        parse.GetValue(intoDb), repos, known, id => keyFiles.Exists(id) ? keyFiles.Load(id) : null,
                        await targets.LatestRecordedSnapshotAsync(all[chosen].Id, ct));
                }
                var liveSettings = DatabaseSettings.Parse(CommonOptions.DatabaseValue(parse.GetValue(db)), options.DataDirectory);
                var restore = new InstanceRestore(new RestoredInstances(liveSettings, options));
                using var progress = new BackupProgressLine(error);
                var report = await restore.RestoreAsync(request, Actor.CommandLine(),
                    new Progress<BackupPhase>(p => progress.Report(new BackupProgress(Guid.Empty, "restore", BackupRunKind.Restore, p, null))), ct);
                progress.Dispose();
                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(report, BackupManifest.Compact));
                    return CustosCommandLine.Success;
                }
                await output.WriteLineAsync($"Snapshot {SnapshotRef.Short(report.Snapshot)} of {report.SnapshotTime.ToLocalTime():yyyy-MM-dd HH:mm} restored into {report.Directory} " +
                                            $"({report.Manifest.Database}, {report.Manifest.Blobs:N0} blobs).");
                foreach (var t in report.Manifest.Tenants)
                    await output.WriteLineAsync($"  tenant {t.Name}: {t.Documents:N0} documents, {t.Versions:N0} versions, {t.VaultEntries:N0} vault entries");
                await output.WriteLineAsync(report.Erasures.Count == 0 ? "No erasure had to be applied again."
                    : $"{report.Erasures.Count} erasure(s) recorded after the snapshot applied again:");
                foreach (var e in report.Erasures)
                    await output.WriteLineAsync($"  document {e.Document} (tenant {e.Tenant}): {e.Trigger} of {e.ErasedAt.ToLocalTime():yyyy-MM-dd HH:mm}, {e.Versions} version(s)");
                foreach (var w in report.Warnings) await output.WriteLineAsync("warning: " + w);
                await output.WriteLineAsync($"Start it with: custos serve --data {report.Directory}" + (report.Database is null ? "" : " --db \"<the connection string>\""));
                return CustosCommandLine.Success;
            }
            catch (Exception e) when (e is BackupException or ResticException)
            {
                throw new CommandException(e.Message);
            }
            finally
            {
                if (live is not null) await live.DisposeAsync();
            }
        }));
        return command;
    }

    public static Command RestoreDocument(TextWriter output, TextWriter error)
    {
        var document = new Argument<string>("document") { Description = "The document's path (Folder/name.pdf, with --tenant) or id, optionally @VERSION." };
        var target = BackupCommand.TargetOption();
        var snapshot = new Option<string>("--snapshot") { Description = "Snapshot id (or a unique prefix, or latest).", Required = true };
        var tenant = new Option<string?>("--tenant") { Description = "The tenant, when the document is named by its path." };
        var json = CommonOptions.Json();
        return BackupCommand.Single("restore-doc", "Restore one document version from a snapshot into the running instance as its newest version (checksum " +
                                                   "checked, audited); a deleted document is recreated, an erased one never.",
            [document, target, snapshot, tenant, json], error, async (parse, services, ct) =>
            {
                var restored = await services.GetRequiredService<DocumentRestore>().RestoreAsync(parse.GetValue(target), parse.GetValue(snapshot)!,
                    parse.GetValue(tenant), parse.GetValue(document)!, Actor.CommandLine(), ct);
                if (!restored.Succeeded) throw new CommandException(restored.Error!.Message);
                var r = restored.Value!;
                await output.WriteLineAsync(parse.GetValue(json) ? JsonSerializer.Serialize(r, BackupManifest.Compact)
                    : $"\"{r.Path}\" version {r.FromVersion} from snapshot {SnapshotRef.Short(r.Snapshot)} ({r.SnapshotTime.ToLocalTime():yyyy-MM-dd HH:mm}) restored as version " +
                      $"{r.NewVersion}{(r.Recreated ? " of the recreated document" : "")}; SHA-256 {r.Sha256} checked.");
                return CustosCommandLine.Success;
            });
    }
}
