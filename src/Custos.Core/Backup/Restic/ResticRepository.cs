namespace Custos.Core.Backup.Restic;

/// <summary>
/// The one way Custos talks to restic: each operation runs the restic binary once (<see cref="ResticProcess"/>), with
/// the password in a short-lived file, and turns a failure into a <see cref="ResticException"/> whose message an
/// operator can act on. Cancelling an operation kills restic and throws <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// Snapshots made by <see cref="BackupAsync"/> hold the backed-up directory's contents at their root: the file
/// DIRECTORY/db/custos.db is "/db/custos.db" inside the snapshot, for <see cref="RestoreAsync"/>'s includes and for
/// <see cref="DumpAsync"/>, and restoring writes it to TARGET/db/custos.db, wherever the directory was.
/// </remarks>
public sealed partial class ResticRepository
{
    private const int MaxListingChars = 64 * 1024 * 1024;

    // Variables that would decide the password, repository or cache instead of what this class passes.
    private static readonly string[] ReservedVariables =
    [
        "RESTIC_PASSWORD", "RESTIC_PASSWORD_FILE", "RESTIC_PASSWORD_COMMAND", "RESTIC_REPOSITORY", "RESTIC_REPOSITORY_FILE",
        "RESTIC_CACHE_DIR", "RESTIC_KEY_HINT",
    ];

    private readonly ResticLocation location;
    private readonly ResticProcess process;

    public ResticRepository(ResticLocation location, string password, ResticSettings settings)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(settings);
        // restic trims a password file, so " pw" and "pw" would silently be the same key.
        if (string.IsNullOrEmpty(password) || password.Trim().Length != password.Length)
            throw new ArgumentException("A repository password must be non-empty and must not begin or end with white space.", nameof(password));
        if (location.Environment.Keys.FirstOrDefault(k => ReservedVariables.Contains(k, StringComparer.Ordinal)) is { } reserved)
            throw new ArgumentException($"{reserved} may not be set for a repository: Custos passes the password and location itself.", nameof(location));
        if (location.Options.FirstOrDefault(o => !o.Contains('=')) is { } option)
            throw new ArgumentException($"A restic extended option has the form key=value: \"{option}\".", nameof(location));
        this.location = location;
        process = new ResticProcess(location, password, settings);
    }

    /// <summary>Where the repository is (its <see cref="ResticLocation.Redacted"/> form is for messages).</summary>
    public ResticLocation Location => location;

    /// <summary>Creates the repository; <see cref="ResticFailureKind.AlreadyInitialized"/> if one is there already.</summary>
    public async Task InitAsync(CancellationToken ct) => await RunCheckedAsync(["init"], "init", ct);

    /// <summary>
    /// True when the repository is reachable, initialised and opens with this password; false only when there is no
    /// repository at the location. A wrong password or an unreachable target throw.
    /// </summary>
    public async Task<bool> ExistsAsync(CancellationToken ct)
    {
        // Reading the config needs the key, so it proves the password too; --no-lock because it changes nothing.
        var run = await process.RunAsync(["cat", "config", "--no-lock"], ct);
        if (run.ExitCode == 0) return true;
        var failure = ResticFailures.From(run, "open", location);
        return failure.Kind == ResticFailureKind.NotInitialized ? false : throw failure;
    }

    /// <summary>The snapshots, with the given tag if one is given, oldest first.</summary>
    public async Task<IReadOnlyList<ResticSnapshot>> SnapshotsAsync(string? tag, CancellationToken ct)
    {
        List<string> arguments = ["snapshots", "--json"];
        if (tag is not null) arguments.Add("--tag=" + ResticArguments.Tag(tag));
        var json = "";
        var run = await process.RunAsync(arguments, ct,
            async (stdout, t) => json = await ResticOutputText.ReadAllAsync(stdout, MaxListingChars, "snapshot listing", t));
        if (run.ExitCode != 0) throw ResticFailures.From(run, "snapshots", location);
        return ResticJson.Snapshots(json);
    }

    /// <summary>
    /// Applies the retention policy to the snapshots with <paramref name="tag"/>, each set of tags counted on its own
    /// (--group-by tags), and prunes the data no snapshot uses any more.
    /// </summary>
    public Task ForgetAsync(ResticRetention keep, string tag, CancellationToken ct) => ForgetAsync(keep, [tag], ct);

    /// <summary>
    /// As <see cref="ForgetAsync(ResticRetention, string, CancellationToken)"/> for the snapshots with any of
    /// <paramref name="tags"/> (restic's repeated --tag), in one restic run: each set of tags is still its own group.
    /// </summary>
    public async Task ForgetAsync(ResticRetention keep, IReadOnlyList<string> tags, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(tags);
        if (keep.KeepDaily < 0 || keep.KeepWeekly < 0 || keep.KeepMonthly < 0 || keep.KeepDaily + keep.KeepWeekly + keep.KeepMonthly == 0)
            throw new ArgumentException("A retention policy keeps at least one snapshot, and no count is negative.", nameof(keep));
        // Without a tag restic would apply the policy to every snapshot in the repository.
        if (tags.Count == 0) throw new ArgumentException("Name the tags whose snapshots the policy applies to.", nameof(tags));
        List<string> arguments = ["forget", "--prune", "--group-by=tags"];
        arguments.AddRange(tags.Select(t => "--tag=" + ResticArguments.Tag(t)));
        arguments.AddRange([$"--keep-daily={keep.KeepDaily}", $"--keep-weekly={keep.KeepWeekly}", $"--keep-monthly={keep.KeepMonthly}"]);
        await RunCheckedAsync(arguments, "forget", ct);
    }

    /// <summary>
    /// Restores a snapshot into <paramref name="targetDirectory"/> and reads the restored files back (--verify).
    /// <paramref name="includes"/> are absolute paths inside the snapshot ("/db/custos.db"); empty restores everything.
    /// </summary>
    public async Task RestoreAsync(string snapshotId, string targetDirectory, IReadOnlyList<string> includes, CancellationToken ct)
    {
        List<string> arguments = ["restore", "--target=" + Path.GetFullPath(targetDirectory), "--verify"];
        arguments.AddRange(includes.Select(i => "--include=" + ResticArguments.ExactPattern(i)));
        arguments.AddRange(["--", ResticArguments.SnapshotId(snapshotId)]);
        await RunCheckedAsync(arguments, "restore", ct);
    }

    /// <summary>The content of one file of a snapshot (restic dump), for small files: more than <paramref name="maxBytes"/> fails.</summary>
    public async Task<byte[]> DumpAsync(string snapshotId, string path, long maxBytes, CancellationToken ct) =>
        await DumpCoreAsync(["dump", "--", ResticArguments.SnapshotId(snapshotId), path], snapshotId, path, maxBytes, ct)
        ?? throw new ResticException(ResticFailureKind.NotFound, $"Not found in repository {location.Redacted}: snapshot {snapshotId}.");

    /// <summary>
    /// As <see cref="DumpAsync"/> from the newest snapshot with <paramref name="tag"/>, in one restic run (no listing
    /// first); null when no snapshot has that tag.
    /// </summary>
    public Task<byte[]?> DumpLatestAsync(string tag, string path, long maxBytes, CancellationToken ct) =>
        DumpCoreAsync(["dump", "--tag=" + ResticArguments.Tag(tag), "--", "latest", path], $"latest ({tag})", path, maxBytes, ct);

    private async Task<byte[]?> DumpCoreAsync(IReadOnlyList<string> arguments, string snapshot, string path, long maxBytes, CancellationToken ct)
    {
        if (!path.StartsWith('/')) throw new ArgumentException($"A path inside a snapshot is absolute (starts with '/'): \"{path}\".", nameof(path));
        using var content = new MemoryStream();
        var run = await process.RunAsync(arguments, ct, async (stdout, t) =>
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await stdout.ReadAsync(buffer, t)) > 0)
            {
                if (content.Length + read > maxBytes)
                    throw new ResticException(ResticFailureKind.Failed,
                        $"{path} in snapshot {snapshot} of {location.Redacted} is larger than {maxBytes} bytes; restore it instead.");
                content.Write(buffer, 0, read);
            }
        });
        if (run.ExitCode == 0) return content.ToArray();
        // restic 0.14: "latest snapshot for criteria not found: no snapshot found …" when nothing carries the tag.
        if (run.ErrorLines.Any(l => l.Contains("latest snapshot for criteria not found", StringComparison.Ordinal))) return null;
        throw ResticFailures.From(run, "dump", location);
    }

    /// <summary>
    /// Removes stale locks only (restic unlock without --remove-all): those of restic processes on this host that are
    /// gone, and locks not refreshed for 30 minutes. A live restic's lock stays.
    /// </summary>
    public async Task UnlockStaleAsync(CancellationToken ct) => await RunCheckedAsync(["unlock"], "unlock", ct);

    /// <summary>
    /// Runs <paramref name="operation"/>; when it meets a lock, removes the stale ones (<see cref="UnlockStaleAsync"/>)
    /// and tries once more. restic 0.14 has no --retry-lock, and an unlock before every operation would cost a restic
    /// start each time; a live restic's lock stays, so the second attempt then fails with what holds it.
    /// </summary>
    public async Task<T> RemovingStaleLocksAsync<T>(Func<Task<T>> operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation();
        }
        catch (ResticException e) when (e.Kind == ResticFailureKind.Locked)
        {
            await UnlockStaleAsync(ct);
            return await operation();
        }
    }

    /// <summary>As <see cref="RemovingStaleLocksAsync{T}(Func{Task{T}}, CancellationToken)"/> for an operation without a result.</summary>
    public Task RemovingStaleLocksAsync(Func<Task> operation, CancellationToken ct) =>
        RemovingStaleLocksAsync(async () => { await operation(); return true; }, ct);

    private async Task RunCheckedAsync(IReadOnlyList<string> arguments, string action, CancellationToken ct)
    {
        var run = await process.RunAsync(arguments, ct);
        if (run.ExitCode != 0) throw ResticFailures.From(run, action, location);
    }
}
