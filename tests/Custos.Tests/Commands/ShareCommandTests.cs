using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Tests.Infrastructure;
using DocumentCli = Custos.Tests.Commands.DocumentCommandTests.DocumentCli;

namespace Custos.Tests.Commands;

/// <summary>
/// `custos share` against a real server (carol Manage, dave Write, erin Read on tenant Acme's documents), each user
/// with a token of the scopes shares, documents:read and documents:write; the links it prints are opened as a
/// recipient's browser would open them.
/// </summary>
public sealed partial class ShareCommandTests
{
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Create_PrintsTheUrlAndTheRealPassword_TheRecipientDownloads_LogAndLsShowIt_RevokeEndsTheUrl(string kind)
    {
        await using var cli = await StartAsync(kind);
        await cli.OkAsync("carol", "mkdir", "Verträge");
        var content = "Angebot Wartung 2027: 1.200,00 EUR\n"u8.ToArray();
        await cli.PutAsync("dave", "Verträge", "Angebot.txt", content);

        var create = await ShareOkAsync(cli, "dave", "create", "Verträge/Angebot.txt", "--recipient", "Max Muster, Firma X");
        var link = Created.Of(create);
        var id = Guid.Parse(Regex.Match(create, @"link ([0-9a-f-]{36})").Groups[1].Value);

        Assert.StartsWith(new Uri(cli.Setup.Server.Server.HttpsUrl, "s/").ToString(), link.Url);
        Assert.NotNull(link.Password);
        Assert.Contains("Shared Angebot.txt (version 1) for Max Muster, Firma X", create);
        Assert.Contains("shown only now", create);
        Assert.Contains($"custos share handover {id} \"told by phone to", create);

        // The recipient: the page asks for the password; a wrong one does not open it, the printed one does.
        using var browser = Browser(cli);
        var locked = await browser.GetStringAsync(link.Url);
        using var wrong = await EnterPasswordAsync(browser, link.Url, link.Password + "x");
        var stillLocked = await browser.GetStringAsync(link.Url);
        using var right = await EnterPasswordAsync(browser, link.Url, link.Password!);
        var page = await browser.GetStringAsync(link.Url);

        Assert.Contains("share-password-form", locked);
        Assert.DoesNotContain("Angebot.txt", locked);
        Assert.Contains("share-password-error", await wrong.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Angebot.txt", stillLocked);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Contains("Angebot.txt", page);
        var file = Regex.Match(page, @"href=""(/s/[^""]+/files/[0-9a-f-]{36})""").Groups[1].Value;
        Assert.Equal(content, await browser.GetByteArrayAsync(file));

        // The sender sees the visit, both password attempts and the completed download, told apart by visitor and browser.
        var log = await ShareOkAsync(cli, "dave", "log", id.ToString());
        var events = (await ShareJsonAsync(cli, "dave", "log", id.ToString())).EnumerateArray().ToList();
        var address = events[0].GetProperty("clientAddress").GetString()!;
        var visitor = events[0].GetProperty("visitor").GetString()!;

        // (The server's clock stands still in these tests, so the events share one time and their order is not asserted.)
        Assert.Equal(["download", "password.ok", "password.wrong"], events.Select(e => e.GetProperty("kind").GetString()).Where(k => k != "open").Order());
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "open");
        Assert.All(events, e => Assert.Equal(visitor, e.GetProperty("visitor").GetString()));
        var download = Assert.Single(log.Split('\n'), l => l.Contains("download Angebot.txt"));
        Assert.Contains(visitor, download);
        Assert.Contains(address, download);
        Assert.Contains($"{content.Length} bytes", download);
        Assert.Contains("yes", download);
        Assert.Contains("Firefox 128 (Linux)", download);
        Assert.Contains(log.Split('\n'), l => l.Contains("password.wrong") && l.Contains(visitor));

        // ls lists it with a short id that show and revoke take; after revoking, the URL answers 404 like any unknown one.
        var listed = await ShareOkAsync(cli, "dave", "ls");
        var row = Assert.Single(listed.Split('\n'), l => l.Contains("Max Muster"));
        var shortId = row.Split(' ')[0];
        Assert.True(shortId.Length >= 8 && id.ToString().StartsWith(shortId, StringComparison.Ordinal), row);
        Assert.Contains("download", row);
        Assert.Contains("active", row);
        Assert.Contains("dave", row);
        Assert.Contains("handover not recorded", await ShareOkAsync(cli, "dave", "show", shortId));
        await ShareOkAsync(cli, "dave", "handover", shortId, "told by phone to Mr Muster");
        Assert.Contains("\"told by phone to Mr Muster\" (recorded by dave", await ShareOkAsync(cli, "dave", "show", shortId));

        var revoke = await ShareOkAsync(cli, "dave", "revoke", shortId);
        using var after = await browser.GetAsync(link.Url);
        using var fileAfter = await browser.GetAsync(file);

        Assert.Contains($"Revoked link {id}", revoke);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, fileAfter.StatusCode);
        Assert.Contains("revoked", Assert.Single((await ShareOkAsync(cli, "dave", "ls")).Split('\n'), l => l.Contains("Max Muster")));
    }

    [Fact]
    public async Task Refusals_AreClearMessages_WithExitCodes()
    {
        await using var cli = await StartAsync(TestDatabase.Sqlite);
        await cli.OkAsync("carol", "mkdir", "Verträge");
        await cli.PutAsync("dave", "Verträge", "Angebot.txt", "Angebot\n"u8.ToArray());

        var noPassword = await cli.ShareAsync("dave", "create", "Angebot.txt", "--password", "none");
        var tooLate = await cli.ShareAsync("dave", "create", "Angebot.txt", "--expires", "40d");
        var dateTooLate = await cli.ShareAsync("dave", "create", "Angebot.txt", "--expires", DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var badExpiry = await cli.ShareAsync("dave", "create", "Angebot.txt", "--expires", "soon");
        var both = await cli.ShareAsync("dave", "create", "Angebot.txt", "--password", "generate", "--password-file", cli.WriteFile("pw", "x"u8.ToArray()));
        var nothing = await cli.ShareAsync("dave", "create");
        var unknown = await cli.ShareAsync("dave", "create", "Nichts.txt");

        Assert.Equal(1, noPassword.ExitCode);
        Assert.Contains("policy requires a password", noPassword.Error);
        Assert.Equal(1, tooLate.ExitCode);
        Assert.Contains("may not live past", tooLate.Error);
        Assert.Equal(1, dateTooLate.ExitCode);
        Assert.Contains("may not live past", dateTooLate.Error);
        Assert.Equal(2, badExpiry.ExitCode);
        Assert.Contains("--expires takes 7d", badExpiry.Error);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Error);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No document 'Nichts.txt'", unknown.Error);

        // A link made with a shorter expiry and the sender's own password (from a file, never printed) cannot be moved past its maximum.
        var own = cli.WriteFile("own-password", "Sommer-Regen-2026\n"u8.ToArray());
        var created = await ShareOkAsync(cli, "dave", "create", "Angebot.txt", "--expires", "3d", "--password-file", own);
        var id = Regex.Match(created, @"link ([0-9a-f-]{36})").Groups[1].Value;
        var later = await cli.ShareAsync("dave", "expiry", id, "40d");
        var shorter = await ShareOkAsync(cli, "dave", "expiry", id, "2d");
        var shown = await ShareJsonAsync(cli, "dave", "show", id);

        Assert.Contains("password: yours", created);
        Assert.DoesNotContain("Sommer-Regen-2026", created);
        Assert.Equal(1, later.ExitCode);
        Assert.Contains("may not live past", later.Error);
        Assert.Contains($"Link {id} now ends", shorter);
        Assert.InRange(shown.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(2).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2).AddMinutes(5));
        Assert.True(shown.GetProperty("hasPassword").GetBoolean());

        // Ids: too short is a usage error, a prefix several links share is refused with their ids, erin sees none of dave's.
        var ids = new List<Guid> { Guid.Parse(id) };
        for (var i = 0; i < 2; i++) ids.Add((await ShareJsonAsync(cli, "dave", "create", "Angebot.txt")).GetProperty("share").GetProperty("id").GetGuid());
        // Ids are time-ordered: of three made within seconds, at least two share their first 8 digits.
        var shared = ids.GroupBy(g => g.ToString("N")[..8]).First(g => g.Count() > 1);
        var ambiguous = await cli.ShareAsync("dave", "show", shared.Key);
        var tooShort = await cli.ShareAsync("dave", "show", shared.Key[..6]);
        var notErins = await cli.ShareAsync("erin", "show", id[..13]);

        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains("fits several links", ambiguous.Error);
        Assert.All(shared, g => Assert.Contains(g.ToString(), ambiguous.Error));
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("first 8 hex digits", tooShort.Error);
        Assert.Equal(1, notErins.ExitCode);
        Assert.Contains("No link whose id starts with", notErins.Error);

        // carol manages Acme's documents: she sees all of its links, and finds dave's by a prefix too; erin may not list them all.
        var all = (await ShareOkAsync(cli, "carol", "ls", "--all")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var carolShows = await ShareOkAsync(cli, "carol", "show", id[..13]);
        var erinAll = await cli.ShareAsync("erin", "ls", "--all");

        Assert.Equal(1 + ids.Count, all.Length);
        Assert.All(all.Skip(1), row => Assert.EndsWith("dave", row));
        Assert.Contains($"Link {id}: download, active", carolShows);
        Assert.Equal(1, erinAll.ExitCode);

        // A token without the scope shares: the server refuses, and the message says which token would do.
        var documentsOnly = await cli.TokenFileAsync("erin", "documents:read");
        var noScope = await cli.WithTokenAsync(documentsOnly, ["share", "ls"]);
        var noToken = await Cli.RunAsync("share", "ls", "--server", cli.Setup.Server.Server.HttpsUrl.ToString(), "--data", cli.Db.DataDirectory);

        Assert.Equal(1, noScope.ExitCode);
        Assert.Contains("lacks the scope shares", noScope.Error);
        Assert.Contains("custos token create --user NAME --scope shares --scope documents:read", noScope.Error);
        Assert.Equal(2, noToken.ExitCode);
        Assert.Contains("--scope shares", noToken.Error);
    }

    [Fact]
    public async Task Request_CreatesAnUploadRequest_WhoseUrlAnswersTheUploadPage_AndTakesAFile()
    {
        await using var cli = await StartAsync(TestDatabase.Sqlite);
        await cli.OkAsync("carol", "mkdir", "Eingang");

        var create = await ShareOkAsync(cli, "dave", "request", "--folder", "Eingang", "--max-files", "3", "--max-size", "5M", "--recipient", "Steuerbüro");
        var link = Created.Of(create);
        var byErin = await cli.ShareAsync("erin", "request", "--folder", "Eingang");

        Assert.StartsWith(new Uri(cli.Setup.Server.Server.HttpsUrl, "u/").ToString(), link.Url);
        Assert.Contains("Upload request into Eingang for Steuerbüro", create);
        Assert.Contains("up to 3 files, 5.0 MB in all", create);
        Assert.Equal(1, byErin.ExitCode);

        using var browser = Browser(cli);
        using var locked = await browser.GetAsync(link.Url);
        using var admitted = await EnterPasswordAsync(browser, link.Url, link.Password!);
        var page = await browser.GetStringAsync(link.Url);

        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("share-password-form", await locked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, admitted.StatusCode);
        Assert.Contains("upload-form", page);

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("Belege 2026\n"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "files", "Belege.txt");
        using var request = new HttpRequestMessage(HttpMethod.Post, link.Url + "/files") { Content = form };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var upload = await browser.SendAsync(request);
        var id = Regex.Match(create, @"link ([0-9a-f-]{36})").Groups[1].Value;

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var shown = await ShareOkAsync(cli, "dave", "show", id);
        Assert.Contains("upload request, active", shown);
        Assert.Contains("folder:    Eingang", shown);
        Assert.Contains("received:  1 of 3 files", shown);
        Assert.Contains("1/3 files", Assert.Single((await ShareOkAsync(cli, "dave", "ls")).Split('\n'), l => l.Contains("Steuerbüro")));
        Assert.Contains("upload Belege.txt", await ShareOkAsync(cli, "dave", "log", id));
    }

    /// <summary>What `share create` and `share request` print once: the URL and the generated password.</summary>
    private sealed partial record Created(string Url, string? Password)
    {
        public static Created Of(string output) =>
            new(UrlLine().Match(output).Groups[1].Value, PasswordLine().Match(output) is { Success: true } m ? m.Groups[1].Value : null);

        [GeneratedRegex(@"URL:\s+(https://\S+)")]
        private static partial Regex UrlLine();

        [GeneratedRegex(@"password: (\S+)\s*$", RegexOptions.Multiline)]
        private static partial Regex PasswordLine();
    }

    /// <summary>The document world whose users' tokens also have the scope shares.</summary>
    private static Task<DocumentCli> StartAsync(string kind) => DocumentCli.StartAsync(kind, "shares");

    private static async Task<string> ShareOkAsync(DocumentCli cli, string user, params string[] args)
    {
        var result = await cli.ShareAsync(user, args);
        Assert.True(result.ExitCode == 0, $"share {string.Join(' ', args)}: exit {result.ExitCode}: {result.Error}");
        return result.Output;
    }

    private static async Task<JsonElement> ShareJsonAsync(DocumentCli cli, string user, params string[] args) =>
        JsonDocument.Parse(await ShareOkAsync(cli, user, [.. args, "--json"])).RootElement;

    /// <summary>A recipient's browser: own cookies, a desktop Firefox's User-Agent.</summary>
    private static HttpClient Browser(DocumentCli cli)
    {
        var browser = cli.Setup.Server.Server.NewBrowser(out _);
        browser.DefaultRequestHeaders.UserAgent.ParseAdd(Firefox);
        return browser;
    }

    /// <summary>Posts the link's password through its page's form, as the recipient's browser does.</summary>
    private static Task<HttpResponseMessage> EnterPasswordAsync(HttpClient browser, string url, string password) =>
        TestServer.PostFormAsync(browser, url, new Dictionary<string, string> { ["password"] = password }, url + "?handler=password&lang=en");
}
