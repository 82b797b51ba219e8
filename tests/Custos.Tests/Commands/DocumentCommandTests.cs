using System.Security.Cryptography;
using System.Text.Json;
using Custos.Core.Documents;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Commands;

/// <summary>
/// `custos doc` against a real server (carol Manage, dave Write, erin Read on tenant Acme's documents), and `doc scrub`
/// on the same data directory while the server runs.
/// </summary>
public sealed class DocumentCommandTests
{
    private const int FiveMiB = 5 * 1024 * 1024;

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Put_Ls_CheckOut_CheckIn_Get_BothVersionsComeBackByteForByte(string kind)
    {
        await using var cli = await DocumentCli.StartAsync(kind);
        var first = cli.WriteFile("contract-v1.dat", DocumentTestSetup.RandomContent(FiveMiB));
        var second = cli.WriteFile("contract-v2.dat", DocumentTestSetup.RandomContent(FiveMiB - 12_345));

        var folder = JsonDocument.Parse(await cli.OkAsync("carol", "mkdir", "Verträge", "--json")).RootElement;
        await cli.OkAsync("carol", "mkdir", "2026", "--parent", "Verträge");
        var put = JsonDocument.Parse(await cli.OkAsync("dave", "put", first, "--folder", "Verträge", "--name", "Wartungsvertrag.dat",
            "--comment", "signed", "--json")).RootElement;
        var id = put.GetProperty("id").GetString()!;
        var folders = await cli.OkAsync("erin", "ls");
        var listed = await cli.OkAsync("erin", "ls", "Verträge");

        Assert.Equal("Verträge", folder.GetProperty("name").GetString());
        Assert.Equal(1, put.GetProperty("currentVersion").GetInt32());
        Assert.Contains("Verträge/", folders);
        Assert.Contains("Verträge/2026/", folders);
        Assert.Contains("2026/", listed);
        var row = Assert.Single(listed.Split('\n'), l => l.Contains(id));
        Assert.Contains("Wartungsvertrag.dat", row);
        Assert.Contains("v1", row);
        Assert.Contains("5.2 MB", row);
        Assert.DoesNotContain("checked out", row);

        // dave checks it out by path: the others see who holds it and cannot take it; erin (Read) cannot check out at all.
        var checkedOut = await cli.OkAsync("dave", "checkout", "Verträge/Wartungsvertrag.dat");
        var byCarol = await cli.RunAsync("carol", "checkout", id);
        var byErin = await cli.RunAsync("erin", "checkout", id);
        var carolCheckIn = await cli.RunAsync("carol", "checkin", id, second);
        var locked = JsonDocument.Parse(await cli.OkAsync("erin", "ls", "Verträge", "--json")).RootElement.GetProperty("documents")[0];

        Assert.Contains("Checked out Wartungsvertrag.dat", checkedOut);
        Assert.Equal(1, byCarol.ExitCode);
        Assert.Contains("checked out by someone else", byCarol.Error);
        Assert.Equal(1, byErin.ExitCode);
        Assert.Contains("right", byErin.Error);
        Assert.Equal(1, carolCheckIn.ExitCode);
        Assert.Equal("dave", locked.GetProperty("lock").GetProperty("holder").GetString());
        Assert.Contains("checked out by dave", (await cli.OkAsync("erin", "ls", "Verträge")).Split('\n').Single(l => l.Contains(id)));

        // Check-in by the name alone; the lock is released and version 2 is current.
        var checkedIn = await cli.OkAsync("dave", "checkin", "Wartungsvertrag.dat", second, "--comment", "prices 2027");
        var versions = JsonDocument.Parse(await cli.OkAsync("erin", "versions", id, "--json")).RootElement;
        var versionsText = await cli.OkAsync("erin", "versions", "Verträge/Wartungsvertrag.dat");

        Assert.Contains("version 2", checkedIn);
        Assert.Equal(2, versions.GetProperty("currentVersion").GetInt32());
        Assert.Equal(JsonValueKind.Null, versions.GetProperty("lock").ValueKind);
        var byNumber = versions.GetProperty("versions").EnumerateArray().ToDictionary(v => v.GetProperty("number").GetInt32());
        Assert.Equal(Sha256Hex(first), byNumber[1].GetProperty("sha256").GetString());
        Assert.Equal(Sha256Hex(second), byNumber[2].GetProperty("sha256").GetString());
        Assert.Equal("signed", byNumber[1].GetProperty("comment").GetString());
        Assert.Equal("prices 2027", byNumber[2].GetProperty("comment").GetString());
        Assert.EndsWith("dave", byNumber[2].GetProperty("author").GetString());
        Assert.Contains(Sha256Hex(first), versionsText);
        Assert.Contains("prices 2027", versionsText);

        // Both versions download byte for byte; the default name is the document's, in the -o directory.
        var download = Directory.CreateDirectory(Path.Combine(cli.WorkDirectory, "download")).FullName;
        var v1 = Path.Combine(download, "v1.dat");
        var gotV1 = await cli.OkAsync("erin", "get", id, "--version", "1", "-o", v1);
        var gotCurrent = await cli.OkAsync("erin", "get", "Verträge/Wartungsvertrag.dat", "-o", download);
        var again = await cli.RunAsync("erin", "get", id, "-o", v1);

        Assert.Contains("version 1", gotV1);
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(v1));
        Assert.Equal(await File.ReadAllBytesAsync(second), await File.ReadAllBytesAsync(Path.Combine(download, "Wartungsvertrag.dat")));
        Assert.Contains("version 2", gotCurrent);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(v1));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Error);
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(v1));
        Assert.Empty(Directory.GetFiles(download, "*.custos-part"));

        // A check-out given back without a version; the whole story is in the audit log, labelled as the command line's.
        await cli.OkAsync("dave", "checkout", id);
        var cancelled = await cli.OkAsync("dave", "cancel", id);
        var afterCancel = JsonDocument.Parse(await cli.OkAsync("erin", "versions", id, "--json")).RootElement;

        Assert.Contains("cancelled", cancelled);
        Assert.Equal(JsonValueKind.Null, afterCancel.GetProperty("lock").ValueKind);
        Assert.Equal(2, afterCancel.GetProperty("currentVersion").GetInt32());
        foreach (var action in new[] { "document.upload", "document.checkin", "document.download" })
            Assert.True(await cli.Db.ScalarAsync($"SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND details LIKE '%\"cli\"%'") > 0, action);
        Assert.Equal(1, await cli.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.checkout_cancel' AND outcome = 1"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Get_OfATamperedOrMissingBlob_FailsWithExitCode1_AndLeavesNoFile(string kind)
    {
        await using var cli = await DocumentCli.StartAsync(kind);
        await cli.OkAsync("carol", "mkdir", "Rechnungen");
        var late = await cli.PutAsync("dave", "Rechnungen", "late.dat", FiveMiB);
        var early = await cli.PutAsync("dave", "Rechnungen", "early.dat", 300_000);
        var gone = await cli.PutAsync("dave", "Rechnungen", "gone.dat", 1000);
        var target = Directory.CreateDirectory(Path.Combine(cli.WorkDirectory, "target")).FullName;

        // Late in the blob: the server has sent part of the content when it finds out, and breaks off.
        await cli.FlipByteAsync(late, 0.75);
        // In the first segment: the server finds out before it sends anything, and answers with the integrity error.
        await cli.FlipByteAsync(early, 0.0001);
        File.Delete(await cli.BlobPathAsync(gone));
        var results = new Dictionary<string, CliResult>();
        foreach (var name in new[] { "late.dat", "early.dat", "gone.dat" })
            results[name] = await cli.RunAsync("erin", "get", $"Rechnungen/{name}", "-o", Path.Combine(target, name));

        Assert.All(results.Values, r => Assert.Equal(1, r.ExitCode));
        Assert.True(results["late.dat"].Error.Contains("damaged") && results["late.dat"].Error.Contains("Nothing was saved"), results["late.dat"].Error);
        Assert.True(results["early.dat"].Error.Contains("missing or altered"), results["early.dat"].Error);
        Assert.True(results["gone.dat"].Error.Contains("missing or altered"), results["gone.dat"].Error);
        Assert.Empty(Directory.GetFileSystemEntries(target));
        Assert.True(await cli.Db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'document.integrity'") >= 3);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Scrub_ReportsIntact_ThenAlteredAndMissingVersions_AndOrphanedBlobs(string kind)
    {
        await using var cli = await DocumentCli.StartAsync(kind);
        await cli.OkAsync("carol", "mkdir", "Archiv");
        var altered = await cli.PutAsync("dave", "Archiv", "Bilanz 2025.dat", FiveMiB);
        await cli.OkAsync("dave", "checkout", altered.ToString());
        await cli.OkAsync("dave", "checkin", altered.ToString(), cli.WriteFile("bilanz-v2.dat", DocumentTestSetup.RandomContent(70_000)));
        var missing = await cli.PutAsync("dave", "Archiv", "Protokoll.txt", 20_000);
        await cli.PutAsync("dave", "Archiv", "Intakt.txt", 1);

        var intact = await cli.ScrubAsync();
        var progress = new Recorder();
        var scrub = ActivatorUtilities.CreateInstance<DocumentScrub>(cli.Setup.Server.Server.Host.Services);
        var summary = await scrub.RunAsync(_ => Task.CompletedTask, progress);

        Assert.True(intact.ExitCode == 0, intact.Error + intact.Output);
        Assert.Contains("All 4 document versions intact", intact.Output);
        Assert.True(summary.IsIntact);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, progress.Values);
        Assert.Equal(FiveMiB + 70_000 + 20_000 + 1, summary.BytesChecked);

        await cli.FlipByteAsync(altered, 0.5, version: 1);
        File.Delete(await cli.BlobPathAsync(missing));
        var orphan = cli.AddOrphanBlob();
        var damaged = await cli.ScrubAsync();
        var json = await cli.ScrubAsync("--json");
        var report = JsonDocument.Parse(json.Output).RootElement;
        var findings = report.GetProperty("findings").EnumerateArray().ToList();

        Assert.Equal(1, damaged.ExitCode);
        var lines = damaged.Output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("ALTERED") && l.Contains("Bilanz 2025.dat") && l.Contains(altered.ToString()) && l.Contains("version 1,"));
        Assert.Contains(lines, l => l.StartsWith("MISSING") && l.Contains("Protokoll.txt") && l.Contains(missing.ToString()));
        Assert.Contains(lines, l => l.StartsWith("ORPHAN") && l.Contains(orphan));
        Assert.DoesNotContain(lines, l => l.Contains("Intakt.txt") || l.Contains("version 2,"));
        Assert.Equal(1, json.ExitCode);
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.Equal(4, report.GetProperty("versionsChecked").GetInt64());
        Assert.Equal(2, report.GetProperty("damagedVersions").GetInt64());
        Assert.Equal(1, report.GetProperty("orphanedBlobs").GetInt64());
        Assert.Equal(new[] { "altered", "missing", "orphan" }, findings.Select(f => f.GetProperty("problem").GetString()!).Order());
        var missingFinding = findings.Single(f => f.GetProperty("problem").GetString() == "missing");
        Assert.Equal(missing, missingFinding.GetProperty("documentId").GetGuid());
        Assert.Equal(await cli.BlobAddressAsync(missing), missingFinding.GetProperty("blob").GetString());
    }

    [Fact]
    public async Task Names_AreResolvedThroughTheApi_AndAmbiguityOrMistakesAreClearErrors()
    {
        await using var cli = await DocumentCli.StartAsync(TestDatabase.Sqlite);
        await cli.OkAsync("carol", "mkdir", "A");
        await cli.OkAsync("carol", "mkdir", "B");
        var inA = await cli.PutAsync("carol", "A", "same.txt", 10);
        var inB = await cli.PutAsync("carol", "B", "same.txt", 11);

        var ambiguous = await cli.RunAsync("erin", "versions", "same.txt");
        var byPath = JsonDocument.Parse(await cli.OkAsync("erin", "versions", "B/same.txt", "--json")).RootElement;
        var unknown = await cli.RunAsync("erin", "get", "nothing.txt");
        var noFolder = await cli.RunAsync("dave", "put", cli.WriteFile("x.txt", [1, 2, 3]), "--folder", "C");
        var noFile = await cli.RunAsync("dave", "put", Path.Combine(cli.WorkDirectory, "absent.txt"), "--folder", "A");
        var taken = await cli.RunAsync("dave", "put", cli.WriteFile("same.txt", [1]), "--folder", "A");
        var noToken = await Cli.RunAsync("doc", "ls", "--server", cli.Setup.Server.Server.HttpsUrl.ToString(), "--data", cli.Db.DataDirectory);
        var noFolderOption = await cli.RunAsync("dave", "put", cli.WriteFile("y.txt", [1]));
        await cli.PutAsync("dave", "A", "empty.txt", 0);
        var emptyTarget = Path.Combine(cli.WorkDirectory, "empty-download.txt");
        var empty = await cli.RunAsync("erin", "get", "A/empty.txt", "-o", emptyTarget);

        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains("names several documents", ambiguous.Error);
        Assert.Contains(inA.ToString(), ambiguous.Error);
        Assert.Contains(inB.ToString(), ambiguous.Error);
        Assert.Equal(inB, byPath.GetProperty("id").GetGuid());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No document 'nothing.txt'", unknown.Error);
        Assert.Equal(1, noFolder.ExitCode);
        Assert.Contains("No folder 'C'", noFolder.Error);
        Assert.Equal(1, noFile.ExitCode);
        Assert.Contains("absent.txt", noFile.Error);
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("already", taken.Error);
        Assert.Equal(2, noToken.ExitCode);
        Assert.Contains("documents:read", noToken.Error);
        Assert.Equal(2, noFolderOption.ExitCode);
        Assert.True(empty.ExitCode == 0, empty.Error);
        Assert.Empty(await File.ReadAllBytesAsync(emptyTarget));
    }

    private static string Sha256Hex(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private sealed class Recorder : IProgress<long>
    {
        public List<long> Values { get; } = [];

        public void Report(long value) => Values.Add(value);
    }

    /// <summary>
    /// The document test world with each user's token in a file, and `custos doc` run as one of them (also for the other
    /// doc tests, and `sluice` and `share`, which take the same options).
    /// </summary>
    internal sealed class DocumentCli : IAsyncDisposable
    {
        private readonly Dictionary<string, string> tokenFiles = [];

        private DocumentCli(DocumentTestSetup setup) => Setup = setup;

        public DocumentTestSetup Setup { get; }
        public TestDatabase Db => Setup.Server.Db;
        public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "custos-doc-cli-" + Guid.NewGuid().ToString("N"));

        /// <param name="moreScopes">Scopes the users' tokens have besides documents:read and documents:write.</param>
        public static async Task<DocumentCli> StartAsync(string kind, params string[] moreScopes)
        {
            var cli = new DocumentCli(await DocumentTestSetup.StartAsync(kind));
            Directory.CreateDirectory(cli.WorkDirectory);
            foreach (var user in new[] { "carol", "dave", "erin" })
                cli.tokenFiles[user] = await cli.TokenFileAsync(user, ["documents:read", "documents:write", .. moreScopes]);
            return cli;
        }

        /// <summary>A new token of <paramref name="user"/> with exactly these scopes, in a file.</summary>
        public async Task<string> TokenFileAsync(string user, params string[] scopes)
        {
            var path = Path.Combine(WorkDirectory, $"{user}-{Guid.NewGuid():N}.token");
            await File.WriteAllTextAsync(path, await Setup.Server.TokenAsync(user, scopes) + "\n");
            return path;
        }

        public Task<CliResult> RunAsync(string user, params string[] args) => WithTokenAsync(tokenFiles[user], ["doc", .. args]);

        /// <summary>`custos sluice …` as <paramref name="user"/>, with the same server, token and tenant.</summary>
        public Task<CliResult> SluiceAsync(string user, params string[] args) => WithTokenAsync(tokenFiles[user], ["sluice", .. args]);

        /// <summary>`custos share …` as <paramref name="user"/> (whose token needs the scope shares: see <see cref="StartAsync"/>).</summary>
        public Task<CliResult> ShareAsync(string user, params string[] args) => WithTokenAsync(tokenFiles[user], ["share", .. args]);

        /// <summary>`custos NOUN VERB …` with the token in <paramref name="tokenFile"/>, on the test's server and tenant.</summary>
        public Task<CliResult> WithTokenAsync(string tokenFile, string[] args) => Cli.RunAsync([.. args,
            "--server", Setup.Server.Server.HttpsUrl.ToString(), "--token-file", tokenFile, "--data", Db.DataDirectory, "--tenant", "Acme"]);

        public async Task<string> OkAsync(string user, params string[] args)
        {
            var result = await RunAsync(user, args);
            Assert.True(result.ExitCode == 0, $"doc {string.Join(' ', args)}: exit {result.ExitCode}: {result.Error}");
            return result.Output;
        }

        /// <summary>Runs as <paramref name="user"/> and parses the output (the verb is given --json).</summary>
        public async Task<JsonElement> JsonAsync(string user, params string[] args) => JsonDocument.Parse(await OkAsync(user, [.. args, "--json"])).RootElement;

        /// <summary>Puts what is still waiting into the search index now, as the server's indexer does in the background.</summary>
        public Task<int> IndexAsync() => Setup.Server.Server.Host.Services.GetRequiredService<DocumentIndexer>().IndexPendingAsync();

        public Task<CliResult> ScrubAsync(params string[] more) => Cli.RunAsync(["doc", "scrub", .. Cli.DatabaseArgs(Db), .. more]);

        /// <summary>Puts a random file of <paramref name="size"/> bytes as <paramref name="name"/>; returns the document's id.</summary>
        public Task<Guid> PutAsync(string user, string folder, string name, int size) =>
            // Random text (hex): whatever the name says (.txt, .dat), the sluice finds content that matches it.
            PutAsync(user, folder, name, System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(DocumentTestSetup.RandomContent((size + 1) / 2)))[..size]);

        /// <summary>Puts <paramref name="content"/> as <paramref name="name"/>; returns the document's id.</summary>
        public async Task<Guid> PutAsync(string user, string folder, string name, byte[] content)
        {
            var output = await OkAsync(user, "put", WriteFile(Guid.NewGuid().ToString("N"), content), "--folder", folder, "--name", name, "--json");
            return JsonDocument.Parse(output).RootElement.GetProperty("id").GetGuid();
        }

        public string WriteFile(string name, byte[] content)
        {
            var path = Path.Combine(WorkDirectory, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        public async Task<string> BlobAddressAsync(Guid document, int version = 1)
        {
            await using var data = Setup.Server.Data();
            return await data.DocumentVersions.Where(v => v.DocumentId == document && v.Number == version).Select(v => v.BlobAddress).SingleAsync();
        }

        public async Task<string> BlobPathAsync(Guid document, int version = 1)
        {
            var address = await BlobAddressAsync(document, version);
            return Path.Combine(Db.DataDirectory, "blobs", address[..2], address[2..4], address);
        }

        /// <summary>Inverts one byte of a version's blob at <paramref name="at"/> (a fraction of its length), as a failing disk would.</summary>
        public async Task FlipByteAsync(Guid document, double at, int version = 1)
        {
            await using var blob = new FileStream(await BlobPathAsync(document, version), FileMode.Open, FileAccess.ReadWrite);
            blob.Position = Math.Max(1, (long)(blob.Length * at));
            var value = blob.ReadByte();
            blob.Position--;
            blob.WriteByte((byte)(value ^ 0xFF));
        }

        /// <summary>A well-formed blob (named by the SHA-256 of its bytes) that no version refers to; returns its address.</summary>
        public string AddOrphanBlob()
        {
            var content = DocumentTestSetup.RandomContent(4096);
            var address = Convert.ToHexStringLower(SHA256.HashData(content));
            var directory = Directory.CreateDirectory(Path.Combine(Db.DataDirectory, "blobs", address[..2], address[2..4]));
            File.WriteAllBytes(Path.Combine(directory.FullName, address), content);
            return address;
        }

        public async ValueTask DisposeAsync()
        {
            await Setup.DisposeAsync();
            if (Directory.Exists(WorkDirectory)) Directory.Delete(WorkDirectory, recursive: true);
        }
    }
}
