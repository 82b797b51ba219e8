using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Tests.Commands.Vault;

public sealed class VaultTransferCliTests(VaultCliFixture vault) : IClassFixture<VaultCliFixture>
{
    /// <summary>Tiny key derivation: these tests are about the command line, not about Argon2's cost.</summary>
    private static readonly KdbxWriteOptions FastKdf = new() { Argon2MemoryBytes = 64 * 1024, Argon2Iterations = 1, Argon2Parallelism = 1 };

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ImportKdbx_ThenExportAsKdbxAndCsv()
    {
        var router = VaultCliFixture.NewSecret();
        var printer = VaultCliFixture.NewSecret();
        var source = new TransferFolder { Name = "Legacy" };
        var routerEntry = new TransferEntry { Title = "Core router", UserName = "admin", Password = router };
        routerEntry.Urls.Add("https://router.acme.test");
        source.Entries.Add(routerEntry);
        var office = new TransferFolder { Name = "Office" };
        office.Entries.Add(new TransferEntry { Title = "Printer", UserName = "svc", Password = printer });
        source.Folders.Add(office);
        var kdbx = Path.Combine(vault.WorkDirectory, "legacy.kdbx");
        await using (var file = File.Create(kdbx)) KdbxWriter.Write(source, file, new KdbxCredentials("master-key-1"), FastKdf);
        var master = vault.WriteFile("master.pw", "master-key-1\n");

        var imported = await vault.VaultOkAsync("carol", "import", kdbx, "--format", "kdbx", "--folder", "Legacy", "--inherit", "--password-file", master);

        Assert.Contains("2 entries", imported);
        Assert.DoesNotContain(router, imported);
        Assert.Contains("Printer", await vault.VaultOkAsync("carol", "ls", "Legacy/Office"));

        var exportedKdbx = Path.Combine(vault.WorkDirectory, "export.kdbx");
        var kdbxResult = await vault.VaultAsync("carol", "export", exportedKdbx, "--format", "kdbx", "--folder", "Legacy",
            "--password-file", vault.WriteFile("export.pw", "export-key-2\n"));
        Assert.True(kdbxResult.ExitCode == 0, kdbxResult.Error);
        Assert.Contains("Exported 2 entries", kdbxResult.Output);
        Assert.DoesNotContain("plaintext", kdbxResult.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(exportedKdbx));
        await using (var file = File.OpenRead(exportedKdbx))
        {
            var back = KdbxReader.Read(file, new KdbxCredentials("export-key-2"));
            Assert.Equal(router, back.Root.AllEntries().Single(e => e.Title == "Core router").Password);
            Assert.Equal(printer, back.Root.AllEntries().Single(e => e.Title == "Printer").Password);
        }

        var exportedCsv = Path.Combine(vault.WorkDirectory, "export.csv");
        var csvResult = await vault.VaultAsync("carol", "export", exportedCsv, "--format", "csv", "--folder", "Legacy");
        Assert.True(csvResult.ExitCode == 0, csvResult.Error);
        Assert.Contains("plaintext", csvResult.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(exportedCsv));
        var csv = await File.ReadAllTextAsync(exportedCsv);
        Assert.Contains(router, csv);
        Assert.Contains("Printer", csv);

        var again = await vault.VaultAsync("carol", "export", exportedCsv, "--format", "csv", "--folder", "Legacy");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Error);
    }

    [Fact]
    public async Task Import_WrongPassword_FailsAndCreatesNothing()
    {
        var source = new TransferFolder { Name = "Wrong" };
        source.Entries.Add(new TransferEntry { Title = "Unseen", Password = VaultCliFixture.NewSecret() });
        var kdbx = Path.Combine(vault.WorkDirectory, "wrong.kdbx");
        await using (var file = File.Create(kdbx)) KdbxWriter.Write(source, file, new KdbxCredentials("right-key"), FastKdf);

        var result = await vault.VaultAsync("carol", "import", kdbx, "--format", "kdbx", "--folder", "WrongKey", "--inherit",
            "--password-file", vault.WriteFile("wrong.pw", "wrong-key"));

        Assert.Equal(1, result.ExitCode);
        Assert.NotEqual("", result.Error.Trim());
        Assert.DoesNotContain("WrongKey", await vault.VaultOkAsync("carol", "ls"));
    }

    [Fact]
    public async Task ImportCsv_WithAColumnMapping_ReadsColumnsItWouldNotRecognise()
    {
        var secret = VaultCliFixture.NewSecret();
        var csv = vault.WriteFile("mapped.csv", $"Thing;Handle;Phrase;Place\nMapped mail;postmaster;{secret};https://mail.acme.test\n");
        const string map = "title=Thing,username=Handle,password=Phrase,url=4";

        var unmapped = await vault.VaultAsync("carol", "import", csv, "--format", "csv", "--folder", "Unmapped", "--inherit");
        var imported = await vault.VaultOkAsync("carol", "import", csv, "--format", "csv", "--folder", "Mapped", "--inherit", "--csv-map", map);

        Assert.Equal(1, unmapped.ExitCode);
        Assert.Contains("1 entries", imported);
        Assert.DoesNotContain(secret, imported);
        Assert.Contains("postmaster", await vault.VaultOkAsync("carol", "show", "Mapped/Mapped mail"));
        Assert.Contains("https://mail.acme.test", await vault.VaultOkAsync("carol", "show", "Mapped/Mapped mail"));
        Assert.Equal(secret + "\n", await vault.VaultOkAsync("carol", "get", "Mapped/Mapped mail", "--reveal"));
    }

    [Fact]
    public async Task ImportAndExport_CheckTheirOptionsBeforeAnyRequest()
    {
        var noRights = await vault.VaultAsync("carol", "import", "x.kdbx", "--format", "kdbx", "--folder", "X", "--password-file", "pw");
        var noPassword = await vault.VaultAsync("carol", "import", "x.kdbx", "--format", "kdbx", "--folder", "X", "--inherit");
        var plainExportWithPassword = await vault.VaultAsync("carol", "export", "x.csv", "--format", "csv", "--password-file", "pw");
        var kdbxExportWithoutPassword = await vault.VaultAsync("carol", "export", "x.kdbx", "--format", "kdbx");
        var mapForKeePass = await vault.VaultAsync("carol", "import", "x.kdbx", "--format", "kdbx", "--folder", "X", "--inherit", "--password-file", "pw",
            "--csv-map", "title=Name");
        var unknownPart = await vault.VaultAsync("carol", "import", "x.csv", "--format", "csv", "--folder", "X", "--inherit", "--csv-map", "colour=Name");

        Assert.All([noRights, noPassword, plainExportWithPassword, kdbxExportWithoutPassword, mapForKeePass, unknownPart],
            r => Assert.Equal(2, r.ExitCode));
        Assert.Contains("colour", unknownPart.Error);
    }
}
