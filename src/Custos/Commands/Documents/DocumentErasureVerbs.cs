using System.CommandLine;

namespace Custos.Commands.Documents;

/// <summary>
/// erase, erasures, erasure: GDPR erasure requests (Art. 17/18). The server erases each document no retention or legal hold
/// keeps (its keys destroyed), restricts the others until their retention ends, refuses what the requester may not manage,
/// and keeps a report of every outcome.
/// </summary>
internal static class DocumentErasureVerbs
{
    /// <summary>The most documents one request names (as the server counts them).</summary>
    private const int MaxDocuments = 1000;

    /// <summary>
    /// Who answers the confirmation instead of the terminal, in this async flow only (for tests): the typed answer, or null
    /// for "no terminal". Unset: the terminal.
    /// </summary>
    internal static readonly AsyncLocal<Func<string, string?>?> Answer = new();

    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return Erase(verbs);
        yield return Erasures(verbs);
        yield return Erasure(verbs);
    }

    private static Command Erase(DocumentVerbs verbs)
    {
        var named = new Argument<string[]>("document")
        {
            Description = "Documents to erase: Folder/Sub/Name, a name alone (when no other document has it), or an id.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var words = new Option<string?>("--search") { Description = "Also every document these words find (as `custos doc search WORDS` does).", HelpName = "WORDS" };
        var filters = new SearchFilters();
        var reason = new Option<string>("--reason")
        {
            Description = "Whose request, about which data (kept with the report and in the audit log; at most 1,000 characters).", Required = true,
        };
        var restrictTo = new Option<string?>("--restrict-to")
        {
            Description = "The group whose members may still see the documents that must be kept (restricted); default: nobody.", HelpName = "GROUP",
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not list the documents and ask first (needed where there is no terminal)." };
        var json = DocumentBrowseVerbs.Json();
        var command = verbs.Verb("erase", "Erase documents for a GDPR erasure request (needs Manage on each): those that no retention or legal " +
                                          "hold keeps are destroyed for good; the others are restricted (hidden, unchangeable) and erased when " +
                                          "retention ends. Lists the documents and asks first unless --yes. Exit 1 if any document was refused.",
            [named, words, .. filters.Options, reason, restrictTo, yes, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var criteria = await filters.ResolveAsync(call, documents, call.Get(words), ct);
            var given = call.Get(named) ?? [];
            object request;
            if (call.Get(yes))
            {
                var ids = new List<Guid>();
                foreach (var text in given) ids.Add(await documents.DocumentIdAsync(text, ct));
                request = new { documents = ids, search = criteria.IsEmpty ? null : criteria.Body(), reason = call.Get(reason), restrictTo = call.Get(restrictTo) };
            }
            else
            {
                var chosen = await ChooseAsync(call, documents, given, criteria, ct);
                if (chosen.Count == 0) throw new CommandException("No document to erase: the names and the search find none.");
                await call.Error.WriteLineAsync($"These {chosen.Count} documents will be erased, or restricted where retention or a legal hold " +
                                                "keeps them (erasure cannot be undone):");
                foreach (var (id, path) in chosen) await call.Error.WriteLineAsync($"  {id}  {path}");
                var answer = Ask(call.Error, $"Erase {(chosen.Count == 1 ? "it" : $"these {chosen.Count} documents")}? Type 'yes' to go ahead: ");
                if (answer is null)
                    throw new CommandException("Not erased: there is no terminal to confirm on. Check the list, then run the command again with --yes.");
                if (!string.Equals(answer.Trim(), "yes", StringComparison.OrdinalIgnoreCase)) throw new CommandException("Not erased.");
                // Exactly the documents confirmed: a search sent along would run again and might find more.
                request = new { documents = chosen.Select(c => c.Id).ToList(), reason = call.Get(reason), restrictTo = call.Get(restrictTo) };
            }
            var report = await call.Client.PostAsync<DocErasureReport>($"{documents.Api}/erasures", request, ct);
            if (call.Get(json)) await call.PrintJsonAsync(report);
            else await WriteReportAsync(call.Output, report);
            return report.Refused > 0 ? CustosCommandLine.Failure : CustosCommandLine.Success;
        });
        command.Validators.Add(r =>
        {
            if (r.GetResult(named) is not { Tokens.Count: > 0 } && string.IsNullOrWhiteSpace(r.GetValue(words)) && !filters.AnyGiven(r))
                r.AddError("Name the documents, or say which to find with --search or the other criteria.");
            if (r.GetValue(reason) is { } why && string.IsNullOrWhiteSpace(why)) r.AddError("--reason must say whose request it is and which data.");
        });
        return command;
    }

    /// <summary>The documents named and the ones the search finds, each once, with their paths; refuses a search that finds too many.</summary>
    private static async Task<List<(Guid Id, string Path)>> ChooseAsync(DocumentCall call, DocumentTenant documents, IReadOnlyList<string> given,
        SearchCriteria criteria, CancellationToken ct)
    {
        var chosen = new List<(Guid Id, string Path)>();
        foreach (var text in given)
        {
            var found = await documents.FindDocumentAsync(text, ct);
            if (chosen.All(c => c.Id != found.Id)) chosen.Add((found.Id, $"{await documents.PathOfAsync(found.FolderId, ct)}/{found.Name}"));
        }
        if (!criteria.IsEmpty)
        {
            var result = await documents.SearchAsync(criteria.Query(MaxDocuments), ct);
            if (result.Truncated) throw new CommandException($"The search finds more than {MaxDocuments} documents; narrow it down.");
            if (result.Pending > 0 && criteria.Text is not null)
                await call.Error.WriteLineAsync($"warning: {result.Pending} documents are not yet indexed; the words may be in some of them too.");
            foreach (var hit in result.Hits.Where(h => chosen.All(c => c.Id != h.Document.Id))) chosen.Add((hit.Document.Id, DocumentSearchVerbs.PathOf(hit)));
        }
        if (chosen.Count > MaxDocuments) throw new CommandException($"One request names at most {MaxDocuments} documents.");
        return chosen;
    }

    /// <summary>The operator's answer at the terminal; null when standard input is no terminal (a script, a pipe).</summary>
    private static string? Ask(TextWriter prompt, string question)
    {
        if (Answer.Value is { } answering)
        {
            var answer = answering(question);
            if (answer is not null) prompt.WriteLine(question + answer);
            return answer;
        }
        if (Console.IsInputRedirected) return null;
        prompt.Write(question);
        prompt.Flush();
        return Console.ReadLine() ?? "";
    }

    private static Command Erasures(DocumentVerbs verbs)
    {
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("erasures", "List the erasure requests you made (all of the tenant's if you manage its documents), newest first.", [json],
            async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var all = await call.Client.GetAsync<List<DocErasureReport>>($"{documents.Api}/erasures", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(new { erasures = all.Select(r => new
            {
                r.Id, r.Reason, r.Query, r.RequestedBy, r.CreatedAt, r.Erased, r.Restricted, r.Refused,
            }) });
            foreach (var r in all)
            {
                await call.Output.WriteLineAsync($"{r.Id}  {DocumentBrowseVerbs.Time(r.CreatedAt)}  by {r.RequestedBy}: {Totals(r)}  " +
                                                 $"reason: {r.Reason}" + (r.Query is { } q ? $"  search: {q}" : ""));
            }
            if (all.Count == 0) await call.Error.WriteLineAsync("(no erasure requests)");
            return CustosCommandLine.Success;
        });
    }

    private static Command Erasure(DocumentVerbs verbs)
    {
        var id = new Argument<Guid>("id") { Description = "The request's id ('custos doc erasures' lists them)." };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("erasure", "Show the report of an erasure request: each document's outcome and why, and the checksums of what was erased.",
            [id, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var report = await call.Client.GetAsync<DocErasureReport>($"{documents.Api}/erasures/{call.Get(id)}", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(report);
            await WriteReportAsync(call.Output, report);
            return CustosCommandLine.Success;
        });
    }

    private static string Totals(DocErasureReport r) => $"{r.Erased} erased, {r.Restricted} restricted, {r.Refused} refused";

    private static async Task WriteReportAsync(TextWriter output, DocErasureReport report)
    {
        await output.WriteLineAsync($"Erasure request {report.Id}, {DocumentBrowseVerbs.Time(report.CreatedAt)}, by {report.RequestedBy}");
        await output.WriteLineAsync($"  reason: {report.Reason}");
        if (report.Query is { } q) await output.WriteLineAsync($"  search: {q}");
        if (report.RestrictedTo is { } g) await output.WriteLineAsync($"  restricted documents visible to: {g}");
        foreach (var item in report.Items ?? [])
        {
            // A restricted document the retention sweep has erased since: the report says both.
            var since = item is { Outcome: "restricted", ErasedAt: { } erasedAt } ? $", erased {DocumentBrowseVerbs.Time(erasedAt)}" : "";
            await output.WriteLineAsync($"{item.Outcome.ToUpperInvariant(),-10}  {item.Name} ({item.DocumentId}){since}");
            await output.WriteLineAsync($"            {item.Detail}");
            if (item.RestrictedUntil is { } until) await output.WriteLineAsync($"            restricted until {DocumentRetentionVerbs.Date(until)}");
            // "1:HEX,2:HEX": the checksum of each version destroyed.
            foreach (var sum in (item.Sha256 ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var colon = sum.IndexOf(':');
                await output.WriteLineAsync(colon > 0 ? $"            v{sum[..colon]} sha256 {sum[(colon + 1)..]}" : $"            sha256 {sum}");
            }
        }
        await output.WriteLineAsync($"{Totals(report)}.");
    }
}
