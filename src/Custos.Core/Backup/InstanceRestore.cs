using Custos.Core.Audit;
using Custos.Core.Backup.Restic;
using Custos.Core.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Core.Backup;

/// <summary>What a whole-instance restore needs: the repository and snapshot, an empty directory, and where master keys and erasure journals come from.</summary>
public sealed record InstanceRestoreRequest(
    ResticRepository Repository,
    string Snapshot,
    string Directory,
    /// <summary>For a PostgreSQL snapshot: the empty database to restore into.</summary>
    string? Postgres,
    /// <summary>Every target's repository: each holds a copy of the erasure journal.</summary>
    IReadOnlyList<ResticRepository> JournalRepositories,
    /// <summary>The live instance's journal, when it is still there.</summary>
    IReadOnlyList<ErasureJournal.Line> KnownJournal,
    /// <summary>A master key by id: from the recovery kit or the live key folder; null when unknown.</summary>
    Func<string, MasterKey?> MasterKeys,
    /// <summary>The target's newest snapshot as the live instance recorded it: "latest" then needs no listing.</summary>
    string? LatestRecorded = null);

public sealed record RestoreReport(string Snapshot, DateTimeOffset SnapshotTime, string Directory, string? Database, BackupManifest Manifest,
    IReadOnlyList<ReappliedErasure> Erasures, IReadOnlyList<string> Warnings);

/// <summary>
/// Restores a whole instance into an empty directory that `custos serve --data DIR` then starts: database (SQLite file,
/// or a PostgreSQL dump into an empty database), blobs, TLS certificate and the master key files the database names
/// (from the recovery kit or the live key folder; backups never hold them). Every erasure in the journals is applied
/// again before the marker that keeps `serve` from starting is removed.
/// </summary>
public sealed class InstanceRestore(IRestoredInstances instances)
{
    /// <summary>While this file is in a data directory, `serve` refuses to start it: the restore has not finished.</summary>
    public const string IncompleteMarker = "RESTORE-INCOMPLETE";

    public async Task<RestoreReport> RestoreAsync(InstanceRestoreRequest request, Actor actor, IProgress<BackupPhase>? progress, CancellationToken ct)
    {
        var dir = Path.GetFullPath(request.Directory);
        if (File.Exists(dir)) throw new BackupException($"Restore refused: {dir} is a file.");
        var existed = Directory.Exists(dir);
        if (existed && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new BackupException($"Restore refused: {dir} is not empty. A restore goes into an empty or new directory only, so nothing is overwritten.");
        var snapshot = await SnapshotFiles.NameAsync(request.Repository, request.Snapshot, request.LatestRecorded, ct);

        InstanceStaging.CreatePrivate(dir);
        var marker = Path.Combine(dir, IncompleteMarker);
        await File.WriteAllTextAsync(marker, $"A restore of snapshot {snapshot.ShortId} into this directory has not finished. Run the restore again into an empty directory.\n", ct);
        var unpackInto = Path.Combine(dir, ".restore");
        progress?.Report(BackupPhase.Restoring);
        // The manifest (are the master keys at hand?) and every target's erasure journal are read while restic restores:
        // each is a restic start of its own, and a missing key still stops the restore within a second or two.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var restoring = request.Repository.RestoreAsync(snapshot.Id, unpackInto, [], stop.Token);
        var warnings = new List<string>();
        var journalRead = SnapshotFiles.JournalAsync(request.JournalRepositories, request.KnownJournal, warnings, stop.Token);
        List<(string Id, MasterKey? Key)> keys;
        try
        {
            keys = KeysFor(await SnapshotFiles.ManifestAsync(request.Repository, snapshot, stop.Token), request.MasterKeys);
            await restoring;
        }
        catch
        {
            await stop.CancelAsync();
            await Task.WhenAll(restoring, journalRead).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            // Nothing of a restore that never finished stays behind: the directory was empty (or not there) before.
            if (existed) foreach (var entry in Directory.EnumerateFileSystemEntries(dir)) DeleteEntry(entry);
            else Directory.Delete(dir, recursive: true);
            throw;
        }
        // What was restored is what counts (a backup may have ended between the two reads of "latest").
        var unpacked = unpackInto;
        var manifest = await SnapshotFiles.ManifestAsync(unpacked, ct);
        keys = KeysFor(manifest, request.MasterKeys);
        foreach (var part in new[] { "blobs", "tls" })
            if (Directory.Exists(Path.Combine(unpacked, part))) Directory.Move(Path.Combine(unpacked, part), Path.Combine(dir, part));
        var keyFiles = new MasterKeyFileStore(Path.Combine(dir, "keys"));
        foreach (var (_, key) in keys) keyFiles.Save(key!);

        progress?.Report(BackupPhase.Checking);
        await using var restored = await instances.OpenAsync(manifest, unpacked, dir, request.Postgres, keyFiles.Directory, ct);
        await restored.Services.GetRequiredService<Keyring>().VerifyAsync(ct);
        var journal = await journalRead;
        var erasures = await ErasureReplay.ApplyAsync(restored.Services, journal, actor, ct);
        var time = snapshot.Time ?? manifest.CreatedAt;
        await RecordAsync(restored.Services, actor, snapshot.Id, time, erasures, ct);
        Directory.Delete(unpackInto, recursive: true);
        File.Delete(marker);
        return new RestoreReport(snapshot.Id, time, dir, restored.Database, manifest, erasures, warnings);
    }

    private static List<(string Id, MasterKey? Key)> KeysFor(BackupManifest manifest, Func<string, MasterKey?> masterKeys)
    {
        var keys = manifest.MasterKeys.Select(id => (id, masterKeys(id))).ToList();
        if (keys.Where(k => k.Item2 is null).Select(k => k.id).ToList() is { Count: > 0 } missing)
            throw new BackupException($"The master key {string.Join(", ", missing)} that this snapshot's data keys are wrapped with is not at hand. Pass the recovery kit " +
                                      "exported while that key was current (--recovery-kit FILE); backups never contain it.");
        return keys;
    }

    private static void DeleteEntry(string path)
    {
        if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint)) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    private static async Task RecordAsync(IServiceProvider restored, Actor actor, string snapshot, DateTimeOffset time, IReadOnlyList<ReappliedErasure> erasures, CancellationToken ct)
    {
        var factory = restored.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.CustosDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await restored.GetRequiredService<AuditLog>().CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.restore", AuditOutcome.Success, null,
            $"snapshot:{snapshot}", actor.ClientAddress, new Dictionary<string, string?>
            {
                ["snapshotTime"] = time.ToString("O"), ["erasuresReapplied"] = erasures.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), ct);
    }
}
