using System.CommandLine;
using System.Globalization;

namespace Custos.Commands.Documents;

/// <summary>search: documents by the words in them and by name, folder, label, tag, author, date and retention state (Read).</summary>
internal static class DocumentSearchVerbs
{
    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return Search(verbs);
    }

    private static Command Search(DocumentVerbs verbs)
    {
        var words = new Argument<string[]>("words")
        {
            Description = "Words to look for in names, tags and the text of text-based documents (all of them must occur).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var filters = new SearchFilters();
        var limit = new Option<int?>("--limit") { Description = "At most this many documents (1 to 1,000; default 100)." };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 1000) r.AddError("--limit is between 1 and 1,000.");
        });
        var json = DocumentBrowseVerbs.Json();
        var command = verbs.Verb("search", "Find documents you can read: by words (the search index, filled in the background), name, folder, " +
                                           "label, tag, author, document date and retention state; every criterion given must hold.",
            [words, .. filters.Options, limit, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var text = call.Get(words) is { Length: > 0 } w ? string.Join(' ', w) : null;
            var criteria = await filters.ResolveAsync(call, documents, text, ct);
            var result = await documents.SearchAsync(criteria.Query(call.Get(limit)), ct);
            if (call.Get(json))
            {
                return await call.PrintJsonAsync(new
                {
                    hits = result.Hits.Select(h => new
                    {
                        h.Document.Id, h.Document.Name, Path = PathOf(h), h.Document.FolderId, Version = h.Document.CurrentVersion, h.Document.Size,
                        h.Document.MediaType, h.Document.ModifiedAt, Lock = h.Document.Lock is { } l ? new { l.Holder, l.Since, l.Mine } : null,
                        Tags = h.Tags ?? [], h.ClassName, h.RetainUntil, h.RetentionState,
                    }),
                    result.Truncated, result.Pending,
                });
            }
            await WriteTableAsync(call.Output, result.Hits);
            await WriteNotesAsync(call.Error, result, text is not null);
            return CustosCommandLine.Success;
        });
        command.Validators.Add(r =>
        {
            if (r.GetResult(words) is not { Tokens.Count: > 0 } && !filters.AnyGiven(r))
                r.AddError("Say what to look for: words, or at least one of " + string.Join(", ", filters.Options.Select(o => o.Name)) + ".");
        });
        return command;
    }

    /// <summary>"Folder/Sub/Name", as the other verbs take a document.</summary>
    public static string PathOf(DocSearchHit hit) => hit.FolderPath.Trim('/') is { Length: > 0 } folder ? $"{folder}/{hit.Document.Name}" : hit.Document.Name;

    /// <summary>One line per document: path, version, size, modified, tags, retention (with its class).</summary>
    public static async Task WriteTableAsync(TextWriter output, IReadOnlyList<DocSearchHit> hits)
    {
        if (hits.Count == 0) return;
        var rows = hits.Select(h => new[]
        {
            PathOf(h), $"v{h.Document.CurrentVersion}", ByteSize.Format(h.Document.Size),
            h.Document.ModifiedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            h.Tags is { Count: > 0 } t ? string.Join(",", t) : "-",
            DocumentRetentionVerbs.State(h.RetentionState, h.RetainUntil) + (h.ClassName is { } c ? $" [{c}]" : ""),
        }).ToList();
        // Sizes right-aligned, so that they compare at a glance.
        await TextTable.WriteAsync(output, ["DOCUMENT", "VER", "SIZE", "MODIFIED (UTC)", "TAGS", "RETENTION"], rows, 2);
    }

    /// <summary>What the table does not say: nothing found, more than shown, documents the words could not be looked for in yet.</summary>
    public static async Task WriteNotesAsync(TextWriter error, DocSearchResult result, bool words)
    {
        if (result.Hits.Count == 0) await error.WriteLineAsync("(no documents found)");
        if (result.Truncated)
            await error.WriteLineAsync($"Only the first {result.Hits.Count} documents are shown; there are more (narrow the search down, or raise --limit).");
        if (result.Pending > 0)
        {
            await error.WriteLineAsync($"{result.Pending} {(result.Pending == 1 ? "document is" : "documents are")} not yet indexed" +
                                       (words ? ": a search for words may miss them until the server has read them." : "."));
        }
    }
}

/// <summary>The criteria `search` and `erase` share, as options; folder and label given by name are resolved to the ids the API takes.</summary>
internal sealed class SearchFilters
{
    public Option<string?> Name { get; } = new("--name") { Description = "A part of the document's name (letter case ignored)." };
    public Option<string?> Folder { get; } = new("--folder") { Description = "Only in this folder and the folders below it (Folder/Sub or id)." };
    public Option<string?> Label { get; } = new("--label") { Description = "Only documents labelled with this retention class (name or id)." };
    public Option<string?> Tag { get; } = new("--tag") { Description = "Only documents with this tag." };
    public Option<string?> Author { get; } = new("--author") { Description = "Only documents of which this user added a version." };
    public Option<DateOnly?> From { get; } = DocumentRetentionVerbs.DateOption("--from", "Only documents dated on or after this day (their document date).");
    public Option<DateOnly?> To { get; } = DocumentRetentionVerbs.DateOption("--to", "Only documents dated on or before this day.");

    public Option<string?> Retention { get; } = CreateRetention();

    public IReadOnlyList<Option> Options => [Name, Folder, Label, Tag, Author, From, To, Retention];

    public bool AnyGiven(System.CommandLine.Parsing.CommandResult result) =>
        Options.Any(o => result.GetResult(o) is { Implicit: false });

    public async Task<SearchCriteria> ResolveAsync(DocumentCall call, DocumentTenant documents, string? text, CancellationToken ct) => new(
        Blank(text), Blank(call.Get(Name)),
        call.Get(Folder) is { } folder ? (await documents.FolderAsync(folder, ct)).Id : null,
        call.Get(Label) is { } label ? (await documents.RetentionClassAsync(label, ct)).Id : null,
        Blank(call.Get(Tag)), Blank(call.Get(Author)), call.Get(From), call.Get(To), call.Get(Retention));

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static Option<string?> CreateRetention()
    {
        var option = new Option<string?>("--retention")
        {
            HelpName = "STATE",
            Description = "Only documents in this retention state: none (no retention), running, expired, review (due for review), held " +
                          "(under a legal hold), restricted (kept after an erasure request).",
        };
        option.AcceptOnlyFromAmong("none", "running", "expired", "review", "held", "restricted");
        return option;
    }
}

/// <summary>Search criteria as the API takes them: a query string for the search, an object for an erasure request.</summary>
internal sealed record SearchCriteria(string? Text, string? Name, Guid? Folder, Guid? Label, string? Tag, string? Author, DateOnly? From, DateOnly? To,
    string? Retention)
{
    public bool IsEmpty => this == new SearchCriteria(null, null, null, null, null, null, null, null, null);

    public string Query(int? limit)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null) parts.Add($"{key}={Uri.EscapeDataString(value)}");
        }
        Add("q", Text);
        Add("name", Name);
        Add("folder", Folder?.ToString());
        Add("label", Label?.ToString());
        Add("tag", Tag);
        Add("author", Author);
        Add("from", From is { } f ? DocumentRetentionVerbs.Date(f) : null);
        Add("to", To is { } t ? DocumentRetentionVerbs.Date(t) : null);
        Add("retention", Retention);
        Add("limit", limit?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>The "search" member of an erasure request (nulls are left out when it is sent).</summary>
    public object Body() => new { text = Text, name = Name, folder = Folder, label = Label, tag = Tag, author = Author, from = From, to = To, retention = Retention };
}
