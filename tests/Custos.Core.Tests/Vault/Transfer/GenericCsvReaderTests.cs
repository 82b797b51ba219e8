using System.Text;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Csv;
using static Custos.Core.Tests.Vault.Transfer.TransferTestData;

namespace Custos.Core.Tests.Vault.Transfer;

public sealed class GenericCsvReaderTests
{
    // What a German Excel writes for "CSV UTF-8 (durch Trennzeichen getrennt)": BOM, ';', CRLF.
    private const string GermanExcelCsv =
        "Titel;Benutzername;Passwort;Adresse;Notizen;Ordner;Kundennummer\r\n" +
        "Online-Banking;max.mustermann;Grüße1234!;https://bank.example.de;\"Erste Zeile\r\nzweite Zeile; mit Semikolon\";Finanzen/Bank;K-17\r\n" +
        "Stromanbieter;m.muster;Strom€2024;https://strom.example.de;;Haushalt;\r\n";

    [Fact]
    public void Read_GermanExcelFile_DetectsSemicolonBomAndGermanHeaders()
    {
        TransferDocument document = GenericCsvReader.Read(Utf8(GermanExcelCsv, byteOrderMark: true));

        TransferEntry bank = Entry(Folder(document.Root, "Finanzen", "Bank"), "Online-Banking");
        Assert.Equal("max.mustermann", bank.UserName);
        Assert.Equal("Grüße1234!", bank.Password);
        Assert.Equal(["https://bank.example.de"], bank.Urls);
        Assert.Equal("Erste Zeile\r\nzweite Zeile; mit Semikolon", bank.Notes);
        Assert.Equal([new("Kundennummer", "K-17", false)], bank.Fields);
        Assert.Equal("Strom€2024", Entry(Folder(document.Root, "Haushalt"), "Stromanbieter").Password);
        Assert.Empty(document.Skipped);
    }

    [Fact]
    public void ReadHeaderAndDetectMapping_LetTheUserAdjustTheMapping()
    {
        IReadOnlyList<string> header = GenericCsvReader.ReadHeader(Utf8(GermanExcelCsv, byteOrderMark: true));
        CsvColumnMapping detected = GenericCsvReader.DetectMapping(header);
        CsvColumnMapping adjusted = detected with { ExtraColumns = [detected.ExtraColumns[0] with { Secret = true }], Folder = null };

        TransferDocument document = GenericCsvReader.Read(Utf8(GermanExcelCsv), new GenericCsvOptions { Mapping = adjusted });

        Assert.Equal(["Titel", "Benutzername", "Passwort", "Adresse", "Notizen", "Ordner", "Kundennummer"], header);
        Assert.Equal((0, 1, 2, 3, 4, 5), (detected.Title?.Index, detected.UserName?.Index, detected.Password?.Index,
            detected.Url?.Index, detected.Notes?.Index, detected.Folder?.Index));
        Assert.Empty(document.Root.Folders);
        Assert.Equal([new("Kundennummer", "K-17", true)], Entry(document.Root, "Online-Banking").Fields);
    }

    [Theory]
    [InlineData(',')]
    [InlineData(';')]
    [InlineData('\t')]
    public void Read_ExplicitOrDetectedDelimiter_SplitsColumns(char delimiter)
    {
        string csv = string.Join(delimiter, "Title", "Username", "Password") + "\n" + string.Join(delimiter, "Router", "admin", "\"p,a;s\"") + "\n";

        foreach (char? option in new char?[] { null, delimiter })
        {
            TransferEntry router = Assert.Single(GenericCsvReader.Read(Utf8(csv), new GenericCsvOptions { Delimiter = option }).Root.Entries);

            Assert.Equal("admin", router.UserName);
            Assert.Equal("p,a;s", router.Password);
        }
    }

    [Fact]
    public void Read_EnglishHeadersInAnyCase_AreRecognised()
    {
        const string csv = "name,url,USER NAME,password,note,Folder,TOTP,tags,Expires,Created,Last Modified\n" +
            "GitHub,https://github.com,octo,gh-Pass1,personal,Dev/Code,otpauth://totp/GitHub:octo?secret=ABC,\"dev, code\",2030-01-31T00:00:00Z,2020-05-06T07:08:09Z,2024-01-02T03:04:05+02:00\n";

        TransferEntry github = Entry(Folder(GenericCsvReader.Read(Utf8(csv)).Root, "Dev", "Code"), "GitHub");

        Assert.Equal("octo", github.UserName);
        Assert.Equal("gh-Pass1", github.Password);
        Assert.Equal(["https://github.com"], github.Urls);
        Assert.Equal("personal", github.Notes);
        Assert.Equal("otpauth://totp/GitHub:octo?secret=ABC", github.Totp);
        Assert.Equal(["dev", "code"], github.Tags);
        Assert.Equal(new DateTimeOffset(2030, 1, 31, 0, 0, 0, TimeSpan.Zero), github.Expires);
        Assert.Equal(new DateTimeOffset(2020, 5, 6, 7, 8, 9, TimeSpan.Zero), github.Created);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 1, 4, 5, TimeSpan.Zero), github.Modified);
    }

    [Fact]
    public void Read_ExplicitMapping_UsesNamedColumnsExtrasTagsAndDateFormat()
    {
        const string csv = "Account;Login ID;Secret;Site;Customer;PIN;Ablauf;Labels;Ignored\n" +
            "Versicherung;kunde42;V3rs!cherung;https://portal.example.de;C-991;2468;31.12.2025;privat|wichtig;x\n";
        var mapping = new CsvColumnMapping
        {
            Title = CsvColumn.Named("account"),
            UserName = CsvColumn.Named("Login ID"),
            Password = CsvColumn.At(2),
            Url = CsvColumn.Named("Site"),
            Expires = CsvColumn.Named("Ablauf"),
            Tags = CsvColumn.Named("Labels"),
            TagSeparators = "|",
            DateFormat = "dd.MM.yyyy",
            ExtraColumns = [new(CsvColumn.Named("Customer"), "Kundennummer", false), new(CsvColumn.Named("PIN"), "PIN", true)],
        };

        TransferEntry entry = Assert.Single(GenericCsvReader.Read(Utf8(csv), new GenericCsvOptions { Mapping = mapping }).Root.Entries);

        Assert.Equal("Versicherung", entry.Title);
        Assert.Equal("kunde42", entry.UserName);
        Assert.Equal("V3rs!cherung", entry.Password);
        Assert.Equal(["https://portal.example.de"], entry.Urls);
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero), entry.Expires);
        Assert.Equal(["privat", "wichtig"], entry.Tags);
        Assert.Equal([new("Kundennummer", "C-991", false), new("PIN", "2468", true)], entry.Fields);
    }

    [Fact]
    public void Read_FileWithoutHeader_MapsByPosition()
    {
        var mapping = new CsvColumnMapping { Title = CsvColumn.At(0), Password = CsvColumn.At(1), Notes = CsvColumn.At(3) };

        TransferEntry entry = Assert.Single(GenericCsvReader.Read(Utf8("NAS,nas-pw,ignored,rack 2\n"),
            new GenericCsvOptions { Mapping = mapping, HasHeader = false }).Root.Entries);

        Assert.Equal(("NAS", "nas-pw", "rack 2"), (entry.Title, entry.Password, entry.Notes));
    }

    [Theory]
    [InlineData("Title,Username,URL\nA,b,c\n")]
    [InlineData("Password,Notes\nx,y\n")]
    public void Read_WithoutPasswordOrNamingColumn_IsRefused(string csv)
    {
        var error = Assert.Throws<TransferFormatException>(() => GenericCsvReader.Read(Utf8(csv)));

        Assert.Equal("csv.missing-column", error.Code);
    }

    [Fact]
    public void Read_MappedColumnMissing_IsRefusedNamingIt()
    {
        var mapping = new CsvColumnMapping { Title = CsvColumn.Named("Title"), Password = CsvColumn.Named("Kennwort") };

        var error = Assert.Throws<TransferFormatException>(() =>
            GenericCsvReader.Read(Utf8("Title,Password\nA,b\n"), new GenericCsvOptions { Mapping = mapping }));

        Assert.Equal("csv.missing-column", error.Code);
        Assert.Contains("Kennwort", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowWithoutTitle_TakesUrlHostThenUserNameOrIsSkippedByLine()
    {
        const string csv = "Title,Username,Password,URL\n" +
            ",anna,pw1,portal.example.com/login\n" +
            ",bert,pw2,\n" +
            ",,TopSecret-9,\n" +
            ",,,\n";

        TransferDocument document = GenericCsvReader.Read(Utf8(csv));

        Assert.Equal(["portal.example.com", "bert"], document.Root.Entries.Select(entry => entry.Title));
        TransferSkip skip = Assert.Single(document.Skipped);
        Assert.Equal("line 4", skip.Path);
        Assert.DoesNotContain("TopSecret", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnreadableDate_KeepsEntryAndReportsLine()
    {
        const string csv = "Title,Password,Expires\nVPN,vpn-pw,next spring\n";

        TransferDocument document = GenericCsvReader.Read(Utf8(csv));

        Assert.Null(Assert.Single(document.Root.Entries).Expires);
        Assert.Equal("line 2", Assert.Single(document.Skipped).Path);
    }

    [Fact]
    public void Read_Latin1WithoutEncoding_IsRefusedAndReadWithIt()
    {
        byte[] latin1 = Encoding.Latin1.GetBytes("Titel;Passwort\nBüro;Kaffee\n");

        var error = Assert.Throws<TransferFormatException>(() => GenericCsvReader.Read(new MemoryStream(latin1)));
        TransferDocument document = GenericCsvReader.Read(new MemoryStream(latin1), new GenericCsvOptions { Encoding = Encoding.Latin1 });

        Assert.Equal("csv.encoding", error.Code);
        Assert.Equal("Büro", Assert.Single(document.Root.Entries).Title);
    }

    [Fact]
    public void Read_Utf16WithByteOrderMark_IsRead()
    {
        byte[] utf16 = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("Title\tPassword\nÖffi\tticket\n")];

        Assert.Equal("ticket", Assert.Single(GenericCsvReader.Read(new MemoryStream(utf16)).Root.Entries).Password);
    }

    [Fact]
    public void Read_UnclosedQuote_IsCorruptWithLine()
    {
        const string csv = "Title,Password,Notes\nA,a-pw,fine\nB,b-pw,\"never closed\nC,c-pw,swallowed\n";

        var error = Assert.Throws<TransferFormatException>(() => GenericCsvReader.Read(Utf8(csv)));

        Assert.Equal("csv.corrupt", error.Code);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StrayQuote_IsReadAndReported()
    {
        TransferDocument document = GenericCsvReader.Read(Utf8("Title,Password,Notes\nMonitor,m-pw,27\" screen\n"));

        Assert.Equal("27\" screen", Assert.Single(document.Root.Entries).Notes);
        Assert.Equal("line 2", Assert.Single(document.Skipped).Path);
    }

    [Fact]
    public void Read_MoreRowsOrBytesThanLimits_IsRefused()
    {
        const string csv = "Title,Password\nA,1\nB,2\nC,3\n";

        var rows = Assert.Throws<TransferFormatException>(() =>
            GenericCsvReader.Read(Utf8(csv), new GenericCsvOptions { Limits = new CsvReadLimits(1000, 2) }));
        var bytes = Assert.Throws<TransferFormatException>(() =>
            GenericCsvReader.Read(Utf8(csv), new GenericCsvOptions { Limits = new CsvReadLimits(10, 1000) }));

        Assert.Equal(("csv.too-large", "csv.too-large"), (rows.Code, bytes.Code));
    }

    [Fact]
    public void Read_KeePassXcHeader_StripsRootGroupAndIgnoresIcon()
    {
        const string csv = "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"\n" +
            "\"Passwörter\",\"Top\",\"bob\",\"pw2\",\"\",\"\",\"\",\"0\",\"2026-11-27T06:17:55Z\",\"2026-11-27T06:17:55Z\"\n" +
            "\"Passwörter/Web\",\"Portal\",\"alice\",\"=x\"\"y\",\"https://example.test\",\"line1\nline2\",\"\",\"0\",\"2026-11-27T06:17:56Z\",\"2026-11-27T06:17:55Z\"\n";

        TransferDocument document = GenericCsvReader.Read(Utf8(csv));

        Assert.Equal("Passwörter", document.Root.Name);
        Assert.Equal("bob", Entry(document.Root, "Top").UserName);
        TransferEntry portal = Entry(Folder(document.Root, "Web"), "Portal");
        Assert.Equal("=x\"y", portal.Password);
        Assert.Equal("line1\nline2", portal.Notes);
        Assert.Empty(portal.Fields);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 6, 17, 56, TimeSpan.Zero), portal.Modified);
    }

    [Fact]
    public void Read_TenThousandRows_ReadsEveryRow()
    {
        var csv = new StringBuilder("Group;Title;Username;Password;URL;Notes\n");
        for (int i = 0; i < 10_000; i++)
        {
            csv.Append($"Team {i % 10}/Sub {i % 3};Entry {i};user{i};pw-{i}!;https://host{i}.example.com;\"note {i}\nsecond line\"\n");
        }

        TransferDocument document = GenericCsvReader.Read(Utf8(csv.ToString()));

        List<TransferEntry> entries = document.Root.AllEntries().ToList();
        Assert.Equal(10_000, entries.Count);
        Assert.Equal(10, document.Root.Folders.Count);
        TransferEntry last = Entry(Folder(document.Root, "Team 9", "Sub 0"), "Entry 9999");
        Assert.Equal(("user9999", "pw-9999!", "note 9999\nsecond line"), (last.UserName, last.Password, last.Notes));
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => $"pw-{i}!").Order(), entries.Select(entry => entry.Password!).Order());
    }
}
