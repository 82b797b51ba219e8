using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Custos.Commands.Documents;

/// <summary>
/// label, classes, hold, release, tag: how long a document is kept (TOM 7.5), what keeps it beyond that (legal holds), and
/// the tags it is found by. The server decides every right (labels and holds need Manage, tags Write) and records every step.
/// </summary>
internal static class DocumentRetentionVerbs
{
    /// <summary>The --class value that removes a document's own label (the folder's default applies again).</summary>
    private const string NoClass = "none";

    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return Label(verbs);
        yield return Classes(verbs);
        yield return Hold(verbs);
        yield return Release(verbs);
        yield return Tag(verbs);
    }

    /// <summary>A date option in the one form that cannot be misread: YYYY-MM-DD.</summary>
    public static Option<DateOnly?> DateOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "YYYY-MM-DD",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            result.AddError($"{name} takes a date as YYYY-MM-DD, not '{text}'.");
            return null;
        },
    };

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"running until 2037-01-01", "expired since ...", "held (retention until ...)": the state and its date in words.</summary>
    public static string State(string state, DateOnly? retainUntil) => (state, retainUntil) switch
    {
        ("running", { } d) => $"running until {Date(d)}",
        ("expired", { } d) => $"expired {Date(d)}",
        (_, { } d) => $"{state} (retention until {Date(d)})",
        _ => state,
    };

    private static Command Label(DocumentVerbs verbs)
    {
        var doc = DocumentBrowseVerbs.Document();
        var cls = new Option<string?>("--class")
        {
            Description = "The retention class (name or id; 'custos doc classes' lists them), or 'none' to remove the document's own label so " +
                          "that its folder's default applies.",
            HelpName = "NAME|ID|none",
        };
        var date = DateOption("--date", "The document date retention counts from (e.g. an invoice's date); default: unchanged.");
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("label", "Set a document's retention class and/or document date (needs Manage), and show its retention: the class that " +
                                   "applies and the first day it may be deleted. A running retention is never shortened. Without --class and " +
                                   "--date: only show it.", [doc, cls, date, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var found = await documents.FindDocumentAsync(call.Get(doc)!, ct);
            var className = call.Get(cls);
            var documentDate = call.Get(date);
            if (className is null && documentDate is null)
            {
                var hit = await documents.StateOfAsync(found, null, ct)
                          ?? throw new CommandException($"The server does not report the retention of {found.Name}.");
                if (call.Get(json))
                    return await call.PrintJsonAsync(new { found.Id, found.Name, hit.ClassName, hit.RetainUntil, hit.RetentionState, hit.Tags });
                var state = (hit.ClassName, hit.RetentionState) switch
                {
                    (null, "none") => "no retention class",
                    (null, _) => $"no retention class, {State(hit.RetentionState, hit.RetainUntil)}",
                    _ => $"class {hit.ClassName}, {State(hit.RetentionState, hit.RetainUntil)}",
                };
                var tagged = hit.Tags is { Count: > 0 } t ? $" Tags: {string.Join(", ", t)}." : "";
                return await call.PrintAsync($"{found.Name} ({found.Id}): {state}.{tagged}");
            }

            Guid? classId;
            if (className is null) classId = await OwnLabelAsync(documents, found, ct);
            else if (string.Equals(className.Trim(), NoClass, StringComparison.OrdinalIgnoreCase)) classId = null;
            else classId = (await documents.RetentionClassAsync(className, ct)).Id;
            var labelled = await call.Client.PutAsync<DocRetention>($"{documents.Api}/{found.Id}/label", new { classId, documentDate }, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(new { found.Id, found.Name, labelled.LabelId, labelled.ClassId, labelled.ClassName,
                labelled.DocumentDate, labelled.RetainUntil, labelled.ReviewDue });
            var applies = labelled switch
            {
                { ClassName: null } => "no retention class applies",
                { LabelId: null } => $"class {labelled.ClassName} (the folder's default)",
                _ => $"class {labelled.ClassName}",
            };
            var until = labelled.RetainUntil is { } u ? $"kept until {Date(u)} (the first day it may be deleted)" : "no retention";
            return await call.PrintAsync($"Labelled {found.Name} ({found.Id}): {applies}, document date {Date(labelled.DocumentDate)}, {until}." +
                                         (labelled.ReviewDue ? " A review is due." : ""));
        });
    }

    /// <summary>
    /// The document's own label, which a date change must keep (the API sets both at once): the class the search reports
    /// is its own when the search for that label finds it, otherwise the folder's default.
    /// </summary>
    private static async Task<Guid?> OwnLabelAsync(DocumentTenant documents, DocInfo document, CancellationToken ct)
    {
        var hit = await documents.StateOfAsync(document, null, ct);
        if (hit?.ClassName is not { } name) return null;
        var cls = (await documents.RetentionClassesAsync(ct)).FirstOrDefault(c => c.Name == name);
        if (cls is null) return null;
        return await documents.StateOfAsync(document, cls.Id, ct) is null ? null : cls.Id;
    }

    private static Command Classes(DocumentVerbs verbs)
    {
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("classes", "List the retention classes a document can be labelled with: name, years, what happens when retention ends.",
            [json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var all = await documents.RetentionClassesAsync(ct);
            if (call.Get(json)) return await call.PrintJsonAsync(new { classes = all });
            foreach (var c in all)
            {
                var then = c.Action == "Review" ? "then review" : "then delete";
                await call.Output.WriteLineAsync($"{c.Id}  {c.Name,-30} {c.Years,3} years, {then}" + (c.KeepVersions ? ", keeps all versions" : "") +
                                                 (c.Description is { } d ? $"  {d}" : ""));
            }
            if (all.Count == 0) await call.Error.WriteLineAsync("(no retention classes; an administrator creates them)");
            return CustosCommandLine.Success;
        });
    }

    private static Command Hold(DocumentVerbs verbs)
    {
        var target = new Argument<string?>("document-or-folder")
        {
            Description = "What the hold covers: a folder (Folder/Sub or id; with everything below it) or a document (Folder/Sub/Name, its name " +
                          "alone, or its id).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var reason = new Option<string?>("--reason") { Description = "Why it is held (e.g. the case or the authority's request); at most 1,000 characters." };
        var owner = new Option<string?>("--owner") { Description = "Who answers for the hold and decides its release (a person or department)." };
        var list = new Option<bool>("--list") { Description = "List the holds on what you manage instead of placing one." };
        var released = new Option<bool>("--released") { Description = "With --list: also released holds." };
        var json = DocumentBrowseVerbs.Json();
        var command = verbs.Verb("hold", "Place a legal hold on a document or a folder (needs Manage): nothing it covers can be deleted, by anyone " +
                                         "or by retention, until the hold is released. With --list: the holds.",
            [target, reason, owner, list, released, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            if (call.Get(list)) return await ListHoldsAsync(call, documents, call.Get(released), call.Get(json), ct);
            var (documentId, folderId, label) = await documents.FolderOrDocumentAsync(call.Get(target)!, ct);
            var hold = await call.Client.PostAsync<DocHold>($"{documents.Api}/holds",
                new { documentId, folderId, reason = call.Get(reason), owner = call.Get(owner) }, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(hold);
            return await call.PrintAsync($"Placed legal hold {hold.Id} on {label}, owner {hold.Owner}. Release it with 'custos doc release {hold.Id}'.");
        });
        command.Validators.Add(r =>
        {
            var listing = r.GetValue(list);
            var given = r.GetResult(target) is { Tokens.Count: > 0 };
            if (listing && (given || r.GetResult(reason) is { Implicit: false } || r.GetResult(owner) is { Implicit: false }))
                r.AddError("--list takes no document or folder, --reason or --owner.");
            else if (!listing && r.GetResult(released) is { Implicit: false })
                r.AddError("--released goes with --list.");
            else if (!listing && (!given || string.IsNullOrWhiteSpace(r.GetValue(reason)) || string.IsNullOrWhiteSpace(r.GetValue(owner))))
                r.AddError("A hold needs the document or folder, --reason and --owner (or use --list).");
        });
        return command;
    }

    private static async Task<int> ListHoldsAsync(DocumentCall call, DocumentTenant documents, bool released, bool json, CancellationToken ct)
    {
        var holds = await call.Client.GetAsync<List<DocHold>>($"{documents.Api}/holds" + (released ? "?released=true" : ""), ct);
        if (json) return await call.PrintJsonAsync(new { holds });
        foreach (var h in holds)
        {
            var what = h.FolderId is { } f ? $"folder {await documents.PathOfAsync(f, ct)}" : $"document {h.TargetName ?? h.DocumentId.ToString()}";
            var state = h.ReleasedAt is { } at ? $"released {DocumentBrowseVerbs.Time(at)} by {h.ReleasedBy}" : "active";
            await call.Output.WriteLineAsync($"{h.Id}  {what}  owner {h.Owner}, since {DocumentBrowseVerbs.Time(h.CreatedAt)}, {state}: {h.Reason}");
        }
        if (holds.Count == 0) await call.Error.WriteLineAsync(released ? "(no legal holds)" : "(no active legal holds)");
        return CustosCommandLine.Success;
    }

    private static Command Release(DocumentVerbs verbs)
    {
        var id = new Argument<Guid>("hold-id") { Description = "The hold's id ('custos doc hold --list' shows them)." };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("release", "Release a legal hold (needs Manage on what it covers); retention applies again as before.", [id, json],
            async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var hold = await call.Client.PostAsync<DocHold>($"{documents.Api}/holds/{call.Get(id)}/release", null, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(hold);
            var what = hold.FolderId is not null ? "folder" : "document";
            return await call.PrintAsync($"Released legal hold {hold.Id} on {what} {hold.TargetName} (owner {hold.Owner}).");
        });
    }

    private static Command Tag(DocumentVerbs verbs)
    {
        var doc = DocumentBrowseVerbs.Document();
        var tags = new Argument<string[]>("tag")
        {
            Description = "The document's tags, replacing those it has (stored in lower case; at most 20, each at most 50 characters, no commas).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var clear = new Option<bool>("--clear") { Description = "Remove all of the document's tags." };
        var json = DocumentBrowseVerbs.Json();
        var command = verbs.Verb("tag", "Set a document's tags (needs Write): they replace the ones it has, and 'custos doc search --tag' finds it by them.",
            [doc, tags, clear, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var found = await documents.FindDocumentAsync(call.Get(doc)!, ct);
            string[] wanted = call.Get(clear) ? [] : call.Get(tags) ?? [];
            var set = await call.Client.PutAsync<List<string>>($"{documents.Api}/{found.Id}/tags", new { tags = wanted }, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(new { found.Id, found.Name, tags = set });
            return await call.PrintAsync(set.Count == 0
                ? $"{found.Name} ({found.Id}) has no tags."
                : $"Tagged {found.Name} ({found.Id}): {string.Join(", ", set)}.");
        });
        command.Validators.Add(r =>
        {
            var given = r.GetResult(tags) is { Tokens.Count: > 0 };
            if (given == r.GetValue(clear)) r.AddError("Give the tags, or --clear to remove them all (not both).");
        });
        return command;
    }
}
