using System.CommandLine;
using System.Globalization;
using Custos.Commands.Documents;

namespace Custos.Commands.Sharing;

/// <summary>ls, show, log, revoke, expiry, handover: the links one has made (a tenant's managers: all of its links).</summary>
internal static class ShareManageVerbs
{
    public static IEnumerable<Command> Create(DocumentVerbs verbs)
    {
        yield return List(verbs);
        yield return Show(verbs);
        yield return Log(verbs);
        yield return Change(verbs, "revoke", "End a link now: its URL answers 'not available' from the next request on, a running download included.",
            [], (call, _) => ("revoke", new { }));
        var when = ShareExpiry.Argument("The new end (7d or 12h: from now, by this machine's clock): earlier at will, later only up to the link's maximum.");
        yield return Change(verbs, "expiry", "Move a link's expiry (to end it early, say).", [when],
            (call, now) => ("expiry", new { expiresAt = call.Get(when)!.From(now) }));
        var note = new Argument<string>("note") { Description = "How the password reached the recipient (at most 300 characters)." };
        yield return Change(verbs, "handover", "Record how a link's password was passed on (\"told by phone to Ms Muster\").", [note],
            (call, _) => ("handover", new { note = call.Get(note) }));
    }

    private static Command List(DocumentVerbs verbs)
    {
        var all = new Option<bool>("--all") { Description = "All of the tenant's links, whoever made them (the tenant's managers)." };
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("ls", "List your links, newest first (with --all: the tenant's).", [all, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var links = await call.Client.GetAsync<List<ShareInfo>>(ShareCommand.Api(documents) + (call.Get(all) ? "?all=true" : ""), ct);
            if (call.Get(json)) return await call.PrintJsonAsync(links);
            if (links.Count == 0)
            {
                await call.Error.WriteLineAsync($"(no links in {documents.Name}{(call.Get(all) ? "" : " made by you")}; 'custos share create' makes one)");
                return CustosCommandLine.Success;
            }
            var shortId = ShareIds.Shortener(links.Select(l => l.Id).ToList());
            var rows = links.Select(l => new[]
            {
                shortId(l.Id), l.Kind.ToLowerInvariant(), State(l.State), l.Recipient ?? "-",
                l.ExpiresAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Use(l), l.CreatedByName,
            }).ToList();
            await TextTable.WriteAsync(call.Output, ["ID", "KIND", "STATE", "RECIPIENT", "EXPIRES (UTC)", "USED", "CREATED BY"], rows);
            return CustosCommandLine.Success;
        });
    }

    private static Command Show(DocumentVerbs verbs)
    {
        var id = ShareIds.Argument();
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("show", "A link: its state, files or folder, expiry, password handover, downloads or uploads.", [id, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var api = ShareCommand.Api(documents);
            var link = await call.Client.GetAsync<ShareInfo>($"{api}/{await ShareIds.ResolveAsync(call.Client, api, call.Get(id)!, ct)}", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(link);
            await PrintAsync(call, documents, link, ct);
            return CustosCommandLine.Success;
        });
    }

    private static Command Log(DocumentVerbs verbs)
    {
        var id = ShareIds.Argument();
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb("log", "A link's log: every visit, password attempt, download and upload, per recipient (visitor).", [id, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var api = ShareCommand.Api(documents);
            var events = await call.Client.GetAsync<List<ShareEvent>>($"{api}/{await ShareIds.ResolveAsync(call.Client, api, call.Get(id)!, ct)}/log", ct);
            if (call.Get(json)) return await call.PrintJsonAsync(events);
            if (events.Count == 0)
            {
                await call.Error.WriteLineAsync("(nobody has opened this link yet)");
                return CustosCommandLine.Success;
            }
            var rows = events.Select(e => new[]
            {
                e.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Visitor, e.Kind + (e.Name is { } n ? $" {n}" : ""),
                e.ClientAddress ?? "-", e.Kind is "download" or "upload" ? ByteSize.Format(e.Bytes) : "",
                e.Completed switch { true => "yes", false => "no", null when e.Kind is "download" or "upload" => "running", null => "" },
                UserAgents.Short(e.UserAgent),
            }).ToList();
            await TextTable.WriteAsync(call.Output, ["TIME (UTC)", "VISITOR", "KIND", "ADDRESS", "BYTES", "COMPLETED", "USER AGENT"], rows, 4);
            return CustosCommandLine.Success;
        });
    }

    /// <summary>A change to one link (POST {api}/{id}/{action}), then the link as it is now.</summary>
    private static Command Change(DocumentVerbs verbs, string name, string description, IEnumerable<Symbol> more,
        Func<DocumentCall, DateTimeOffset, (string Action, object Body)> request)
    {
        var id = ShareIds.Argument();
        var json = DocumentBrowseVerbs.Json();
        return verbs.Verb(name, description, [id, .. more, json], async (call, ct) =>
        {
            var documents = await call.DocumentsAsync(ct);
            var api = ShareCommand.Api(documents);
            var target = await ShareIds.ResolveAsync(call.Client, api, call.Get(id)!, ct);
            var (action, body) = request(call, DateTimeOffset.UtcNow);
            var link = await call.Client.PostAsync<ShareInfo>($"{api}/{target}/{action}", body, ct);
            if (call.Get(json)) return await call.PrintJsonAsync(link);
            return await call.PrintAsync(action switch
            {
                "revoke" => $"Revoked link {link.Id} ({ShareIds.Label(link)}): its URL no longer works.",
                "expiry" => $"Link {link.Id} now ends {DocumentBrowseVerbs.Time(link.ExpiresAt)}" +
                            (link.State == "Active" ? "." : $" and is {State(link.State)}."),
                _ => $"Recorded for link {link.Id}: \"{link.Handover}\" ({link.HandoverBy}, {DocumentBrowseVerbs.Time(link.HandoverAt!.Value)}).",
            });
        });
    }

    private static async Task PrintAsync(DocumentCall call, DocumentTenant documents, ShareInfo s, CancellationToken ct)
    {
        var o = call.Output;
        await o.WriteLineAsync($"Link {s.Id}: {(s.IsUpload ? "upload request" : "download")}, {State(s.State)}");
        if (s.Recipient is { } r) await o.WriteLineAsync($"  recipient: {r}");
        if (s.Message is { } m) await o.WriteLineAsync($"  message:   {m}");
        await o.WriteLineAsync($"  created:   {DocumentBrowseVerbs.Time(s.CreatedAt)} by {s.CreatedByName}");
        await o.WriteLineAsync($"  expires:   {DocumentBrowseVerbs.Time(s.ExpiresAt)} (may move up to {DocumentBrowseVerbs.Time(s.ExpiryCeiling)})");
        if (s.RevokedAt is { } revoked) await o.WriteLineAsync($"  revoked:   {DocumentBrowseVerbs.Time(revoked)} by {s.RevokedBy}");
        if (s.LockedAt is { } locked) await o.WriteLineAsync($"  locked:    {DocumentBrowseVerbs.Time(locked)}, after {s.FailedPasswords} wrong passwords");
        if (!s.HasPassword) await o.WriteLineAsync("  password:  none");
        else if (s.Handover is { } h) await o.WriteLineAsync($"  password:  passed on: \"{h}\" (recorded by {s.HandoverBy}, {DocumentBrowseVerbs.Time(s.HandoverAt!.Value)})");
        else await o.WriteLineAsync($"  password:  handover not recorded yet: custos share handover {s.Id} \"told by phone to …\"");
        if (s.FailedPasswords > 0 && s.LockedAt is null) await o.WriteLineAsync($"  wrong passwords: {s.FailedPasswords}");
        if (s.IsUpload)
        {
            await o.WriteLineAsync($"  folder:    {await ShareCreateVerbs.FolderLabelAsync(documents, s.FolderId!.Value, ct)}");
            await o.WriteLineAsync($"  received:  {s.UploadedFiles} of {s.MaxFiles} files, {ByteSize.Format(s.UploadedBytes)} of {ByteSize.Format(s.MaxBytes ?? 0)}");
        }
        else
        {
            await o.WriteLineAsync($"  downloads: {s.Downloads}{(s.DownloadLimit is { } l ? $" of {l}" : "")}" +
                                   (s.NotifyOnFirstDownload ? " (you are notified at the first)" : ""));
            if (s.Sensitive) await o.WriteLineAsync("  sensitive: the recipient gets one encrypted package");
            foreach (var f in s.Items)
                await o.WriteLineAsync($"  file:      {f.Name}" + (f.VersionNumber is { } v ? $" (version {v})" : "") + $", {ByteSize.Format(f.Size)}, SHA-256 {f.Sha256}");
        }
        if (s.EndedAt is { } ended) await o.WriteLineAsync($"  ended:     {DocumentBrowseVerbs.Time(ended)} ({s.EndReason})");
    }

    /// <summary>"active", "limit reached": the state in words.</summary>
    private static string State(string state) => state == "LimitReached" ? "limit reached" : state.ToLowerInvariant();

    /// <summary>Downloads of a download link ("3/10", or "3" without a limit), files received by an upload request ("2/20 files").</summary>
    private static string Use(ShareInfo s) =>
        s.IsUpload ? $"{s.UploadedFiles}/{s.MaxFiles} files" : s.DownloadLimit is { } limit ? $"{s.Downloads}/{limit}" : s.Downloads.ToString(CultureInfo.InvariantCulture);
}
