using Custos.Tests.Infrastructure;
using Custos.Tests.Sluice;

namespace Custos.Tests.Commands;

/// <summary>`custos sluice check` and the kiosk `custos sluice scan` against a real server and clamd.</summary>
public sealed class SluiceCommandTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Check_PrintsTheVerdict_WithoutStoringAnything(string kind)
    {
        await using var cli = await DocumentCommandTests.DocumentCli.StartAsync(kind);
        var clean = cli.WriteFile("Protokoll.txt", SluiceTestFiles.Text("Protokoll\n"));
        var virus = cli.WriteFile("readme.txt", ClamdTestServer.Eicar());
        var macro = cli.WriteFile("Angebot.docm", SluiceTestFiles.MacroDocument());

        var passed = await cli.SluiceAsync("dave", "check", clean);
        var found = await cli.SluiceAsync("dave", "check", virus);
        var flagged = await cli.SluiceAsync("dave", "check", macro);

        Assert.True(passed.ExitCode == 0, passed.Error);
        Assert.Contains("Protokoll.txt: PASS", passed.Output);
        Assert.Equal(1, found.ExitCode);
        Assert.Contains("BLOCK", found.Output);
        Assert.Contains(ClamdTestServer.EicarSignature, found.Output);
        Assert.Contains("virus scanner: ClamAV", found.Output);
        Assert.Equal(1, flagged.ExitCode);
        Assert.Contains("active.macro", flagged.Output);
        await using var data = cli.Setup.Server.Data();
        Assert.Empty(data.QuarantineItems);
        Assert.Empty(data.Documents);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Scan_BringsAMediumThroughTheSluice_IntoMirroredFolders_AndReportsEveryFile(string kind)
    {
        await using var cli = await DocumentCommandTests.DocumentCli.StartAsync(kind);
        await cli.OkAsync("carol", "mkdir", "Eingang");
        var medium = Path.Combine(cli.WorkDirectory, "usb");
        Directory.CreateDirectory(Path.Combine(medium, "Rechnungen", "2026"));
        await File.WriteAllTextAsync(Path.Combine(medium, "Liesmich.txt"), "Lieferung vom 27.11.\n");
        await File.WriteAllTextAsync(Path.Combine(medium, "Rechnungen", "2026", "R-4711.csv"), "Posten;Betrag\nWartung;1200,00\n");
        await File.WriteAllBytesAsync(Path.Combine(medium, "Rechnungen", "Angebot.docm"), SluiceTestFiles.MacroDocument());
        await File.WriteAllBytesAsync(Path.Combine(medium, "autorun.inf"), SluiceTestFiles.Text("[autorun]\nopen=setup.exe\n"));

        var scan = await cli.SluiceAsync("dave", "scan", medium, "--to", "Acme:Eingang");

        Assert.Equal(1, scan.ExitCode);
        Assert.Contains("RELEASED  Liesmich.txt", scan.Output);
        Assert.Contains($"RELEASED  {Path.Combine("Rechnungen", "2026", "R-4711.csv")}", scan.Output);
        Assert.Contains($"BLOCKED   {Path.Combine("Rechnungen", "Angebot.docm")}", scan.Output);
        Assert.Contains("BLOCKED   autorun.inf", scan.Output);
        Assert.Contains("4 files: 2 blocked, 2 released.", scan.Output);
        var listed = await cli.OkAsync("erin", "ls", "Eingang/Rechnungen/2026");
        Assert.Contains("R-4711.csv", listed);
        Assert.DoesNotContain("Angebot.docm", await cli.OkAsync("erin", "ls", "Eingang/Rechnungen"));
    }
}
