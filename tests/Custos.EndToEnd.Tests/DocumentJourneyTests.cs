using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Custos.EndToEnd.Tests;

/// <summary>
/// The document store's "done when", in a browser against the real `./custos serve`: a folder of documents uploaded
/// with its subfolder, a check-out that keeps a Write colleague out (page and API), a check-in whose two versions
/// download with the shown SHA-256, a GoBD label that makes deletion fail with its date, a GDPR erasure request from
/// the search page that erases the unlabelled document (blob gone) and restricts the labelled one, and the audit log
/// that records all of it with its chain intact. Users, groups and grants are set up with the README's commands.
/// </summary>
public sealed class DocumentJourneyTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string Tenant = "Acme";

    /// <summary>The data subject's name: in the call notes and on the invoice, nowhere else.</summary>
    private const string Subject = "Quokkaweiler";

    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"];

    /// <summary>How long the background index may take to make the uploaded text findable: a liveness bound on a loaded machine.</summary>
    private static readonly TimeSpan IndexLimit = TimeSpan.FromSeconds(120);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task FolderUpload_CheckOutKeepsOthersOut_CheckInVersionsDownload_GoBdLabelBlocksDelete_ErasureErasesAndRestricts_AllAudited()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}; test.sh installs it.");
        var (server, _) = await CustosServerProcess.StartAsync();
        using var _ = server;
        var work = Directory.CreateTempSubdirectory("custos-documents-e2e").FullName;
        try
        {
            var data = server.DataDirectory;
            await SetUpOrganisationAsync(data, work);
            var files = await MakeFilesAsync(work);
            Step("users carol (legal: documents manage) and dave (staff: documents write), group dpo, tenant Acme set up with ./custos");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
            var carol = await LoginAsync(browser, server, "carol");
            var dave = await LoginAsync(browser, server, "dave");
            Step("carol and dave logged in");

            // 2. carol creates a folder and uploads a folder of documents into it.
            await carol.GotoAsync(Url(server, "/documents"));
            await carol.Locator("#document-tenants a", new() { HasTextString = Tenant }).ClickAsync();
            await carol.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/documents/", StringComparison.Ordinal));
            var tenantPath = new Uri(carol.Url).AbsolutePath.TrimEnd('/');
            var tenantId = Guid.Parse(tenantPath["/documents/".Length..]);
            var api = $"/api/v1/tenants/{tenantId}/documents";
            await carol.Locator("#folder-name").FillAsync("Kunden");
            await carol.Locator("#document-new-folder button[type=submit]").ClickAsync();
            await carol.WaitForURLAsync(url => url.Contains("folder=", StringComparison.Ordinal));
            Assert.Contains("Kunden", await carol.Locator("#documents-heading").InnerTextAsync());
            await carol.Locator("#document-upload").WaitForAsync(); // shown by documents.js
            await carol.Locator("#document-folder-files").SetInputFilesAsync(files.Folder);
            await carol.WaitForFunctionAsync("n => document.querySelectorAll('#document-uploads li.done').length >= n", files.All.Count);
            await carol.Locator("#document-upload-summary:not([hidden])").WaitForAsync();
            await carol.Locator("#document-tree a", new() { HasTextString = "Akte" }).WaitForAsync(); // the refreshed tree
            var uploadRows = (await carol.Locator("#document-uploads li").AllInnerTextsAsync()).Select(t => t.ReplaceLineEndings(" ")).ToList();
            Assert.Equal(0, await carol.Locator("#document-uploads li.failed").CountAsync());
            Assert.Equal(files.All.Count, uploadRows.Count);
            foreach (var relative in files.All.Keys)
                Assert.Contains(uploadRows, row => row.Contains(relative, StringComparison.Ordinal));
            Assert.Equal(1, await carol.Locator("#document-list #documents-empty").CountAsync()); // Kunden itself: only the subfolder

            await carol.Locator("#document-tree a", new() { HasTextString = "Akte" }).ClickAsync();
            await carol.Locator("#documents-heading", new() { HasTextString = "Akte" }).WaitForAsync();
            var akte = await DocumentLinksAsync(carol);
            Assert.Equal(new[] { "contract.txt", "invoice.txt", "notes.txt" }, akte.Keys.Order(StringComparer.Ordinal));
            var akteUrl = carol.Url;
            await carol.Locator("#document-tree a", new() { HasTextString = "anlagen" }).ClickAsync();
            await carol.Locator("#documents-heading", new() { HasTextString = "anlagen" }).WaitForAsync();
            Assert.Equal(new[] { "appendix.txt" }, (await DocumentLinksAsync(carol)).Keys);
            Step($"carol created 'Kunden' and uploaded the folder Akte ({files.All.Count} files, subfolder anlagen) through #document-folder-files: "
                 + string.Join(" | ", uploadRows));

            // 3. carol opens contract.txt and checks it out.
            var contractUrl = Url(server, akte["contract.txt"]);
            var contractId = DocumentIdOf(contractUrl);
            await carol.GotoAsync(akteUrl);
            await carol.Locator("#document-list a", new() { HasTextString = "contract.txt" }).ClickAsync();
            await carol.WaitForURLAsync(contractUrl);
            await carol.Locator("#document-checkout button").ClickAsync();
            await carol.Locator("#document-checkin").WaitForAsync(); // only the lock holder has it; documents.js shows it
            var carolLock = (await carol.Locator("#document-lock").InnerTextAsync()).Trim();
            Assert.Contains("checked out by you", carolLock);
            Step("carol checked out contract.txt: #document-lock reads '" + carolLock + "'");

            // 4. dave sees the lock, has no check-out, and the API refuses his check-in.
            await dave.GotoAsync(contractUrl);
            Assert.Equal(0, await dave.Locator("#document-checkout").CountAsync());
            Assert.Equal(0, await dave.Locator("#document-checkin").CountAsync());
            var daveLock = (await dave.Locator("#document-lock").InnerTextAsync()).Trim();
            Assert.Contains("checked out by carol", daveLock);
            var daveTry = await dave.EvaluateAsync<JsonElement>(
                """
                async url => {
                  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain',
                    'RequestVerificationToken': document.querySelector('input[name="__af"]').value }, body: 'dave was here' });
                  return { status: r.status, body: await r.text() };
                }
                """, $"{api}/{contractId}/versions");
            Assert.True(daveTry.GetProperty("status").GetInt32() == 409, $"dave's check-in: {daveTry}");
            var afterDave = await GetJsonAsync(dave, $"{api}/{contractId}");
            Assert.Equal(200, afterDave.GetProperty("status").GetInt32());
            Assert.Equal(1, afterDave.GetProperty("json").GetProperty("currentVersion").GetInt32());
            Assert.Equal(1, afterDave.GetProperty("json").GetProperty("versions").GetArrayLength());
            Step($"dave: no #document-checkout, lock '{daveLock}', POST …/versions answered 409 ({daveTry.GetProperty("body").GetString()}), still 1 version");

            // 5. carol checks in version 2.
            await carol.Locator("#checkin-file").SetInputFilesAsync(files.ContractV2);
            await carol.Locator("#checkin-comment").FillAsync("Clause 4 amended");
            var reloaded = carol.WaitForResponseAsync(r => r.Url == contractUrl && r.Request.ResourceType == "document");
            await carol.Locator("#checkin-submit").ClickAsync();
            await reloaded;
            await carol.Locator("#document-versions tbody tr").Nth(1).WaitForAsync();
            var versions = (await VersionRowsAsync(carol)).OrderBy(v => v.Number).ToList(); // the page lists the newest first
            Assert.Equal(new[] { 1, 2 }, versions.Select(v => v.Number));
            Assert.Equal(files.Sha256("Akte/contract.txt"), versions[0].Sha256);
            Assert.Equal(Sha256Of(await File.ReadAllBytesAsync(files.ContractV2)), versions[1].Sha256);
            Assert.Contains("Clause 4 amended", versions[1].Text);
            Assert.Contains("carol", versions[1].Text);
            Step($"carol checked in version 2 through #document-checkin; #document-versions: 1 = {versions[0].Sha256[..12]}…, 2 = {versions[1].Sha256[..12]}…");

            // 6. Both versions download with the shown checksum.
            foreach (var v in versions)
            {
                var href = await carol.Locator("#document-versions a[href$='content?version=" + v.Number + "']").GetAttributeAsync("href");
                var response = await carol.Context.APIRequest.GetAsync(Url(server, href!));
                Assert.Equal(200, response.Status);
                var body = await response.BodyAsync();
                Assert.Equal(v.Sha256, Sha256Of(body));
            }
            Step("versions 1 and 2 downloaded; their SHA-256 equals the shown checksums and the uploaded files'");

            // 7. carol labels invoice.txt "GoBD 10 years"; deletion is then refused with the retention date.
            var invoiceUrl = Url(server, akte["invoice.txt"]);
            var invoiceId = DocumentIdOf(invoiceUrl);
            await carol.GotoAsync(invoiceUrl);
            var gobd10 = carol.Locator("#label-class option", new() { HasTextString = "GoBD 10" });
            Assert.Equal(1, await gobd10.CountAsync());
            await carol.Locator("#label-class").SelectOptionAsync(new SelectOptionValue { Value = await gobd10.GetAttributeAsync("value") });
            await carol.Locator("#document-label-form button[type=submit]").ClickAsync();
            await carol.Locator("#retention-state[data-state=running]").WaitForAsync();
            var documentDate = DateOnly.ParseExact(await carol.Locator("#label-date").InputValueAsync(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var retainUntil = new DateOnly(documentDate.Year + 11, 1, 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(retainUntil, (await carol.Locator("#retention-until").InnerTextAsync()).Trim());
            Assert.Contains("GoBD 10 years", await carol.Locator("#retention-class").InnerTextAsync());
            await carol.Locator("#document-delete button[type=submit]").ClickAsync();
            await carol.Locator("#document-message.error").WaitForAsync();
            var refusal = (await carol.Locator("#document-message").InnerTextAsync()).Trim();
            Assert.Contains(retainUntil, refusal);
            await carol.GotoAsync(invoiceUrl);
            Assert.Equal("invoice.txt", (await carol.Locator("h1.document-name").InnerTextAsync()).Trim());
            Assert.Equal(200, (await carol.Context.APIRequest.GetAsync(Url(server, $"{api}/{invoiceId}/content"))).Status);
            Step($"invoice.txt labelled GoBD 10 years: #retention-until {retainUntil}; delete refused: '{refusal}'; the document is still there");

            // 8. Erasure request from the search page: notes.txt erased, invoice.txt (GoBD) restricted to dpo.
            var notesId = DocumentIdOf(akte["notes.txt"]);
            var notesSha = files.Sha256("Akte/notes.txt");
            await dave.GotoAsync(invoiceUrl);
            Assert.Equal("invoice.txt", (await dave.Locator("h1.document-name").InnerTextAsync()).Trim()); // visible to dave before
            var blobsBefore = CommittedBlobs(data);

            await carol.GotoAsync(Url(server, tenantPath));
            await carol.Locator("#quick-search").FillAsync(Subject);
            await carol.Locator("#document-quick-search button[type=submit]").ClickAsync();
            await carol.WaitForURLAsync(url => new Uri(url).AbsolutePath.EndsWith("/search", StringComparison.Ordinal));
            var searched = Stopwatch.StartNew();
            var reloads = 0;
            while (await carol.Locator($"#search-results tr[data-document='{notesId}']").CountAsync() == 0
                   || await carol.Locator($"#search-results tr[data-document='{invoiceId}']").CountAsync() == 0)
            {
                Assert.True(searched.Elapsed < IndexLimit,
                    $"The search for '{Subject}' did not find notes.txt and invoice.txt within {IndexLimit.TotalSeconds:0} s: "
                    + (await carol.Locator("main").InnerTextAsync()).ReplaceLineEndings(" "));
                await Task.Delay(TimeSpan.FromSeconds(2));
                await carol.ReloadAsync();
                reloads++;
            }
            Assert.Equal(2, await carol.Locator("#search-results tbody tr").CountAsync()); // contract.txt and appendix.txt do not name the subject
            Step($"search for '{Subject}' found notes.txt and invoice.txt (after {reloads} reloads, {searched.Elapsed.TotalSeconds:0} s)");

            await carol.Locator($"input[name=selected][value='{notesId}']").CheckAsync();
            await carol.Locator($"input[name=selected][value='{invoiceId}']").CheckAsync();
            await carol.Locator("#erasure-reason").FillAsync($"Art. 17 request of Mr {Subject}, letter of today");
            await carol.Locator("#erasure-restrict").SelectOptionAsync("dpo");
            await carol.Locator("#erasure-submit").ClickAsync();
            await carol.WaitForURLAsync(url => new Uri(url).AbsolutePath.Contains("/erasures/", StringComparison.Ordinal));
            var erased = carol.Locator($"#erasure-items tr[data-outcome=erased][data-document='{notesId}']");
            var restricted = carol.Locator($"#erasure-items tr[data-outcome=restricted][data-document='{invoiceId}']");
            await erased.WaitForAsync();
            // The report names each erased version with its checksum: "<version>:<sha-256>", comma-separated.
            Assert.Equal($"1:{notesSha}", (await erased.Locator("code.sha256").InnerTextAsync()).Trim());
            Assert.Equal(1, await restricted.CountAsync());
            var totals = (await carol.Locator("#erasure-totals").InnerTextAsync()).Trim();
            Assert.Equal("1 erased, 1 restricted, 0 refused", totals);
            Step($"erasure report: notes.txt erased (sha256 {notesSha[..12]}…), invoice.txt restricted ('{(await restricted.InnerTextAsync()).ReplaceLineEndings(" ")}'); totals '{totals}'");

            var notesDownload = await carol.Context.APIRequest.GetAsync(Url(server, $"{api}/{notesId}/content"));
            Assert.Equal(404, notesDownload.Status);
            var blobsAfter = CommittedBlobs(data);
            Assert.True(blobsAfter.Count == blobsBefore.Count - 1,
                $"Erasing notes.txt (1 version) should remove exactly its blob: {blobsBefore.Count} blob files before, {blobsAfter.Count} after.");
            Assert.Subset(blobsBefore.ToHashSet(), blobsAfter.ToHashSet());
            var daveInvoice = await dave.GotoAsync(invoiceUrl);
            Assert.Equal(404, daveInvoice!.Status);
            Assert.Equal(404, (await GetJsonAsync(dave, $"{api}/{invoiceId}")).GetProperty("status").GetInt32());
            await dave.GotoAsync(akteUrl);
            var daveSees = await DocumentLinksAsync(dave);
            Assert.Equal(new[] { "contract.txt" }, daveSees.Keys);
            Step($"notes.txt's download answers 404; blob files {blobsBefore.Count} → {blobsAfter.Count}; dave gets 404 for invoice.txt and sees only contract.txt in Akte");

            // 9. The audit log has all of it, and its chain is intact.
            var events = (await Programs.CustosAsync(data, "audit", "export"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Select(e => new AuditLine(e.GetProperty("action").GetString()!, ActorName(e.GetProperty("actor").GetString()),
                    e.GetProperty("outcome").GetString()!, e.GetProperty("target").GetString() ?? ""))
                .Where(e => e.Action.StartsWith("document.", StringComparison.Ordinal))
                .ToList();
            string Doc(Guid id) => $"document:{id}";
            var expected = new (string What, Func<AuditLine, bool> Match)[]
            {
                ("4 × document.upload by carol", e => e.Action == "document.upload" && e.Actor == "carol" && e.Outcome == "success"),
                ("document.checkout of contract.txt by carol", e => e.Is("document.checkout", "carol", "success", Doc(contractId))),
                ("document.checkin of contract.txt by carol", e => e.Is("document.checkin", "carol", "success", Doc(contractId))),
                ("dave's denied document.checkin", e => e.Is("document.checkin", "dave", "denied", Doc(contractId))),
                ("document.label of invoice.txt", e => e.Is("document.label", "carol", "success", Doc(invoiceId))),
                ("the refused document.delete", e => e.Is("document.delete", "carol", "denied", Doc(invoiceId))),
                ("document.erasure_request", e => e.Action == "document.erasure_request" && e.Actor == "carol" && e.Outcome == "success"),
                ("document.erase of notes.txt", e => e.Is("document.erase", "carol", "success", Doc(notesId))),
                ("document.restrict of invoice.txt", e => e.Is("document.restrict", "carol", "success", Doc(invoiceId))),
            };
            var documentEvents = string.Join("\n", events.Select(e => $"{e.Action} {e.Actor} {e.Outcome} {e.Target}"));
            foreach (var (what, match) in expected)
                Assert.True(events.Any(match), $"The audit log lacks {what}. Its document events:\n{documentEvents}");
            Assert.True(events.Count(e => e.Action == "document.upload" && e.Actor == "carol" && e.Outcome == "success") >= files.All.Count,
                $"Expected {files.All.Count} uploads by carol. Document events:\n{documentEvents}");
            var verify = JsonDocument.Parse(await Programs.CustosAsync(data, "audit", "verify", "--json")).RootElement;
            Assert.True(verify.GetProperty("intact").GetBoolean(), $"audit verify: {verify}");
            Step($"./custos audit export: {events.Count} document events, all expected ones present; ./custos audit verify --json: {verify}");
        }
        catch
        {
            output.WriteLine(server.Log);
            throw;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record AuditLine(string Action, string Actor, string Outcome, string Target)
    {
        public bool Is(string action, string actor, string outcome, string target) =>
            Action == action && Actor == actor && Outcome == outcome && Target == target;
    }

    private sealed record VersionRow(int Number, string Sha256, string Text);

    private sealed record Files(string Folder, string ContractV2, IReadOnlyDictionary<string, byte[]> All)
    {
        public string Sha256(string relative) => Sha256Of(All[relative]);
    }

    private static async Task SetUpOrganisationAsync(string data, string work)
    {
        foreach (var user in new[] { "carol", "dave" })
        {
            var file = Path.Combine(work, user + ".pw");
            await File.WriteAllTextAsync(file, PasswordOf(user));
            await Programs.CustosAsync(data, "user", "add", user, "--password-file", file);
        }
        await Programs.CustosAsync(data, "tenant", "add", Tenant);
        foreach (var (group, member, documents) in new[] { ("legal", "carol", "manage"), ("staff", "dave", "write") })
        {
            await Programs.CustosAsync(data, "group", "add", group);
            await Programs.CustosAsync(data, "group", "add-member", group, member);
            await Programs.CustosAsync(data, "tenant", "grant", Tenant, group, "--documents", documents);
        }
        await Programs.CustosAsync(data, "group", "add", "dpo", "--description", "Data protection officer: sees documents restricted by erasure requests");
    }

    /// <summary>The folder to upload (Akte, with its subfolder anlagen) and the new contract version, each file's content distinct.</summary>
    private static async Task<Files> MakeFilesAsync(string work)
    {
        var all = new Dictionary<string, byte[]>
        {
            ["Akte/notes.txt"] = Encoding.UTF8.GetBytes($"Call notes 2026-11-20\nMr {Subject} asked for a quote for the annual maintenance.\n"),
            ["Akte/invoice.txt"] = Encoding.UTF8.GetBytes($"Invoice 2026-0042\nTo: {Subject} Ltd, 12 High Street\nMaintenance: EUR 1,200.00\n"),
            ["Akte/contract.txt"] = Encoding.UTF8.GetBytes("Service contract, version 1\nClause 4: response within two business days.\n"),
            ["Akte/anlagen/appendix.txt"] = Encoding.UTF8.GetBytes("Appendix A: service levels\n"),
        };
        var root = Path.Combine(work, "upload");
        foreach (var (relative, content) in all)
        {
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, content);
        }
        var v2 = Path.Combine(work, "contract-v2.txt");
        await File.WriteAllTextAsync(v2, "Service contract, version 2\nClause 4: response within one business day.\n");
        return new Files(Path.Combine(root, "Akte"), v2, all);
    }

    private static async Task<IPage> LoginAsync(IBrowser browser, CustosServerProcess server, string user)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = "en-US" });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url(server, "/login"));
        await page.Locator("#userName").FillAsync(user);
        await page.Locator("#password").FillAsync(PasswordOf(user));
        await page.Locator("main form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        return page;
    }

    /// <summary>The documents listed in #document-list of the open folder: name → the document page's path.</summary>
    private static async Task<Dictionary<string, string>> DocumentLinksAsync(IPage page)
    {
        var links = page.Locator("#document-list a[href*='/doc/']");
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < await links.CountAsync(); i++)
            found[(await links.Nth(i).InnerTextAsync()).Trim()] = (await links.Nth(i).GetAttributeAsync("href"))!;
        return found;
    }

    private static async Task<List<VersionRow>> VersionRowsAsync(IPage page)
    {
        var rows = page.Locator("#document-versions tbody tr");
        var result = new List<VersionRow>();
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            var number = int.Parse((await rows.Nth(i).Locator("td").First.InnerTextAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            result.Add(new VersionRow(number, (await rows.Nth(i).Locator("code.sha256").InnerTextAsync()).Trim(),
                (await rows.Nth(i).InnerTextAsync()).ReplaceLineEndings(" ")));
        }
        return result;
    }

    /// <summary>A GET from inside the page (its session cookie): { status, json }.</summary>
    private static Task<JsonElement> GetJsonAsync(IPage page, string url) => page.EvaluateAsync<JsonElement>(
        """
        async url => {
          const r = await fetch(url, { credentials: 'same-origin' });
          const text = await r.text();
          let json = null;
          try { json = JSON.parse(text); } catch (e) { json = text; }
          return { status: r.status, json: json };
        }
        """, url);

    /// <summary>
    /// Committed blob files under &lt;data&gt;/blobs: blobs/aa/bb/&lt;address&gt; (unfinished uploads in blobs/tmp and the
    /// backup's deletion hold in blobs/held left out).
    /// </summary>
    private static List<string> CommittedBlobs(string data)
    {
        var root = new DirectoryInfo(Path.Combine(data, "blobs"));
        if (!root.Exists) return [];
        return root.GetFiles("*", SearchOption.AllDirectories).Select(f => f.FullName)
            .Where(f => BlobShaped(Path.GetRelativePath(root.FullName, f))).Order(StringComparer.Ordinal).ToList();
    }

    private static bool BlobShaped(string relative) =>
        relative.Split(Path.DirectorySeparatorChar) is [var a, var b, var name]
        && name.Length == 64 && name.All(char.IsAsciiHexDigitLower) && a == name[..2] && b == name[2..4];

    /// <summary>The audit log names a person as "user:&lt;name&gt;".</summary>
    private static string ActorName(string? actor) => actor is { } a && a.StartsWith("user:", StringComparison.Ordinal) ? a["user:".Length..] : actor ?? "";

    private static Guid DocumentIdOf(string url) => Guid.Parse(url[(url.LastIndexOf("/doc/", StringComparison.Ordinal) + "/doc/".Length)..].Split('?', '#')[0]);

    private static string Url(CustosServerProcess server, string pathOrUrl) => new Uri(server.BaseUrl, pathOrUrl).ToString();

    private static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static string PasswordOf(string user) => $"Correct-Horse-{user}-42";

    private void Step(string what) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {what}");
}
