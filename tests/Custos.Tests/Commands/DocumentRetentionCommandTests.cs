using System.Globalization;
using Custos.Core.Documents;
using Custos.Tests.Infrastructure;
using static Custos.Tests.Commands.DocumentCommandTests;

namespace Custos.Tests.Commands;

/// <summary>
/// `custos doc label/classes/hold/release/tag` against a real server (carol Manage, dave Write, erin Read on Acme's
/// documents): labels by class name, a date change that keeps the label, WORM refusals as one line, holds on folders and
/// documents, tags that the search finds.
/// </summary>
public sealed class DocumentRetentionCommandTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Classes_Label_DateChangeKeepsTheLabel_AndShorteningIsRefused(string kind)
    {
        await using var cli = await DocumentCli.StartAsync(kind);
        await cli.OkAsync("carol", "mkdir", "Buchhaltung");
        var doc = await cli.PutAsync("dave", "Buchhaltung", "Jahresabschluss 2026.dat", 2000);
        var today = DateOnly.FromDateTime(cli.Setup.Server.Now.UtcDateTime);
        var end = new DateOnly(today.Year + 11, 1, 1);

        var classes = await cli.OkAsync("erin", "classes");
        var classesJson = await cli.JsonAsync("erin", "classes");
        Assert.Contains(classes.Split('\n'), l => l.Contains(RetentionDefaults.GoBd10.ToString()) && l.Contains("GoBD 10 years") && l.Contains("10 years, then delete"));
        Assert.Contains(classesJson.GetProperty("classes").EnumerateArray(), c => c.GetProperty("name").GetString() == "GoBD 10 years");

        // Unlabelled: the state says so; then labelled by the class's name, in any letter case.
        var before = await cli.OkAsync("erin", "label", "Buchhaltung/Jahresabschluss 2026.dat");
        var labelled = await cli.OkAsync("carol", "label", "Jahresabschluss 2026.dat", "--class", "gobd 10 YEARS");
        var shown = await cli.OkAsync("erin", "label", doc.ToString());

        Assert.Contains("no retention class.", before);
        Assert.Contains("class GoBD 10 years", labelled);
        Assert.Contains($"kept until {Iso(end)}", labelled);
        Assert.Contains($"class GoBD 10 years, running until {Iso(end)}", shown);

        // A later document date keeps the label (the API sets both at once); an earlier end is refused with the running one.
        var later = today.AddDays(40);
        var redated = await cli.JsonAsync("carol", "label", doc.ToString(), "--date", Iso(later));
        var none = await cli.RunAsync("carol", "label", doc.ToString(), "--class", "none");
        var shorter = await cli.RunAsync("carol", "label", doc.ToString(), "--class", "GoBD 6 years");
        var byWriter = await cli.RunAsync("dave", "label", doc.ToString(), "--class", "GoBD 8 years");
        var unknown = await cli.RunAsync("carol", "label", doc.ToString(), "--class", "forever");
        var badDate = await cli.RunAsync("carol", "label", doc.ToString(), "--date", "27.11.2026");

        Assert.Equal(RetentionDefaults.GoBd10, redated.GetProperty("labelId").GetGuid());
        Assert.Equal(Iso(later), redated.GetProperty("documentDate").GetString());
        Assert.Equal(Iso(new DateOnly(later.Year + 11, 1, 1)), redated.GetProperty("retainUntil").GetString());
        foreach (var refused in new[] { none, shorter })
        {
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("retention runs until", refused.Error);
            Assert.Single(refused.Error.Trim().Split('\n'));
        }
        Assert.Equal(1, byWriter.ExitCode);
        Assert.StartsWith("custos: ", byWriter.Error);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No retention class 'forever'", unknown.Error);
        Assert.Contains("GoBD 10 years", unknown.Error);
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("YYYY-MM-DD", badDate.Error);
        Assert.True(await cli.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.label'") >= 4);
    }

    [Fact]
    public async Task Hold_OnAFolderAndADocument_IsListed_ShowsInTheSearch_AndIsReleased()
    {
        await using var cli = await DocumentCli.StartAsync(TestDatabase.Sqlite);
        await cli.OkAsync("carol", "mkdir", "Verträge");
        var doc = await cli.PutAsync("dave", "Verträge", "Mietvertrag.dat", 500);
        await cli.PutAsync("dave", "Verträge", "Anlage.dat", 300);

        var onFolder = await cli.JsonAsync("carol", "hold", "Verträge", "--reason", "Betriebsprüfung 2026", "--owner", "Rechtsabteilung");
        var onDocument = await cli.OkAsync("carol", "hold", "Verträge/Mietvertrag.dat", "--reason", "Klage Az. 3 O 17/26", "--owner", "Dr. Weber");
        var byReader = await cli.RunAsync("erin", "hold", "Verträge", "--reason", "x", "--owner", "y");
        var noReason = await cli.RunAsync("carol", "hold", "Verträge", "--owner", "y");
        var nothing = await cli.RunAsync("carol", "hold", "Nirgends", "--reason", "x", "--owner", "y");
        var listed = await cli.OkAsync("carol", "hold", "--list");

        var folderHold = onFolder.GetProperty("id").GetGuid();
        Assert.Equal("Verträge", onFolder.GetProperty("targetName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, onFolder.GetProperty("documentId").ValueKind);
        Assert.Contains("on document Verträge/Mietvertrag.dat", onDocument);
        Assert.Equal(1, byReader.ExitCode);
        Assert.Equal(2, noReason.ExitCode);
        Assert.Contains("--reason", noReason.Error);
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("No folder or document 'Nirgends'", nothing.Error);
        var lines = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.True(lines.Any(l => l.StartsWith(folderHold.ToString()) && l.Contains("folder Verträge") && l.Contains("owner Rechtsabteilung") &&
                                   l.Contains("active") && l.Contains("Betriebsprüfung 2026")), listed);
        Assert.Contains(lines, l => l.Contains("document Mietvertrag.dat") && l.Contains("Dr. Weber"));

        // Held: the search says so, and neither the folder's documents can be deleted nor the hold be released twice.
        var held = await cli.JsonAsync("erin", "search", "--retention", "held");
        Assert.Equal(2, held.GetProperty("hits").GetArrayLength());

        var released = await cli.OkAsync("carol", "release", folderHold.ToString());
        var twice = await cli.RunAsync("carol", "release", folderHold.ToString());
        var active = await cli.OkAsync("carol", "hold", "--list");
        var all = await cli.OkAsync("carol", "hold", "--list", "--released");

        Assert.Contains($"Released legal hold {folderHold} on folder Verträge", released);
        Assert.Equal(1, twice.ExitCode);
        Assert.DoesNotContain(folderHold.ToString(), active);
        Assert.Contains(all.Split('\n'), l => l.StartsWith(folderHold.ToString()) && l.Contains("released") && l.Contains("by user:carol"));
        var stillHeld = await cli.JsonAsync("erin", "search", "--retention", "held");
        Assert.Equal(doc, Assert.Single(stillHeld.GetProperty("hits").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Tag_ReplacesTheTags_TheSearchFindsThem_AndClearRemovesThem()
    {
        await using var cli = await DocumentCli.StartAsync(TestDatabase.Sqlite);
        await cli.OkAsync("carol", "mkdir", "Eingang");
        var doc = await cli.PutAsync("dave", "Eingang", "Rechnung 4711.dat", 100);
        await cli.PutAsync("dave", "Eingang", "Werbung.dat", 100);

        var tagged = await cli.OkAsync("dave", "tag", "Eingang/Rechnung 4711.dat", "Steuer", "Eingangsrechnung", "steuer");
        var byReader = await cli.RunAsync("erin", "tag", doc.ToString(), "x");
        var none = await cli.RunAsync("dave", "tag", doc.ToString());
        var both = await cli.RunAsync("dave", "tag", doc.ToString(), "x", "--clear");
        var tooLong = await cli.RunAsync("dave", "tag", doc.ToString(), new string('x', 51));
        var found = await cli.OkAsync("erin", "search", "--tag", "STEUER");
        var shown = await cli.JsonAsync("erin", "label", doc.ToString());

        Assert.Contains("Tagged Rechnung 4711.dat", tagged);
        Assert.Contains("eingangsrechnung, steuer", tagged);
        Assert.Equal(1, byReader.ExitCode);
        Assert.Equal(2, none.ExitCode);
        Assert.Equal(2, both.ExitCode);
        Assert.Equal(1, tooLong.ExitCode);
        Assert.Contains("at most 50 characters", tooLong.Error);
        var row = Assert.Single(found.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.StartsWith("Eingang/Rechnung 4711.dat", row);
        Assert.Contains("eingangsrechnung,steuer", row);
        Assert.Equal(["eingangsrechnung", "steuer"], shown.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var cleared = await cli.OkAsync("dave", "tag", doc.ToString(), "--clear");
        var afterClear = await cli.RunAsync("erin", "search", "--tag", "steuer");

        Assert.Contains("has no tags", cleared);
        Assert.Equal(0, afterClear.ExitCode);
        Assert.Equal("", afterClear.Output);
        Assert.Contains("no documents found", afterClear.Error);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
