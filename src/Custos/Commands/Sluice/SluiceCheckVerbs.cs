using System.CommandLine;
using Custos.Commands.Documents;

namespace Custos.Commands.Sluice;

/// <summary>check (one file, nothing stored) and scan (a directory tree into a folder, the kiosk for removable media).</summary>
internal static class SluiceCheckVerbs
{
    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return Check(verbs);
        yield return Scan(verbs);
    }

    private sealed record CheckAnswer(string FileName, long Size, string Sha256, string Kind, string Verdict, string Reason, string? Engine,
        IReadOnlyList<SluiceCheck> Checks);

    private static Command Check(DocumentVerbs verbs)
    {
        var file = new Argument<string>("file") { Description = "The file to check." };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("check", "Print the sluice's verdict on one file (type, archives, virus scan, active content) without storing it. " +
                                   "Exit code 0 when it would pass, 1 when it would be blocked or need a reviewer.", [file, json], async (call, ct) =>
        {
            var path = call.Get(file)!;
            await using var source = LocalFiles.OpenRead(path);
            var documents = await call.DocumentsAsync(ct);
            var name = Path.GetFileName(path);
            var answer = await call.Client.PostFileAsync<CheckAnswer>($"{SluiceCommand.Api(documents)}/check?name={Uri.EscapeDataString(name)}", source,
                source.Length, ct);
            if (call.Get(json)) await call.PrintJsonAsync(answer);
            else
            {
                await call.Output.WriteLineAsync($"{answer.FileName}: {answer.Verdict.ToUpperInvariant()} ({answer.Kind}, {ByteSize.Format(answer.Size)}, " +
                                                 $"SHA-256 {answer.Sha256})");
                foreach (var c in answer.Checks) await call.Output.WriteLineAsync(SluiceCommand.Line(c));
                if (answer.Engine is not null) await call.Output.WriteLineAsync($"  virus scanner: {answer.Engine}");
                if (answer.Verdict == "pending") await call.Output.WriteLineAsync("  The virus scanner could not be reached: no verdict.");
            }
            return answer.Verdict == "pass" ? CustosCommandLine.Success : CustosCommandLine.Failure;
        });
    }

    private static Command Scan(DocumentVerbs verbs)
    {
        var directory = new Argument<string>("directory") { Description = "The directory to bring in (a mounted medium); read, never changed." };
        var to = new Option<string>("--to")
        {
            Description = "Where released files go: TENANT:FOLDER (tenant name or id, folder path or id). Subdirectories become subfolders.",
            Required = true,
        };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for verdicts that are still open after the upload.", DefaultValueFactory = _ => 600 };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("scan", "Bring every file of a directory through the sluice into a folder (kiosk for removable media), with progress and a " +
                                  "report. Exit code 0 when every file was released.", [directory, to, wait, json], async (call, ct) =>
        {
            var root = Path.GetFullPath(call.Get(directory)!);
            if (!Directory.Exists(root)) throw new CommandException($"'{root}' is not a directory.");
            var target = call.Get(to)!;
            var colon = target.IndexOf(':');
            if (colon <= 0 || colon == target.Length - 1) throw new CommandException("--to is TENANT:FOLDER, e.g. \"Acme GmbH:Eingang/USB\".");
            var documents = await DocumentTenant.OpenAsync(call.Client, target[..colon], ct);
            var folder = await documents.FolderAsync(target[(colon + 1)..], ct);
            var scan = new SluiceScan(call, documents, folder.Id, root);
            var report = await scan.RunAsync(TimeSpan.FromSeconds(Math.Max(0, call.Get(wait))), ct);
            if (call.Get(json)) await call.PrintJsonAsync(report);
            else await scan.PrintAsync(report);
            return report.All(r => r.State == "Released") ? CustosCommandLine.Success : CustosCommandLine.Failure;
        });
    }
}
