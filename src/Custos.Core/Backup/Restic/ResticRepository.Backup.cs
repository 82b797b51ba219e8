using System.Diagnostics;

namespace Custos.Core.Backup.Restic;

public sealed partial class ResticRepository
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    // restic's own progress rate: a few lines a second instead of ~30 keeps the pipe and the parsing cheap.
    private static readonly IReadOnlyDictionary<string, string> BackupEnvironment = new Dictionary<string, string> { ["RESTIC_PROGRESS_FPS"] = "4" };

    /// <summary>
    /// Backs up the contents of <paramref name="directory"/> (an absolute path) as one snapshot; restic finds the previous
    /// snapshot (its parent) by host and paths, and reads only files changed since. Progress is reported at most four
    /// times a second.
    /// </summary>
    public Task<ResticBackupSummary> BackupAsync(string directory, string host, IReadOnlyList<string> tags,
        IProgress<ResticProgress>? progress, CancellationToken ct) => BackupAsync(directory, [], [], host, tags, progress, ct);

    /// <summary>
    /// As above, with folders from elsewhere in the same snapshot: each of <paramref name="alongside"/> (absolute) appears
    /// at the snapshot's root under its own name, beside the contents of <paramref name="directory"/>; nothing under
    /// <paramref name="excludes"/> (absolute paths) is read.
    /// </summary>
    public async Task<ResticBackupSummary> BackupAsync(string directory, IReadOnlyList<string> alongside, IReadOnlyList<string> excludes, string host,
        IReadOnlyList<string> tags, IProgress<ResticProgress>? progress, CancellationToken ct)
    {
        if (!Path.IsPathFullyQualified(directory))
            throw new ArgumentException($"The directory to back up must be an absolute path: \"{directory}\".", nameof(directory));
        if (!Directory.Exists(directory))
            throw new ResticException(ResticFailureKind.NotFound, $"The directory to back up does not exist: {directory}.");
        List<string> rest = [];
        foreach (var exclude in excludes)
            rest.Add("--exclude=" + (Path.IsPathFullyQualified(exclude) ? exclude : throw new ArgumentException($"An exclude must be an absolute path: \"{exclude}\".", nameof(excludes))));
        // "." from inside the directory: the snapshot holds its contents at the root, independent of where it lives; a
        // folder given relative to it ("../../blobs") lands at the root under its name.
        rest.AddRange(["--", "."]);
        foreach (var folder in alongside)
        {
            if (!Path.IsPathFullyQualified(folder) || !Directory.Exists(folder))
                throw new ResticException(ResticFailureKind.NotFound, $"The folder to back up beside {directory} does not exist or is not an absolute path: {folder}.");
            if (Path.Exists(Path.Combine(directory, Path.GetFileName(folder))))
                throw new ArgumentException($"{directory} holds an entry named like {folder}; both would be the same path in the snapshot.", nameof(alongside));
            rest.Add(Path.GetRelativePath(directory, folder));
        }
        var arguments = BackupArguments(host, tags, rest);
        ResticBackupSummary? summary = null;
        var lastReport = 0L;
        var run = await process.RunAsync(arguments, ct, (stdout, t) => ResticProcess.ReadLinesAsync(stdout, line =>
        {
            switch (ResticJson.MessageType(line))
            {
                case "status" when progress is not null && (lastReport == 0 || Stopwatch.GetElapsedTime(lastReport) >= ProgressInterval):
                    lastReport = Stopwatch.GetTimestamp();
                    progress.Report(ResticJson.Progress(line));
                    break;
                case "summary":
                    summary = ResticJson.Summary(line);
                    break;
            }
        }, t), workingDirectory: directory, environment: BackupEnvironment);
        return Finished(run, summary, directory);
    }

    /// <summary>Backs up <paramref name="content"/> as one file, "/<paramref name="fileName"/>" inside a snapshot of its own.</summary>
    public async Task<ResticBackupSummary> BackupStdinAsync(ReadOnlyMemory<byte> content, string fileName, string host,
        IReadOnlyList<string> tags, CancellationToken ct)
    {
        if (fileName.Length == 0 || fileName.StartsWith('/') || fileName.Split('/').Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"A file name for a stdin backup is relative, without empty, \".\" or \"..\" parts: \"{fileName}\".", nameof(fileName));
        var arguments = BackupArguments(host, tags, ["--stdin", "--stdin-filename=" + fileName]);
        ResticBackupSummary? summary = null;
        var run = await process.RunAsync(arguments, ct, (stdout, t) => ResticProcess.ReadLinesAsync(stdout, line =>
        {
            if (ResticJson.MessageType(line) == "summary") summary = ResticJson.Summary(line);
        }, t), input: content);
        return Finished(run, summary, "/" + fileName);
    }

    private static List<string> BackupArguments(string host, IReadOnlyList<string> tags, IEnumerable<string> rest)
    {
        List<string> arguments = ["backup", "--json", "--host=" + ResticArguments.Host(host)];
        arguments.AddRange(tags.Select(t => "--tag=" + ResticArguments.Tag(t)));
        arguments.AddRange(rest);
        return arguments;
    }

    private ResticBackupSummary Finished(ResticRun run, ResticBackupSummary? summary, string source)
    {
        // Exit code 3: the snapshot was saved, but some files could not be read — for Custos a backup that failed.
        if (run.ExitCode == 3)
            throw new ResticException(ResticFailureKind.Failed,
                $"restic could not read some files of {source}; snapshot {summary?.SnapshotId ?? "(unknown)"} in {location.Redacted} is incomplete: {ResticFailures.Detail(run.ErrorLines)}.");
        if (run.ExitCode != 0) throw ResticFailures.From(run, "backup", location);
        return summary ?? throw new ResticException(ResticFailureKind.Failed,
            $"restic backup of {source} to {location.Redacted} ended without a summary: {ResticFailures.Detail(run.ErrorLines)}.");
    }
}
