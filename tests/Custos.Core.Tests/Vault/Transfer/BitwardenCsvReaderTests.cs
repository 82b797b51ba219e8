using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Bitwarden;
using static Custos.Core.Tests.Vault.Transfer.TransferTestData;

namespace Custos.Core.Tests.Vault.Transfer;

public sealed class BitwardenCsvReaderTests
{
    // As Bitwarden's "File > Export vault > .csv" writes it: LF line ends, custom fields as "name: value" lines.
    private const string IndividualCsv =
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n" +
        "Work/Servers,1,login,Build server,\"Jenkins\nbehind VPN\",\"Team: Platform\nRack: B12\",0," +
        "\"https://ci.example.com,https://ci-backup.example.com\",jenkins,\"S3cure,Pass\"\"word\",JBSWY3DPEHPK3PXP\n" +
        ",,note,WLAN zu Hause,\"SSID: Heimnetz\nSchlüssel: siehe Router\",,0,,,,\n" +
        "Privat,,login,,,,0,https://shop.example.org/login,carol,Einkauf!2024,\n" +
        "Privat,,login,,,,0,,,Orphan!Secret,\n";

    [Fact]
    public void Read_Login_MapsEveryColumn()
    {
        TransferDocument document = BitwardenCsvReader.Read(Utf8(IndividualCsv));

        TransferEntry build = Entry(Folder(document.Root, "Work", "Servers"), "Build server");
        Assert.Equal("jenkins", build.UserName);
        Assert.Equal("S3cure,Pass\"word", build.Password);
        Assert.Equal(["https://ci.example.com", "https://ci-backup.example.com"], build.Urls);
        Assert.Equal("Jenkins\nbehind VPN", build.Notes);
        Assert.Equal("JBSWY3DPEHPK3PXP", build.Totp);
        Assert.Equal([new("Team", "Platform", false), new("Rack", "B12", false)], build.Fields);
        Assert.Equal(["Favorite"], build.Tags);
    }

    [Fact]
    public void Read_NoteAndNamelessRows_AreMappedOrSkippedByLine()
    {
        TransferDocument document = BitwardenCsvReader.Read(Utf8(IndividualCsv));

        Assert.Equal("SSID: Heimnetz\nSchlüssel: siehe Router", Entry(document.Root, "WLAN zu Hause").Notes);
        Assert.Equal("Einkauf!2024", Entry(Folder(document.Root, "Privat"), "shop.example.org").Password);
        TransferSkip skip = Assert.Single(document.Skipped);
        Assert.Equal("line 8", skip.Path);
        Assert.DoesNotContain("Orphan", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OrganisationCsv_UsesFirstCollectionAndReportsTheOthers()
    {
        const string csv =
            "collections,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n" +
            "\"Engineering/Databases,Finance\",login,Postgres prod,,,0,postgres://db.example.com,dba,pg-Secret1,\n";

        TransferDocument document = BitwardenCsvReader.Read(Utf8(csv));

        Assert.Equal("pg-Secret1", Entry(Folder(document.Root, "Engineering", "Databases"), "Postgres prod").Password);
        TransferSkip skip = Assert.Single(document.Skipped);
        Assert.Equal("line 2", skip.Path);
        Assert.Contains("Finance", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CsvWithoutBitwardenColumns_IsRefused()
    {
        var error = Assert.Throws<TransferFormatException>(() => BitwardenCsvReader.Read(Utf8("Title,Password\nA,b\n")));

        Assert.Equal("csv.missing-column", error.Code);
    }

    [Fact]
    public void Read_UnknownType_IsSkipped()
    {
        const string csv = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n" +
            ",,card,Visa,,,0,,,,\n";

        TransferDocument document = BitwardenCsvReader.Read(Utf8(csv));

        Assert.Empty(document.Root.AllEntries());
        Assert.Contains("\"card\"", Assert.Single(document.Skipped).Reason, StringComparison.Ordinal);
    }
}
