using System.Globalization;
using System.Text;
using System.Text.Json;
using Custos.Commands.Documents;
using Custos.Tests.Infrastructure;
using static Custos.Tests.Commands.DocumentCommandTests;

namespace Custos.Tests.Commands;

/// <summary>
/// `custos doc search` and `custos doc erase/erasures/erasure` against a real server (carol Manage, dave Write, erin
/// Read): a table of what the words and filters find, and erasure requests that list what they will erase and ask first.
/// </summary>
public sealed class DocumentSearchCommandTests
{
    private const string Reason = "Art. 17 DSGVO: Antrag von Hans Schmidt vom 27.11.2026";

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Search_ByWordsAndFilters_PrintsATable_AndJson(string kind)
    {
        await using var cli = await DocumentCli.StartAsync(kind);
        await cli.OkAsync("carol", "mkdir", "Kunden");
        await cli.OkAsync("carol", "mkdir", "2025", "--parent", "Kunden");
        var schmidt = await PutTextAsync(cli, "Kunden", "Schmidt.txt", "Kundenakte Hans Schmidt, Lindenweg 7");
        await PutTextAsync(cli, "Kunden/2025", "Schmidt alt.txt", "Hans Schmidt, alte Anschrift");
        await PutTextAsync(cli, "Kunden", "Meier.txt", "Kundenakte Maria Meier");
        await IndexedAsync(cli);
        var today = DateOnly.FromDateTime(cli.Setup.Server.Now.UtcDateTime);
        await cli.OkAsync("carol", "label", "Kunden/Schmidt.txt", "--class", "GoBD 10 years");
        await cli.OkAsync("dave", "tag", "Kunden/Schmidt.txt", "kunde", "akte");
        // New tags put the document back on the indexer's list; the background indexer may not have caught up yet.
        await IndexedAsync(cli);

        var words = await cli.OkAsync("erin", "search", "hans", "SCHMIDT");
        var inFolder = await cli.OkAsync("erin", "search", "schmidt", "--folder", "Kunden/2025");
        var byName = await RowsAsync(cli, "--name", "meier");
        var running = await RowsAsync(cli, "--retention", "running");
        var byLabel = await RowsAsync(cli, "--label", "gobd 10 years");
        var byAuthor = await RowsAsync(cli, "--author", "dave");
        var byOther = await RowsAsync(cli, "--author", "erin");
        var byDate = await RowsAsync(cli, "--from", Iso(today), "--to", Iso(today));
        var beforeDate = await RowsAsync(cli, "--to", Iso(today.AddDays(-1)));
        var limited = await cli.RunAsync("erin", "search", "schmidt", "--limit", "1");
        var json = await cli.JsonAsync("erin", "search", "lindenweg");
        var nothing = await cli.RunAsync("erin", "search");
        var badState = await cli.RunAsync("erin", "search", "--retention", "forever");
        var noFolder = await cli.RunAsync("erin", "search", "x", "--folder", "Lieferanten");

        var lines = words.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("DOCUMENT", lines[0]);
        Assert.Contains("RETENTION", lines[0]);
        var row = Assert.Single(lines, l => l.StartsWith("Kunden/Schmidt.txt "));
        Assert.Contains(" v1 ", row);
        Assert.Contains("36 bytes", row);
        Assert.Contains("akte,kunde", row);
        Assert.Contains($"running until {new DateOnly(today.Year + 11, 1, 1):yyyy-MM-dd} [GoBD 10 years]", row);
        Assert.Contains(lines, l => l.StartsWith("Kunden/2025/Schmidt alt.txt ") && l.TrimEnd().EndsWith("none"));
        Assert.Single(inFolder.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..], l => l.StartsWith("Kunden/2025/Schmidt alt.txt"));
        Assert.Equal(["Kunden/Meier.txt"], byName);
        Assert.Equal(["Kunden/Schmidt.txt"], running);
        Assert.Equal(["Kunden/Schmidt.txt"], byLabel);
        Assert.Equal(3, byAuthor.Count);
        Assert.Empty(byOther);
        Assert.Equal(3, byDate.Count);
        Assert.Empty(beforeDate);
        Assert.Equal(0, limited.ExitCode);
        Assert.Equal(2, limited.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("Only the first 1 documents are shown", limited.Error);
        var hit = Assert.Single(json.GetProperty("hits").EnumerateArray());
        Assert.Equal(schmidt, hit.GetProperty("id").GetGuid());
        Assert.Equal("Kunden/Schmidt.txt", hit.GetProperty("path").GetString());
        Assert.Equal(["akte", "kunde"], hit.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("running", hit.GetProperty("retentionState").GetString());
        Assert.Equal("GoBD 10 years", hit.GetProperty("className").GetString());
        Assert.False(json.GetProperty("truncated").GetBoolean());
        Assert.Equal(0, json.GetProperty("pending").GetInt32());
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("Say what to look for", nothing.Error);
        Assert.Equal(2, badState.ExitCode);
        Assert.Equal(1, noFolder.ExitCode);
        Assert.Contains("No folder 'Lieferanten'", noFolder.Error);
    }

    [Fact]
    public async Task Notes_SayWhatTheTableDoesNot_NothingFound_Truncated_NotYetIndexed()
    {
        var error = new StringWriter();
        await DocumentSearchVerbs.WriteNotesAsync(error, new DocSearchResult([], Truncated: false, Pending: 3), words: true);
        var one = new StringWriter();
        await DocumentSearchVerbs.WriteNotesAsync(one, new DocSearchResult([], Truncated: false, Pending: 1), words: false);

        Assert.Contains("(no documents found)", error.ToString());
        Assert.Contains("3 documents are not yet indexed: a search for words may miss them", error.ToString());
        Assert.Contains("1 document is not yet indexed.", one.ToString());
    }

    [Fact]
    public async Task Erase_ListsAndAsksFirst_ErasesOrRestricts_ReportsEveryOutcome()
    {
        await using var cli = await DocumentCli.StartAsync(TestDatabase.Sqlite);
        await cli.OkAsync("carol", "mkdir", "Kunden");
        var akte = await PutTextAsync(cli, "Kunden", "Schmidt Akte.txt", "Kundenakte Hans Schmidt");
        var rechnung = await PutTextAsync(cli, "Kunden", "Schmidt Rechnung.txt", "Rechnung an Hans Schmidt");
        var brief = await PutTextAsync(cli, "Kunden", "Schmidt Brief.txt", "Brief von Hans Schmidt");
        var meier = await PutTextAsync(cli, "Kunden", "Meier.txt", "Kundenakte Maria Meier");
        await IndexedAsync(cli);
        var today = DateOnly.FromDateTime(cli.Setup.Server.Now.UtcDateTime);
        await cli.OkAsync("carol", "label", rechnung.ToString(), "--class", "GoBD 10 years");
        await cli.OkAsync("carol", "hold", brief.ToString(), "--reason", "Klage Az. 3 O 17/26", "--owner", "Rechtsabteilung");

        // Nobody to ask (a script): refused with the list, nothing sent. Declined: nothing sent either.
        var noTerminal = await EraseAnsweringAsync(cli, null, "--search", "schmidt", "--reason", Reason);
        var declined = await EraseAnsweringAsync(cli, "no", "--search", "schmidt", "--reason", Reason);
        var noReason = await cli.RunAsync("carol", "erase", akte.ToString(), "--yes");
        var noDocuments = await cli.RunAsync("carol", "erase", "--reason", Reason, "--yes");

        Assert.Equal(1, noTerminal.Result.ExitCode);
        Assert.Contains("--yes", noTerminal.Result.Error);
        Assert.Contains("Kunden/Schmidt Akte.txt", noTerminal.Result.Error);
        Assert.Contains("Kunden/Schmidt Brief.txt", noTerminal.Result.Error);
        Assert.DoesNotContain("Meier", noTerminal.Result.Error);
        Assert.Equal(1, declined.Result.ExitCode);
        Assert.Contains("Not erased.", declined.Result.Error);
        Assert.Contains("these 3 documents", declined.Question);
        Assert.Equal(2, noReason.ExitCode);
        Assert.Equal(2, noDocuments.ExitCode);
        Assert.Equal(3, (await RowsAsync(cli, "schmidt")).Count);
        Assert.Equal("", (await cli.OkAsync("carol", "erasures")).Trim());

        // Confirmed: the unkept one is erased, the retained and the held ones restricted; the report says which and why.
        var confirmed = await EraseAnsweringAsync(cli, "yes", "--search", "schmidt", "--reason", Reason, "--restrict-to", "editors");
        var report = confirmed.Result.Output;

        Assert.True(confirmed.Result.ExitCode == 0, confirmed.Result.Error);
        Assert.Contains($"reason: {Reason}", report);
        Assert.Contains("restricted documents visible to: editors", report);
        Assert.Contains($"ERASED      Schmidt Akte.txt ({akte})", report);
        Assert.Contains($"v1 sha256 {Sha256Hex("Kundenakte Hans Schmidt")}", report);
        Assert.Contains($"RESTRICTED  Schmidt Rechnung.txt ({rechnung})", report);
        Assert.Contains($"restricted until {new DateOnly(today.Year + 11, 1, 1):yyyy-MM-dd}", report);
        Assert.Contains($"RESTRICTED  Schmidt Brief.txt ({brief})", report);
        Assert.Contains("Legal hold (owner: Rechtsabteilung)", report);
        Assert.Contains("1 erased, 2 restricted, 0 refused.", report);
        Assert.Empty(await FoundByAsync(cli, "erin", "schmidt"));
        Assert.Equal(["Kunden/Schmidt Brief.txt", "Kunden/Schmidt Rechnung.txt"], (await FoundByAsync(cli, "carol", "schmidt")).Order());

        // Named documents with --yes: what the requester may not manage is refused (exit 1); a search sent along is on record.
        var refused = await cli.RunAsync("dave", "erase", "Kunden/Meier.txt", "--reason", Reason, "--yes");
        var bySearch = await cli.RunAsync("carol", "erase", "--search", "meier", "--reason", Reason, "--yes", "--json");
        var listed = await cli.OkAsync("carol", "erasures");
        var firstId = report.Split('\n')[0].Split(' ')[2].TrimEnd(',');
        var first = Assert.Single(listed.Split('\n'), l => l.StartsWith(firstId));
        var again = await cli.OkAsync("carol", "erasure", firstId);
        var unknown = await cli.RunAsync("carol", "erasure", Guid.NewGuid().ToString());

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"REFUSED     Meier.txt ({meier})", refused.Output);
        Assert.Contains("Manage", refused.Output);
        Assert.Contains("0 erased, 0 restricted, 1 refused.", refused.Output);
        Assert.Equal(0, bySearch.ExitCode);
        var searched = JsonDocument.Parse(bySearch.Output).RootElement;
        Assert.Equal(1, searched.GetProperty("erased").GetInt32());
        Assert.Contains("text=meier", searched.GetProperty("query").GetString());
        Assert.Equal(3, listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("1 erased, 2 restricted, 0 refused", first);
        Assert.Contains("by carol", first);
        Assert.Equal(report, again);
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("custos: ", unknown.Error);
    }

    private static async Task<Guid> PutTextAsync(DocumentCli cli, string folder, string name, string text)
    {
        var file = cli.WriteFile(Guid.NewGuid().ToString("N") + ".txt", Encoding.UTF8.GetBytes(text));
        var output = await cli.OkAsync("dave", "put", file, "--folder", folder, "--name", name, "--json");
        return JsonDocument.Parse(output).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Indexes what is pending, and waits until the search says nothing is (the server's own indexer may be at it too).</summary>
    private static async Task IndexedAsync(DocumentCli cli)
    {
        for (var i = 0; i < 100; i++)
        {
            await cli.IndexAsync();
            if ((await cli.JsonAsync("erin", "search", "--retention", "none")).GetProperty("pending").GetInt32() == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail("The search index did not catch up.");
    }

    /// <summary>The paths a search finds (from --json).</summary>
    private static Task<List<string>> RowsAsync(DocumentCli cli, params string[] args) => FoundByAsync(cli, "erin", args);

    private static async Task<List<string>> FoundByAsync(DocumentCli cli, string user, params string[] args)
    {
        var found = await cli.JsonAsync(user, ["search", .. args]);
        return found.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("path").GetString()!).ToList();
    }

    /// <summary>`erase` as carol without --yes, with <paramref name="answer"/> typed at the question (null: no terminal).</summary>
    private static async Task<(CliResult Result, string? Question)> EraseAnsweringAsync(DocumentCli cli, string? answer, params string[] args)
    {
        string? question = null;
        DocumentErasureVerbs.Answer.Value = q =>
        {
            question = q;
            return answer;
        };
        try
        {
            return (await cli.RunAsync("carol", ["erase", .. args]), question);
        }
        finally
        {
            DocumentErasureVerbs.Answer.Value = null;
        }
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
