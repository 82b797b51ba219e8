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

    /// <summary>
    /// The staging folder's path inside the snapshot ("" : its root), to which "/file" is appended. A Custos snapshot has
    /// the staging folder's contents at its root, and the blob store beside them as /blobs (format 1: one path, the blobs
    /// staged inside it; format 2: two paths, the blob store read in place).
    /// </summary>
    public static string Root(ResticSnapshot snapshot) =>
        snapshot.Paths.Count is 1 or 2 ? "" : throw new BackupException($"Snapshot {snapshot.ShortId} was not written by Custos (it has {snapshot.Paths.Count} paths).");

    /// <summary>Where restic puts the snapshot's root when it restores into <paramref name="target"/>.</summary>
    public static string Unpacked(ResticSnapshot snapshot, string target) => Path.Combine(target, Root(snapshot).TrimStart('/'));

    public static async Task<BackupManifest> ManifestAsync(string unpacked, CancellationToken ct) =>
        Parse(await File.ReadAllBytesAsync(Path.Combine(unpacked, BackupManifest.FileName), ct));

    private static BackupManifest Parse(byte[] json)
    {
        var manifest = JsonSerializer.Deserialize<BackupManifest>(json, BackupManifest.Json) ?? throw new BackupException("The snapshot's manifest is empty.");
        if (manifest.Format > BackupManifest.CurrentFormat)
            throw new BackupException($"The snapshot was written by a newer Custos (manifest format {manifest.Format}); restore it with that version.");
        return manifest;
    }

    /// <summary>
    /// The snapshot a restore names, asking restic only when it must (each restic start costs 0.5–0.9 s): an id or
    /// prefix is taken as given (reading from it says when it names no Custos snapshot), "latest" is the newest one this
    /// instance recorded for the target; only without that record are the snapshots listed.
    /// </summary>
    public static async Task<SnapshotRef> NameAsync(ResticRepository repo, string id, string? latestRecorded, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(id) && id != "latest")
            return id.Length is >= 6 and <= 64 && id.All(char.IsAsciiHexDigitLower)
                ? new SnapshotRef(id, null)
                : throw new BackupException($"\"{id}\" is not a snapshot id: 6 to 64 hexadecimal digits (`custos backup snapshots` lists them), or latest.");
        if (latestRecorded is not null) return new SnapshotRef(latestRecorded, null);
        var listed = await ResolveAsync(repo, "latest", ct);
        return new SnapshotRef(listed.Id, listed.Time);
    }

    /// <summary>A file at the snapshot's root ("manifest.json"); a clear error when the snapshot is not a Custos instance snapshot.</summary>
    public static async Task<byte[]> ReadAsync(ResticRepository repo, SnapshotRef snapshot, string file, long maxBytes, CancellationToken ct)
    {
        try
        {
            return await repo.DumpAsync(snapshot.Id, "/" + file, maxBytes, ct);
        }
        catch (ResticException e) when (e.Kind == ResticFailureKind.NotFound)
        {
            throw new BackupException($"There is no Custos snapshot \"{snapshot.Id}\" in {repo.Location.Redacted} (restic: {e.Message}); `custos backup snapshots` lists them.");
        }
    }

    public static async Task<BackupManifest> ManifestAsync(ResticRepository repo, SnapshotRef snapshot, CancellationToken ct) =>
        Parse(await ReadAsync(repo, snapshot, BackupManifest.FileName, 1 << 20, ct));

    /// <summary>
    /// Every repository's newest journal object (one `restic dump latest` each, all at once), merged (by entry id) with
    /// what the caller knows already.
    /// </summary>
    public static async Task<IReadOnlyList<ErasureJournal.Line>> JournalAsync(IEnumerable<ResticRepository> repos, IEnumerable<ErasureJournal.Line> known,
        List<string> problems, CancellationToken ct)
    {
        var reads = repos.Select(async repo =>
        {
            try
            {
                return (repo, content: await repo.DumpLatestAsync(ErasureJournal.Tag, "/" + ErasureJournal.FileName, 256L << 20, ct), error: (string?)null);
            }
            catch (ResticException e)
            {
                return (repo, content: null, error: e.Message);
            }
        }).ToList();
        var all = known.ToDictionary(l => l.Id);
        foreach (var (repo, content, error) in await Task.WhenAll(reads))
        {
            if (error is not null) problems.Add($"The erasure journal in {repo.Location.Redacted} could not be read: {error}");
            if (content is null) continue;
            foreach (var line in ErasureJournal.Parse(content)) all.TryAdd(line.Id, line);
        }
        return all.Values.OrderBy(l => l.ErasedAt).ToList();
    }
}

/// <summary>A snapshot as a restore names it: its id (or the prefix given) and, when restic listed it, its time.</summary>
public sealed record SnapshotRef(string Id, DateTimeOffset? Time)
{
    public string ShortId => Short(Id);

    public static string Short(string id) => id.Length > 8 ? id[..8] : id;
}
