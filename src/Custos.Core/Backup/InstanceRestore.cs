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
    Func<string, MasterKey?> MasterKeys);

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
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new BackupException($"Restore refused: {dir} is not empty. A restore goes into an empty or new directory only, so nothing is overwritten.");
        var snapshot = await SnapshotFiles.ResolveAsync(request.Repository, request.Snapshot, ct);
        var manifest = await SnapshotFiles.ManifestAsync(request.Repository, snapshot, ct);
        var keys = manifest.MasterKeys.Select(id => (id, key: request.MasterKeys(id))).ToList();
        if (keys.Where(k => k.key is null).Select(k => k.id).ToList() is { Count: > 0 } missing)
            throw new BackupException($"The master key {string.Join(", ", missing)} that this snapshot's data keys are wrapped with is not at hand. Pass the recovery kit " +
                                      "exported while that key was current (--recovery-kit FILE); backups never contain it.");

        InstanceStaging.CreatePrivate(dir);
        var marker = Path.Combine(dir, IncompleteMarker);
        await File.WriteAllTextAsync(marker, $"A restore of snapshot {snapshot.ShortId} into this directory has not finished. Run the restore again into an empty directory.\n", ct);
        var unpackInto = Path.Combine(dir, ".restore");
        progress?.Report(BackupPhase.Restoring);
        await request.Repository.RestoreAsync(snapshot.Id, unpackInto, [], ct);
        var unpacked = SnapshotFiles.Unpacked(snapshot, unpackInto);
        foreach (var part in new[] { "blobs", "tls" })
            if (Directory.Exists(Path.Combine(unpacked, part))) Directory.Move(Path.Combine(unpacked, part), Path.Combine(dir, part));
        var keyFiles = new MasterKeyFileStore(Path.Combine(dir, "keys"));
        foreach (var (_, key) in keys) keyFiles.Save(key!);

        progress?.Report(BackupPhase.Checking);
        var warnings = new List<string>();
        await using var restored = await instances.OpenAsync(manifest, unpacked, dir, request.Postgres, keyFiles.Directory, ct);
        await restored.Services.GetRequiredService<Keyring>().VerifyAsync(ct);
        var journal = await SnapshotFiles.JournalAsync(request.JournalRepositories, request.KnownJournal, warnings, ct);
        var erasures = await ErasureReplay.ApplyAsync(restored.Services, journal, actor, ct);
        await RecordAsync(restored.Services, actor, snapshot, erasures, ct);
        Directory.Delete(unpackInto, recursive: true);
        File.Delete(marker);
        return new RestoreReport(snapshot.Id, snapshot.Time, dir, restored.Database, manifest, erasures, warnings);
    }

    private static async Task RecordAsync(IServiceProvider restored, Actor actor, ResticSnapshot snapshot, IReadOnlyList<ReappliedErasure> erasures, CancellationToken ct)
    {
        var factory = restored.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.CustosDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await restored.GetRequiredService<AuditLog>().CommitAsync(db, tx, new AuditEntry(actor.Name, "backup.restore", AuditOutcome.Success, null,
            $"snapshot:{snapshot.Id}", actor.ClientAddress, new Dictionary<string, string?>
            {
                ["snapshotTime"] = snapshot.Time.ToString("O"), ["erasuresReapplied"] = erasures.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), ct);
    }
}
