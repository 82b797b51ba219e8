using Custos.Commands.Documents;

namespace Custos.Commands.Sluice;

/// <summary>
/// The kiosk run: walks the medium (files only, symbolic links not followed), mirrors its directories as subfolders,
/// sends each file into the sluice, then waits for the verdicts still open, and reports every file's outcome.
/// </summary>
internal sealed class SluiceScan(DocumentCall call, DocumentTenant documents, Guid folderId, string root)
{
    public sealed record FileOutcome(string Path, string State, string? Reason, string? Detail, Guid? Quarantine, string? ReleasedAs);

    private readonly Dictionary<string, Guid> folders = new(StringComparer.Ordinal) { [""] = folderId };

    public async Task<IReadOnlyList<FileOutcome>> RunAsync(TimeSpan wait, CancellationToken ct)
    {
        var files = Walk(root).ToList();
        var outcomes = new List<FileOutcome>(files.Count);
        var open = new List<(int Index, Guid Id)>();
        using (var progress = ProgressBar.Count(call.Error, "sluice", files.Count, "files"))
        {
            for (var i = 0; i < files.Count; i++)
            {
                var relative = Path.GetRelativePath(root, files[i]);
                outcomes.Add(await SendAsync(files[i], relative, ct));
                if (outcomes[i] is { State: "Pending", Quarantine: { } id }) open.Add((i, id));
                progress.Report(i + 1);
            }
            progress.Complete();
        }
        var deadline = DateTime.UtcNow + wait;
        var api = SluiceCommand.Api(documents);
        while (open.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            for (var k = open.Count - 1; k >= 0; k--)
            {
                var item = await call.Client.GetAsync<SluiceItem>($"{api}/{open[k].Id}", ct);
                if (item.State == "Pending") continue;
                outcomes[open[k].Index] = Outcome(outcomes[open[k].Index].Path, item);
                open.RemoveAt(k);
            }
        }
        return outcomes;
    }

    public async Task PrintAsync(IReadOnlyList<FileOutcome> report)
    {
        foreach (var r in report)
            await call.Output.WriteLineAsync($"{r.State.ToUpperInvariant(),-9} {r.Path}" + (r.ReleasedAs is { } a ? $" (as {a})" : "") +
                                             (r.Reason is { } reason && r.State != "Released" ? $": {reason}{(r.Detail is { } d ? " - " + d : "")}" : ""));
        var counts = report.GroupBy(r => r.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}");
        await call.Output.WriteLineAsync($"{report.Count} files: {string.Join(", ", counts)}.");
    }

    private async Task<FileOutcome> SendAsync(string path, string relative, CancellationToken ct)
    {
        try
        {
            var parent = await FolderOfAsync(Path.GetDirectoryName(relative) ?? "", ct);
            await using var source = LocalFiles.OpenRead(path);
            var name = Path.GetFileName(path);
            var upload = await call.Client.UploadToSluiceAsync($"{documents.Api}?folder={parent}", source, source.Length, name,
                LocalFiles.MediaTypeOf(name), ct);
            if (upload.Item is { } item) return Outcome(relative, item);
            return new FileOutcome(relative, "Released", null, null, upload.QuarantineId, upload.Document!.Name);
        }
        catch (CommandException e)
        {
            // A blocked file (the server names the reason), a name taken, an unreadable file: reported, the scan goes on.
            return new FileOutcome(relative, e.Message.Contains("sluice blocked", StringComparison.Ordinal) ? "Blocked" : "Failed", null, e.Message, null, null);
        }
    }

    private static FileOutcome Outcome(string path, SluiceItem item)
    {
        var deciding = item.Checks.FirstOrDefault(c => c.Code == item.Reason);
        return new FileOutcome(path, item.State, item.Waiting ?? item.Reason, deciding?.Detail, item.Id,
            item.Released.Count > 0 ? string.Join(", ", item.Released.Select(r => $"{r.Name} {r.As}")) : null);
    }

    /// <summary>The folder for a directory of the medium: found, or created below its parent.</summary>
    private async Task<Guid> FolderOfAsync(string relativeDirectory, CancellationToken ct)
    {
        if (folders.TryGetValue(relativeDirectory, out var known)) return known;
        var parent = await FolderOfAsync(Path.GetDirectoryName(relativeDirectory) ?? "", ct);
        var name = Path.GetFileName(relativeDirectory);
        var existing = (await documents.FoldersAsync(ct)).FirstOrDefault(f => f.ParentId == parent && f.Name == name);
        var id = existing?.Id ?? (await call.Client.PostAsync<DocFolder>($"{documents.Api}/folders", new { name, parentId = parent }, ct)).Id;
        folders[relativeDirectory] = id;
        return id;
    }

    /// <summary>Regular files below <paramref name="directory"/>, in a stable order; links and special files are left alone.</summary>
    private static IEnumerable<string> Walk(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var file in Directory.EnumerateFiles(directory, "*", options).Order(StringComparer.Ordinal)) yield return file;
        foreach (var sub in Directory.EnumerateDirectories(directory, "*", options).Order(StringComparer.Ordinal))
        foreach (var file in Walk(sub))
            yield return file;
    }
}
