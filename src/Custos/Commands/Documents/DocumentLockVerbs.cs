using System.CommandLine;

namespace Custos.Commands.Documents;

/// <summary>checkout, cancel: the lock that lets one person change a document while everyone else can still read it (TOM 8.2).</summary>
internal static class DocumentLockVerbs
{
    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return CheckOut(verbs);
        yield return Cancel(verbs);
    }

    private static Command CheckOut(DocumentVerbs verbs)
    {
        var doc = DocumentBrowseVerbs.Document();
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("checkout", "Check a document out (needs Write): nobody else can check it out or add a version until you check in " +
                                      "or cancel.", [doc, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var found = await documents.FindDocumentAsync(call.Get(doc)!, ct);
            var held = await call.Client.PostAsync<DocLock>($"{documents.Api}/{found.Id}/checkout", null, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(new { found.Id, found.Name, held.Holder, held.Since });
            return await call.PrintAsync($"Checked out {found.Name} ({found.Id}) at {DocumentBrowseVerbs.Time(held.Since)}. Add the new version with " +
                                         "'custos doc checkin DOCUMENT FILE', or give the lock back with 'custos doc cancel DOCUMENT'.");
        });
    }

    private static Command Cancel(DocumentVerbs verbs)
    {
        var doc = DocumentBrowseVerbs.Document();
        return verbs.Verb("cancel", "Give back your check-out of a document without adding a version.", [doc], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var found = await documents.FindDocumentAsync(call.Get(doc)!, ct);
            await call.Client.PostAsync<bool>($"{documents.Api}/{found.Id}/cancel-checkout", null, ct);
            return await call.PrintAsync($"Check-out of {found.Name} ({found.Id}) cancelled; it is at version {found.CurrentVersion} as before.");
        });
    }
}
