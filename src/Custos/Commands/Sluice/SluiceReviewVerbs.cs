using System.CommandLine;
using Custos.Commands.Documents;

namespace Custos.Commands.Sluice;

/// <summary>show, queue, release, block, policy: following one's uploads and the reviewers' work from the command line.</summary>
internal static class SluiceReviewVerbs
{
    private sealed record PolicyAnswer(IReadOnlyList<string> AllowedKinds, string Release, int KeepOriginalDays, bool IsDefault);

    private sealed record Decision(SluiceItem Item, bool WaitsForSecondReviewer);

    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return Show(verbs);
        yield return Queue(verbs);
        yield return Decide(verbs, "release", "Release a file in review (a second reviewer must agree where a check flagged it).");
        yield return Decide(verbs, "block", "Block a file in quarantine: it is never released.");
        yield return Policy(verbs);
    }

    private static Argument<Guid> Id() => new("id") { Description = "The file's quarantine id." };

    private static Command Show(DocumentVerbs verbs)
    {
        var id = Id();
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("show", "A file in the sluice with its release record (your own uploads; reviewers: any).", [id, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var item = await call.Client.GetAsync<SluiceItem>($"{SluiceCommand.Api(documents)}/{call.Get(id)}", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(item);
            await PrintAsync(call, item);
            return CustosCommandLine.Success;
        });
    }

    private static Command Queue(DocumentVerbs verbs)
    {
        var state = new Option<string?>("--state") { Description = "Only files in this state: pending, review, blocked, released." };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("queue", "The tenant's quarantine queue (reviewers).", [state, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var query = call.Get(state) is { } s ? $"?state={Uri.EscapeDataString(s)}" : "";
            var items = await call.Client.GetAsync<List<SluiceItem>>($"{SluiceCommand.Api(documents)}{query}", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(items);
            foreach (var i in items)
                await call.Output.WriteLineAsync($"{i.Id}  {i.State,-8} {i.FileName}  ({i.UploadedBy}, {i.Waiting ?? i.Reason})");
            return await call.PrintAsync($"{items.Count} files.");
        });
    }

    private static Command Decide(DocumentVerbs verbs, string verb, string description)
    {
        var id = Id();
        var note = new Option<string?>("--note") { Description = "Why (kept in the release record)." };
        return verbs.Verb(verb, description, [id, note], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var decision = await call.Client.PostAsync<Decision>($"{SluiceCommand.Api(documents)}/{call.Get(id)}/{verb}", new { note = call.Get(note) }, ct);
            if (decision.WaitsForSecondReviewer) return await call.PrintAsync($"Released by you; a second reviewer must release {decision.Item.FileName} too.");
            await PrintAsync(call, decision.Item);
            return CustosCommandLine.Success;
        });
    }

    private static Command Policy(DocumentVerbs verbs)
    {
        var release = new Option<string?>("--release") { Description = "What passes out: disarmed (safe copies, default), original, or both." };
        release.AcceptOnlyFromAmong("disarmed", "original", "both");
        var allow = new Option<string?>("--allow") { Description = "Kinds of file allowed in, comma-separated (e.g. pdf,docx,xlsx,png,jpeg,text)." };
        var keep = new Option<int?>("--keep-days") { Description = "Days an original is kept in quarantine after its verdict (default 14)." };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("policy", "Show the tenant's sluice policy, or set it (administrators).", [release, allow, keep, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var api = $"{SluiceCommand.Api(documents)}/policy";
            var change = call.Get(release) is not null || call.Get(allow) is not null || call.Get(keep) is not null;
            var policy = change
                ? await call.Client.PutAsync<PolicyAnswer>(api, new
                {
                    allowedKinds = call.Get(allow)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    release = call.Get(release), keepOriginalDays = call.Get(keep),
                }, ct)
                : await call.Client.GetAsync<PolicyAnswer>(api, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(policy);
            return await call.PrintAsync($"{documents.Name}: release {policy.Release.ToLowerInvariant()}, originals kept {policy.KeepOriginalDays} days, " +
                                         $"allowed: {string.Join(", ", policy.AllowedKinds)}{(policy.IsDefault ? " (server default)" : "")}.");
        });
    }

    private static async Task PrintAsync(DocumentCall call, SluiceItem item)
    {
        await call.Output.WriteLineAsync($"{item.FileName} ({item.Id}): {item.State.ToLowerInvariant()}" +
                                         (item.Waiting is { } w ? $", waiting: {w}" : item.Reason is { } why && item.State != "Released" ? $", reason: {why}" : ""));
        await call.Output.WriteLineAsync($"  uploaded by {item.UploadedBy} at {item.UploadedAt:u}, {ByteSize.Format(item.Size)}, SHA-256 {item.Sha256}");
        foreach (var c in item.Checks) await call.Output.WriteLineAsync(SluiceCommand.Line(c));
        if (item.Engine is not null) await call.Output.WriteLineAsync($"  virus scanner: {item.Engine}");
        if (item.FirstApprover is not null) await call.Output.WriteLineAsync($"  first reviewer: {item.FirstApprover}");
        if (item.DecidedBy is not null) await call.Output.WriteLineAsync($"  decided by {item.DecidedBy} at {item.DecidedAt:u}");
        foreach (var r in item.Released) await call.Output.WriteLineAsync($"  released as {r.Name} ({r.As}, document {r.DocumentId} v{r.Version}, SHA-256 {r.Sha256})");
    }
}
