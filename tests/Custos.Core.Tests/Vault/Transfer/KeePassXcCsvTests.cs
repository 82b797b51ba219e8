using System.Diagnostics;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Csv;
using static Custos.Core.Tests.Vault.Transfer.TransferTestData;

namespace Custos.Core.Tests.Vault.Transfer;

/// <summary>Reads a CSV file that the real keepassxc-cli exported. The test fails when keepassxc-cli is missing
/// (test.sh installs it), so a machine without it cannot pass unnoticed.</summary>
public sealed class KeePassXcCsvTests : IDisposable
{
    private const string DatabasePassword = "db-Passw0rd";
    private readonly string _directory = Directory.CreateTempSubdirectory("custos-kpxc-").FullName;

    private string Database => Path.Combine(_directory, "export.kdbx");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Read_KeePassXcCliExport_MapsGroupsAndFields()
    {
        Cli(DatabasePassword + "\n" + DatabasePassword + "\n", "db-create", "-p", Database);
        Cli(DatabasePassword + "\n", "mkdir", Database, "Web");
        Cli(DatabasePassword + "\n", "mkdir", Database, "Web/Intern");
        Cli(DatabasePassword + "\n=x\"y,z\n=x\"y,z\n", "add", "-u", "alice", "--url", "https://example.test",
            "--notes", "line1\nline2", "-p", Database, "Web/Intern/Portal");
        Cli(DatabasePassword + "\n-top\n-top\n", "add", "-u", "bob", "-p", Database, "Top");
        string csv = Cli(DatabasePassword + "\n", "export", "--format", "csv", Database);

        TransferDocument document = GenericCsvReader.Read(Utf8(csv));

        Assert.StartsWith("\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"", csv, StringComparison.Ordinal);
        Assert.Equal("Passwords", document.Root.Name);
        TransferEntry top = Entry(document.Root, "Top");
        Assert.Equal(("bob", "-top"), (top.UserName, top.Password));
        TransferEntry portal = Entry(Folder(document.Root, "Web", "Intern"), "Portal");
        Assert.Equal("alice", portal.UserName);
        Assert.Equal("=x\"y,z", portal.Password);
        Assert.Equal(["https://example.test"], portal.Urls);
        Assert.Equal("line1\nline2", portal.Notes);
        Assert.Empty(portal.Fields);
        Assert.NotNull(portal.Created);
        Assert.NotNull(portal.Modified);
        Assert.Empty(document.Skipped);
    }

    private static string Cli(string input, params string[] arguments)
    {
        var start = new ProcessStartInfo("keepassxc-cli")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"keepassxc-cli {arguments[0]} failed: {error.Result}");
        return output;
    }
}
