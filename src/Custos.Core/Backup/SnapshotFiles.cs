using System.Text.Json;
using Custos.Core.Backup.Restic;

namespace Custos.Core.Backup;

/// <summary>Finding an instance snapshot in a repository and the files inside it (the staging folder's contents are the snapshot's root).</summary>
public static class SnapshotFiles
{
    /// <summary>The instance snapshot named by id, short id or "latest"; a clear error when there is none.</summary>
    public static async Task<ResticSnapshot> ResolveAsync(ResticRepository repo, string id, CancellationToken ct)
    {
        var snapshots = await repo.SnapshotsAsync(BackupRunner.InstanceTag, ct);
        if (snapshots.Count == 0) throw new BackupException($"The repository at {repo.Location.Redacted} holds no Custos snapshot yet.");
        if (string.IsNullOrWhiteSpace(id) || id == "latest") return snapshots[^1];
        var found = snapshots.Where(s => s.Id == id || s.ShortId == id || (id.Length >= 6 && s.Id.StartsWith(id, StringComparison.Ordinal))).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new BackupException($"There is no Custos snapshot \"{id}\" in {repo.Location.Redacted}; `custos backup snapshots` lists them."),
            _ => throw new BackupException($"\"{id}\" names several snapshots; give more of its id."),
        };
    }

    /// <summary>The staging folder's path inside the snapshot ("" : its root), to which "/file" is appended.</summary>
    public static string Root(ResticSnapshot snapshot) =>
        snapshot.Paths.Count == 1 ? "" : throw new BackupException($"Snapshot {snapshot.ShortId} was not written by Custos (it has {snapshot.Paths.Count} paths).");

    /// <summary>Where restic puts the snapshot's root when it restores into <paramref name="target"/>.</summary>
    public static string Unpacked(ResticSnapshot snapshot, string target) => Path.Combine(target, Root(snapshot).TrimStart('/'));

    public static async Task<BackupManifest> ManifestAsync(ResticRepository repo, ResticSnapshot snapshot, CancellationToken ct) =>
        Parse(await repo.DumpAsync(snapshot.Id, Root(snapshot) + "/" + BackupManifest.FileName, 1 << 20, ct));

    public static async Task<BackupManifest> ManifestAsync(string unpacked, CancellationToken ct) =>
        Parse(await File.ReadAllBytesAsync(Path.Combine(unpacked, BackupManifest.FileName), ct));

    private static BackupManifest Parse(byte[] json)
    {
        var manifest = JsonSerializer.Deserialize<BackupManifest>(json, BackupManifest.Json) ?? throw new BackupException("The snapshot's manifest is empty.");
        if (manifest.Format > BackupManifest.CurrentFormat)
            throw new BackupException($"The snapshot was written by a newer Custos (manifest format {manifest.Format}); restore it with that version.");
        return manifest;
    }

    /// <summary>Every repository's newest journal object, merged (by entry id) with what the caller knows already.</summary>
    public static async Task<IReadOnlyList<ErasureJournal.Line>> JournalAsync(IEnumerable<ResticRepository> repos, IEnumerable<ErasureJournal.Line> known,
        List<string> problems, CancellationToken ct)
    {
        var all = known.ToDictionary(l => l.Id);
        foreach (var repo in repos)
        {
            try
            {
                var objects = await repo.SnapshotsAsync(ErasureJournal.Tag, ct);
                if (objects.Count == 0) continue;
                var content = await repo.DumpAsync(objects[^1].Id, "/" + ErasureJournal.FileName, 256L << 20, ct);
                foreach (var line in ErasureJournal.Parse(content)) all.TryAdd(line.Id, line);
            }
            catch (ResticException e)
            {
                problems.Add($"The erasure journal in {repo.Location.Redacted} could not be read: {e.Message}");
            }
        }
        return all.Values.OrderBy(l => l.ErasedAt).ToList();
    }
}
