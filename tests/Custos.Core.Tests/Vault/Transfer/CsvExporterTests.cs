using System.Text;
using CsvHelper;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Csv;
using static Custos.Core.Tests.Vault.Transfer.TransferTestData;

namespace Custos.Core.Tests.Vault.Transfer;

public sealed class CsvExporterTests
{
    private static byte[] Export(TransferFolder root, CsvExportOptions? options = null)
    {
        using var output = new MemoryStream();
        CsvExporter.Write(root, output, options);
        return output.ToArray();
    }

    /// <summary>The cells of the first data row as a spreadsheet gets them, by column name.</summary>
    private static Dictionary<string, string> FirstRow(byte[] csv)
    {
        using CsvReader reader = CsvReader.Create(csv);
        Assert.True(reader.Read());
        return reader.Headers.Select((name, index) => (name, index)).ToDictionary(column => column.name, column => reader.GetString(column.index) ?? "");
    }

    private static TransferFolder OneEntry(TransferEntry entry)
    {
        var root = new TransferFolder();
        root.Entries.Add(entry);
        return root;
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("+49 30 1234567")]
    [InlineData("-starts-with-minus")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\tafter a tab")]
    [InlineData("\rafter a carriage return")]
    public void Write_CellStartingWithFormulaCharacter_GetsQuotePrefix(string value)
    {
        var entry = new TransferEntry { Title = value, Password = value, Notes = value };
        entry.Urls.Add(value);

        Dictionary<string, string> row = FirstRow(Export(OneEntry(entry)));

        Assert.Equal("'" + value, row["Title"]);
        Assert.Equal("'" + value, row["Password"]);
        Assert.Equal("'" + value, row["Notes"]);
        Assert.Equal("'" + value, row["URL"]);
    }

    [Theory]
    [InlineData("a-b")]
    [InlineData("pass=word")]
    [InlineData("x@y.example")]
    [InlineData(" leading space")]
    [InlineData("Ünïcödé")]
    public void Write_OtherCells_AreUntouched(string value)
    {
        Dictionary<string, string> row = FirstRow(Export(OneEntry(new TransferEntry { Title = "T", Password = value })));

        Assert.Equal(value, row["Password"]);
    }

    [Theory]
    [InlineData("'=already guarded", "''=already guarded")]
    [InlineData("'plain", "''plain")]
    public void Write_CellStartingWithQuote_GetsAnotherSoUndoIsLossless(string value, string written)
    {
        Assert.Equal(written, FirstRow(Export(OneEntry(new TransferEntry { Title = "T", Password = value })))["Password"]);
    }

    [Fact]
    public void Write_StartsWithCustosHeader()
    {
        string text = Encoding.UTF8.GetString(Export(new TransferFolder()));

        Assert.Equal("\uFEFFFolder,Title,Username,Password,URL,Notes,TOTP,Tags,Expires,ServiceLimitation,Fields,SecretFields,Created,Last Modified\r\n", text);
    }

    public static TheoryData<char> Delimiters => new() { ',', ';', '\t' };

    [Theory]
    [MemberData(nameof(Delimiters))]
    public void ExportThenImport_KeepsEveryFieldIncludingGuardedPasswords(char delimiter)
    {
        var root = new TransferFolder();
        TransferFolder servers = new() { Name = "=Servers" };
        var work = new TransferFolder { Name = "Work" };
        work.Folders.Add(servers);
        root.Folders.Add(work);
        string[] passwords = ["=cmd|' /C calc'!A0", "-5", "+x", "@home", "\tTab", "\rCR", "'=guarded already", "'", "a-b", " spaced "];
        for (int i = 0; i < passwords.Length; i++)
        {
            var entry = new TransferEntry
            {
                Title = $"Entry {i}",
                UserName = $"user{i}@example.com",
                Password = passwords[i],
                Notes = $"Note {i}\nsecond line, \"quoted\"; semicolon",
                Totp = "otpauth://totp/Custos:user?secret=JBSWY3DPEHPK3PXP",
                ServiceLimitation = "-max 12 characters",
                Expires = new DateTimeOffset(2027, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)),
                Created = new DateTimeOffset(2020, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
                Modified = new DateTimeOffset(2024, 9, 10, 11, 12, 13, TimeSpan.Zero).AddTicks(1234),
            };
            entry.Urls.AddRange(["https://one.example.com", "https://two.example.com/a,b"]);
            entry.Tags.AddRange(["work", "Ünïcödé"]);
            // Secret fields have a column of their own, so they come back after the others.
            entry.Fields.AddRange(
            [
                new("Customer", "=K-17", false),
                new("Empty", "", false),
                new("Recovery codes", "1111-2222\n3333-4444\r\n 5555", true),
                new("PIN", "-0042", true),
            ]);
            (i % 2 == 0 ? root : servers).Entries.Add(entry);
        }

        TransferDocument read = GenericCsvReader.Read(new MemoryStream(Export(root, new CsvExportOptions { Delimiter = delimiter })));

        Assert.Empty(read.Skipped);
        foreach ((TransferFolder source, TransferFolder target) in new[] { (root, read.Root), (servers, Folder(read.Root, "Work", "=Servers")) })
        {
            Assert.Equal(source.Entries.Count, target.Entries.Count);
            foreach ((TransferEntry expected, TransferEntry actual) in source.Entries.Zip(target.Entries))
            {
                AssertSameEntry(expected, actual);
            }
        }
    }

    [Fact]
    public void Import_ForeignFileWithLeadingQuote_KeepsItUnlessAsked()
    {
        const string csv = "Title,Password\nLegacy,'=x\n";

        Assert.Equal("'=x", Assert.Single(GenericCsvReader.Read(Utf8(csv)).Root.Entries).Password);
        Assert.Equal("=x", Assert.Single(GenericCsvReader.Read(Utf8(csv), new GenericCsvOptions { UndoFormulaGuard = true }).Root.Entries).Password);
    }

    [Fact]
    public void Import_CustosFileWithUndoOff_KeepsGuard()
    {
        byte[] csv = Export(OneEntry(new TransferEntry { Title = "T", Password = "=x" }));

        TransferEntry entry = Assert.Single(GenericCsvReader.Read(new MemoryStream(csv), new GenericCsvOptions { UndoFormulaGuard = false }).Root.Entries);

        Assert.Equal("'=x", entry.Password);
    }

    [Fact]
    public void Write_ReportsHistoryAndAttachmentsItLeavesOut()
    {
        var root = new TransferFolder();
        var folder = new TransferFolder { Name = "Team" };
        root.Folders.Add(folder);
        var entry = new TransferEntry { Title = "Wiki", Password = "w" };
        entry.History.Add(new TransferEntry { Title = "Wiki", Password = "old" });
        entry.Attachments.Add(new TransferAttachment("a.txt", [1]));
        folder.Entries.Add(entry);

        using var output = new MemoryStream();
        IReadOnlyList<TransferSkip> skipped = CsvExporter.Write(root, output);

        Assert.Equal(["Team/Wiki", "Team/Wiki"], skipped.Select(skip => skip.Path));
        Assert.Contains("history", skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("attachment", skipped[1].Reason, StringComparison.Ordinal);
    }
}
