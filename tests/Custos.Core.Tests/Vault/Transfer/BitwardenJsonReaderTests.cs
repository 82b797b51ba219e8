using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Bitwarden;
using static Custos.Core.Tests.Vault.Transfer.TransferTestData;

namespace Custos.Core.Tests.Vault.Transfer;

public sealed class BitwardenJsonReaderTests
{
    private static TransferDocument ReadIndividual() => BitwardenJsonReader.Read(Utf8(BitwardenJsonSamples.IndividualVault));

    [Fact]
    public void Read_Login_MapsEveryField()
    {
        TransferEntry mail = Entry(Folder(ReadIndividual().Root, "Work"), "Mail server");

        Assert.Equal(Guid.Parse(BitwardenJsonSamples.MailItemId), mail.SourceId);
        Assert.Equal("alice@example.com", mail.UserName);
        Assert.Equal("Frühling2024!", mail.Password);
        Assert.Equal(["https://mail.example.com", "imaps://mail.example.com:993"], mail.Urls);
        Assert.Equal("IMAP: 993\nSMTP: 587", mail.Notes);
        Assert.Equal("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example", mail.Totp);
        Assert.Equal(["Favorite"], mail.Tags);
        Assert.Equal(new DateTimeOffset(2022, 1, 15, 12, 0, 0, TimeSpan.Zero), mail.Created);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 9, 15, 2, 123, TimeSpan.Zero), mail.Modified);
    }

    [Fact]
    public void Read_CustomFields_MapsTextHiddenAndBooleanAndSkipsLinked()
    {
        TransferDocument document = ReadIndividual();
        TransferEntry mail = Entry(Folder(document.Root, "Work"), "Mail server");

        Assert.Equal(
            [new("Customer number", "KD-4711", false), new("Recovery PIN", "8642", true), new("Admin", "true", false)],
            mail.Fields);
        TransferSkip linked = Assert.Single(document.Skipped, skip => skip.Reason.Contains("linked field", StringComparison.Ordinal));
        Assert.Equal("Work/Mail server", linked.Path);
        Assert.Contains("Copy of user", linked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PasswordHistory_BecomesVersionsOldestFirstDifferingOnlyInPassword()
    {
        TransferEntry mail = Entry(Folder(ReadIndividual().Root, "Work"), "Mail server");

        Assert.Equal(["Sommer2022!", "Winter2023!"], mail.History.Select(version => version.Password));
        Assert.Equal(
            [new DateTimeOffset(2023, 6, 10, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 3, 1, 9, 15, 0, TimeSpan.Zero)],
            mail.History.Select(version => version.Modified));
        foreach (TransferEntry version in mail.History)
        {
            Assert.Equal(mail.Title, version.Title);
            Assert.Equal(mail.UserName, version.UserName);
            Assert.Equal(mail.Urls, version.Urls);
            Assert.Equal(mail.Fields, version.Fields);
            Assert.Empty(version.History);
        }
    }

    [Fact]
    public void Read_FolderNamesWithSlash_BuildNestedFolders()
    {
        TransferFolder root = ReadIndividual().Root;

        Assert.Equal(["Work", "Privat"], root.Folders.Select(folder => folder.Name));
        TransferFolder linux = Folder(root, "Work", "Servers", "Linux");
        Assert.Equal(["build-01", "Deploy key"], linux.Entries.Select(entry => entry.Title));
        Assert.Equal(Guid.Parse(BitwardenJsonSamples.WorkFolderId), Folder(root, "Work").SourceId);
        Assert.Null(Folder(root, "Work", "Servers").SourceId);
    }

    [Fact]
    public void Read_SecureNoteWithoutFolder_GoesToRootWithNotesOnly()
    {
        TransferEntry note = Entry(ReadIndividual().Root, "WLAN zu Hause");

        Assert.Equal("SSID: Heimnetz\nSchlüssel: siehe Router", note.Notes);
        Assert.Null(note.Password);
        Assert.Null(note.UserName);
        Assert.Empty(note.Fields);
    }

    [Fact]
    public void Read_Card_BecomesFieldsWithNumberAndCodeSecret()
    {
        TransferEntry card = Entry(Folder(ReadIndividual().Root, "Privat"), "Visa");

        Assert.Equal(
            [
                new("Cardholder name", "Alice Example", false), new("Brand", "Visa", false),
                new("Card number", "4111111111111111", true), new("Expiry month", "7", false),
                new("Expiry year", "2027", false), new("Security code", "123", true),
            ],
            card.Fields);
    }

    [Fact]
    public void Read_Identity_BecomesFieldsAndUserName()
    {
        TransferEntry identity = Entry(Folder(ReadIndividual().Root, "Privat"), "Personalausweis");

        Assert.Equal("aexample", identity.UserName);
        Assert.Contains(new TransferField("Salutation", "Ms", false), identity.Fields);
        Assert.Contains(new TransferField("Address 1", "Hauptstraße 1", false), identity.Fields);
        Assert.Contains(new TransferField("Postal code", "10115", false), identity.Fields);
        Assert.Contains(new TransferField("Social security number", "12 345678 A 123", true), identity.Fields);
        Assert.Contains(new TransferField("Passport number", "C01X00T47", true), identity.Fields);
        Assert.Contains(new TransferField("License number", "B072RRE2I55", true), identity.Fields);
        Assert.DoesNotContain(identity.Fields, field => field.Name == "Middle name");
        Assert.Equal(13, identity.Fields.Count);
    }

    [Fact]
    public void Read_SshKey_KeepsPrivateKeySecret()
    {
        TransferEntry key = Entry(Folder(ReadIndividual().Root, "Work", "Servers", "Linux"), "Deploy key");

        TransferField privateKey = Assert.Single(key.Fields, field => field.Name == "Private key");
        Assert.True(privateKey.Secret);
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n", privateKey.Value, StringComparison.Ordinal);
        Assert.Contains(new TransferField("Public key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests deploy@example", false), key.Fields);
        Assert.Contains(key.Fields, field => field.Name == "Fingerprint" && !field.Secret);
    }

    [Fact]
    public void Read_PasskeyTrashedAndUnknownItems_AreReported()
    {
        TransferDocument document = ReadIndividual();

        Assert.Contains(document.Skipped, skip => skip.Path == "Work/Servers/Linux/build-01" && skip.Reason.Contains("passkey", StringComparison.Ordinal));
        Assert.Contains(document.Skipped, skip => skip.Path == "Old forum" && skip.Reason.Contains("trash", StringComparison.Ordinal));
        Assert.Contains(document.Skipped, skip => skip.Path == "Future thing" && skip.Reason.Contains("type 99", StringComparison.Ordinal));
        Assert.DoesNotContain(document.Root.AllEntries(), entry => entry.Title is "Old forum" or "Future thing");
        Assert.Equal(6, document.Root.AllEntries().Count());
    }

    [Fact]
    public void Read_OrganisationExport_PutsItemsIntoCollections()
    {
        TransferDocument document = BitwardenJsonReader.Read(Utf8(BitwardenJsonSamples.OrganisationVault));

        TransferFolder databases = Folder(document.Root, "Engineering", "Databases");
        Assert.Equal("pg-Secret1", Entry(databases, "Postgres prod").Password);
        Assert.Equal(Guid.Parse(BitwardenJsonSamples.EngineeringCollectionId), Folder(document.Root, "Engineering").SourceId);
        Assert.Empty(Folder(document.Root, "Finance").Entries);
        Assert.Equal("admin", Entry(document.Root, "Shared printer").UserName);
        TransferSkip alsoIn = Assert.Single(document.Skipped);
        Assert.Equal("Engineering/Databases/Postgres prod", alsoIn.Path);
        Assert.Contains("Finance", alsoIn.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BitwardenJsonSamples.AccountEncrypted)]
    [InlineData(BitwardenJsonSamples.PasswordProtected)]
    public void Read_EncryptedExport_IsRefused(string json)
    {
        var error = Assert.Throws<TransferFormatException>(() => BitwardenJsonReader.Read(Utf8(json)));

        Assert.Equal("bitwarden.encrypted", error.Code);
        Assert.Contains("unencrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingComma_ReportsPositionWithoutSecret()
    {
        const string json = """
            {
              "encrypted": false,
              "items": [
                { "type": 1, "name": "Bank", "login": { "password": "Geheim#42" "username": "bob" } }
              ]
            }
            """;

        var error = Assert.Throws<TransferFormatException>(() => BitwardenJsonReader.Read(Utf8(json)));

        Assert.Equal("bitwarden.corrupt", error.Code);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Geheim", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Read_UnquotedPassword_DoesNotQuoteTheCharacterItStoppedAt()
    {
        const string json = """{ "encrypted": false, "items": [ { "type": 1, "login": { "password": Zebra7 } } ] }""";

        var error = Assert.Throws<TransferFormatException>(() => BitwardenJsonReader.Read(Utf8(json)));

        Assert.Equal("bitwarden.corrupt", error.Code);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NestingDeeperThan64_IsCorrupt()
    {
        string json = """{ "encrypted": false, "items": [ { "notes": """ + new string('[', 100) + new string(']', 100) + " } ] }";

        var error = Assert.Throws<TransferFormatException>(() => BitwardenJsonReader.Read(Utf8(json)));

        Assert.Equal("bitwarden.corrupt", error.Code);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{ "encrypted": false, "folders": [] }""")]
    public void Read_JsonThatIsNoExport_IsCorrupt(string json)
    {
        var error = Assert.Throws<TransferFormatException>(() => BitwardenJsonReader.Read(Utf8(json)));

        Assert.Equal("bitwarden.corrupt", error.Code);
    }

    [Fact]
    public void Read_FileOverByteLimit_IsRefused()
    {
        var limits = new BitwardenReadLimits(MaxBytes: 1000, MaxItems: 100);

        var error = Assert.Throws<TransferFormatException>(() => BitwardenJsonReader.Read(Utf8(BitwardenJsonSamples.OrganisationVault), limits));

        Assert.Equal("bitwarden.too-large", error.Code);
    }

    [Fact]
    public void Read_MoreItemsThanLimit_IsRefused()
    {
        var limits = new BitwardenReadLimits(MaxBytes: 1 << 20, MaxItems: 1);

        var error = Assert.Throws<TransferFormatException>(() => BitwardenJsonReader.Read(Utf8(BitwardenJsonSamples.OrganisationVault), limits));

        Assert.Equal("bitwarden.too-large", error.Code);
    }

    [Fact]
    public void Read_ByteOrderMark_IsIgnored()
    {
        TransferDocument document = BitwardenJsonReader.Read(Utf8(BitwardenJsonSamples.OrganisationVault, byteOrderMark: true));

        Assert.Equal(2, document.Root.AllEntries().Count());
    }

    [Fact]
    public void Read_ItemOfWrongShape_IsSkippedAndOthersImported()
    {
        const string json = """
            {
              "encrypted": false,
              "folders": [],
              "items": [
                { "type": 1, "name": 42, "login": { "password": "hunter2" } },
                { "type": 1, "name": "Fine", "login": { "uris": [ "https://fine.example" ], "password": "ok" } }
              ]
            }
            """;

        TransferDocument document = BitwardenJsonReader.Read(Utf8(json));

        Assert.Equal(["https://fine.example"], Entry(document.Root, "Fine").Urls);
        TransferSkip skip = Assert.Single(document.Skipped);
        Assert.Equal("item 1", skip.Path);
        Assert.Contains("\"name\"", skip.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", skip.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ItemWithoutName_TakesUrlHostAsTitle()
    {
        const string json = """
            { "encrypted": false, "items": [ { "type": 1, "name": "", "login": { "uris": [ { "match": null, "uri": "https://portal.example.net/login" } ] } } ] }
            """;

        Assert.Equal("portal.example.net", Assert.Single(BitwardenJsonReader.Read(Utf8(json)).Root.Entries).Title);
    }
}
