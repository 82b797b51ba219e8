using System.Buffers.Binary;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

/// <summary>Files written by the real keepassxc-cli, read by our reader.</summary>
public class KdbxFromKeePassXcTests
{
    private const string DbPassword = "xc pass ✓";
    private const string Stdin = DbPassword + "\n";
    private static readonly KdbxCredentials Credentials = new(DbPassword);

    /// <summary>keepassxc-cli db-create uses AES-KDF, and KeePassXC then writes KDBX 3.1 unless a KDBX 4 feature is
    /// in use: so this is a real 3.1 file (AES-256-CBC, Salsa20 inner stream, binaries in Meta, header hash).
    /// Recycling an entry records its previous group, a 4.1 feature, so KeePassXC then writes KDBX 4.1.</summary>
    [Fact]
    public void A_cli_database_is_read_as_kdbx_3_1_and_after_recycling_as_4_1()
    {
        using var dir = new TempDirectory();
        var db = dir.File("cli.kdbx");
        KeePassXcCli.Run(Stdin + Stdin, "db-create", "-p", "-t", "100", db);
        KeePassXcCli.Run(Stdin, "mkdir", db, "Web");
        KeePassXcCli.Run(Stdin + "first pw\nfirst pw\n", "add", "-u", "alice", "--url", "https://example.test",
            "--notes", "line 1\nline 2", "-p", db, "Web/Portal");
        var attachment = dir.File("note.txt");
        File.WriteAllText(attachment, "attached text ✓");
        KeePassXcCli.Run(Stdin, "attachment-import", db, "Web/Portal", "note.txt", attachment);
        KeePassXcCli.Run(Stdin + "second pw ü\nsecond pw ü\n", "edit", "-p", db, "Web/Portal");
        var version31 = File.ReadAllBytes(db);
        KeePassXcCli.Run(Stdin + "x\nx\n", "add", "-p", db, "Web/Old");
        KeePassXcCli.Run(Stdin, "rm", db, "Web/Old");
        var version41 = File.ReadAllBytes(db);

        Assert.Equal(0x00030001u, BinaryPrimitives.ReadUInt32LittleEndian(version31.AsSpan(8)));
        Assert.Equal(0x00040001u, BinaryPrimitives.ReadUInt32LittleEndian(version41.AsSpan(8)));
        foreach (var file in new[] { version31, version41 })
        {
            var document = KdbxSamples.Read(file, Credentials);
            var web = Assert.Single(document.Root.Folders);
            Assert.Equal("Web", web.Name);
            var portal = Assert.Single(web.Entries);
            Assert.Equal(("Portal", "alice", "second pw ü", "line 1\nline 2"),
                (portal.Title, portal.UserName, portal.Password, portal.Notes));
            Assert.Equal(["https://example.test"], portal.Urls);
            Assert.Equal("attached text ✓", System.Text.Encoding.UTF8.GetString(Assert.Single(portal.Attachments).Content));
            Assert.Contains(portal.History, h => h.Password == "first pw");
            Assert.All(portal.History, h => Assert.Empty(h.History));
            Assert.NotNull(portal.Created);
            Assert.NotNull(portal.SourceId);
            Assert.Equal(file == version41 ? 1 : 0, document.Skipped.Count);
        }

        var skip = Assert.Single(KdbxSamples.Read(version41, Credentials).Skipped);
        Assert.Equal("Recycle Bin", skip.Path);
        Assert.Contains("1 deleted entries", skip.Reason);
    }

    /// <summary>An XML import with entry custom data makes KeePassXC write KDBX 4 (inner header, ChaCha20 inner
    /// stream, binaries in the inner header), and lets the test set every field the CLI has no option for.</summary>
    [Fact]
    public void An_imported_xml_database_is_read_as_kdbx_4_with_every_field()
    {
        using var dir = new TempDirectory();
        var xml = dir.File("in.xml");
        File.WriteAllText(xml, ImportXml);
        var db = dir.File("imported.kdbx");
        KeePassXcCli.Run(Stdin + Stdin, "import", "-p", "-t", "100", xml, db);
        var file = File.ReadAllBytes(db);

        var document = KdbxSamples.Read(file, Credentials);

        Assert.Equal(0x00040000u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));
        Assert.Equal("Imported", document.Root.Name);
        var web = Assert.Single(document.Root.Folders);
        Assert.Equal(Guid.Parse("56e7e770-6964-47d2-929e-7d1d36dc7870"), web.SourceId);
        var portal = web.Entries.Single(e => e.Title == "Portal");
        Assert.Equal(Guid.Parse("b33d9e4c-a87e-43f2-b340-5f2da3c2e72b"), portal.SourceId);
        Assert.Equal(("alice", "s3cr3t ✓", "Notes\nsecond line"), (portal.UserName, portal.Password, portal.Notes));
        Assert.Equal(["https://example.test", "https://second.test", "https://third.test"], portal.Urls);
        Assert.Equal("otpauth://totp/Portal?secret=JBSWY3DPEHPK3PXP&period=30&digits=6", portal.Totp);
        Assert.Equal("Only digits allowed.", portal.ServiceLimitation);
        Assert.Equal([new TransferField("Account", "42", false), new TransferField("PIN", "1234", true)],
            portal.Fields.OrderBy(f => f.Name));
        Assert.Equal(["urgent", "work"], portal.Tags.Order());
        Assert.Equal(KdbxSamples.Utc(2030, 5, 6, 7, 8, 9), portal.Expires);
        Assert.Equal(KdbxSamples.Utc(2024, 1, 2, 3, 4, 5), portal.Created);
        Assert.Equal(KdbxSamples.Utc(2024, 2, 3, 4, 5, 6), portal.Modified);
        Assert.Equal("hello world", System.Text.Encoding.UTF8.GetString(Assert.Single(portal.Attachments).Content));
        var old = Assert.Single(portal.History);
        Assert.Equal(("Portal old", "old ✓"), (old.Title, old.Password));
        Assert.Equal("hello world", System.Text.Encoding.UTF8.GetString(Assert.Single(old.Attachments).Content));

        var keePass2 = web.Entries.Single(e => e.Title == "KeePass 2 TOTP");
        Assert.Equal("otpauth://totp/KeePass%202%20TOTP?secret=GEZDGNBVGY3TQOJQ&period=60&digits=8&algorithm=SHA256", keePass2.Totp);
        Assert.Empty(keePass2.Fields);
        Assert.Null(keePass2.Expires);
    }

    /// <summary>KeePassXC re-saves our Argon2 files with their KDF and cipher: a KDBX 4 file from its own writer
    /// and libargon2, whose output Konscious must match.</summary>
    [Theory]
    [InlineData(KdbxCipher.Aes256, KdbxKdf.Argon2id)]
    [InlineData(KdbxCipher.ChaCha20, KdbxKdf.Argon2d)]
    public void A_database_saved_by_keepassxc_with_argon2_is_read(KdbxCipher cipher, KdbxKdf kdf)
    {
        using var dir = new TempDirectory();
        var db = dir.File("resaved.kdbx");
        var tree = KdbxSamples.Tree();
        var ours = KdbxSamples.Write(tree, KdbxSamples.Fast(cipher, kdf) with { Argon2MemoryBytes = 3 << 20, Argon2Iterations = 2 });
        File.WriteAllBytes(db, ours);
        KeePassXcCli.Run(KdbxSamples.Password + "\nxc entry pw\nxc entry pw\n", "add", "-u", "carol", "-p", db, "Web/Added");
        var attachment = dir.File("blob.bin");
        File.WriteAllBytes(attachment, [0, 1, 2, 255]);
        KeePassXcCli.Run(KdbxSamples.Password + "\n", "attachment-import", db, "Web/Added", "blob.bin", attachment);
        var resaved = File.ReadAllBytes(db);

        var document = KdbxSamples.Read(resaved);

        Assert.NotEqual(ours, resaved);
        var info = KeePassXcCli.Run(KdbxSamples.Password + "\n", "db-info", db).Output;
        Assert.Contains(cipher == KdbxCipher.ChaCha20 ? "Cipher: ChaCha20" : "Cipher: AES 256", info);
        Assert.Contains($"KDF: {kdf} (2 rounds, 3072 KB)", info);
        var web = document.Root.Folders[0];
        var added = web.Entries.Single(e => e.Title == "Added");
        Assert.Equal(("carol", "xc entry pw"), (added.UserName, added.Password));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, Assert.Single(added.Attachments).Content);
        var portal = tree.Folders[0].Entries[0];
        foreach (var version in portal.History.Prepend(portal))
        {
            AsKeePassXcKeepsIt(version);
        }

        KdbxSamples.AssertSameEntry(portal, web.Entries.Single(e => e.Title == "Portal"));
    }

    /// <summary>KeePassXC folds CR LF to LF when it loads a database and keeps fields, attachments and tags
    /// sorted.</summary>
    private static void AsKeePassXcKeepsIt(TransferEntry entry)
    {
        entry.Tags.Sort(StringComparer.Ordinal);
        entry.Notes = entry.Notes?.Replace("\r\n", "\n", StringComparison.Ordinal);
        var fields = entry.Fields.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        entry.Fields.Clear();
        entry.Fields.AddRange(fields);
        var attachments = entry.Attachments.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        entry.Attachments.Clear();
        entry.Attachments.AddRange(attachments);
    }

    [Fact]
    public void A_database_with_a_keepassxc_key_file_is_read_with_password_and_key_file()
    {
        using var dir = new TempDirectory();
        var db = dir.File("keyed.kdbx");
        var keyFile = dir.File("keyed.key");
        KeePassXcCli.Run(Stdin + Stdin, "db-create", "-p", "-t", "100", "--set-key-file", keyFile, db);
        KeePassXcCli.Run(Stdin + "entry pw\nentry pw\n", "add", "-k", keyFile, "-u", "dave", "-p", db, "Keyed");
        var file = File.ReadAllBytes(db);

        var entry = KdbxSamples.Read(file, new KdbxCredentials(DbPassword, File.ReadAllBytes(keyFile))).Root.Entries.Single();

        Assert.Equal(("Keyed", "dave", "entry pw"), (entry.Title, entry.UserName, entry.Password));
        var withoutKey = Assert.Throws<TransferFormatException>(() => KdbxSamples.Read(file, Credentials));
        Assert.Equal(KdbxErrorCodes.WrongKey, withoutKey.Code);
    }

    // A KeePass XML export as KeePassXC imports it: ProtectInMemory marks protected fields, times are ISO 8601,
    // attachments sit in Meta. The entry custom data is what makes KeePassXC write KDBX 4.
    private const string ImportXml = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <KeePassFile>
          <Meta><Generator>test</Generator><DatabaseName>Imported</DatabaseName>
            <Binaries><Binary ID="0">aGVsbG8gd29ybGQ=</Binary></Binaries></Meta>
          <Root><Group><UUID>nCrNaEgcTIOMdyNe5V3LXA==</UUID><Name>Imported</Name>
            <Group><UUID>VufncGlkR9KSnn0dNtx4cA==</UUID><Name>Web</Name>
              <Entry><UUID>sz2eTKh+Q/KzQF8to8LnKw==</UUID><Tags>work;urgent</Tags>
                <Times><CreationTime>2024-01-02T03:04:05Z</CreationTime><LastModificationTime>2024-02-03T04:05:06Z</LastModificationTime>
                  <ExpiryTime>2030-05-06T07:08:09Z</ExpiryTime><Expires>True</Expires></Times>
                <String><Key>Title</Key><Value>Portal</Value></String>
                <String><Key>UserName</Key><Value>alice</Value></String>
                <String><Key>Password</Key><Value ProtectInMemory="True">s3cr3t ✓</Value></String>
                <String><Key>URL</Key><Value>https://example.test</Value></String>
                <String><Key>Notes</Key><Value>Notes
        second line</Value></String>
                <String><Key>KP2A_URL</Key><Value>https://second.test</Value></String>
                <String><Key>KP2A_URL_1</Key><Value>https://third.test</Value></String>
                <String><Key>otp</Key><Value ProtectInMemory="True">otpauth://totp/Portal?secret=JBSWY3DPEHPK3PXP&amp;period=30&amp;digits=6</Value></String>
                <String><Key>PIN</Key><Value ProtectInMemory="True">1234</Value></String>
                <String><Key>Account</Key><Value>42</Value></String>
                <String><Key>Custos.ServiceLimitation</Key><Value>Only digits allowed.</Value></String>
                <Binary><Key>hello.txt</Key><Value Ref="0"/></Binary>
                <CustomData><Item><Key>origin</Key><Value>test</Value></Item></CustomData>
                <History><Entry><UUID>sz2eTKh+Q/KzQF8to8LnKw==</UUID>
                  <Times><LastModificationTime>2023-01-01T00:00:00Z</LastModificationTime></Times>
                  <String><Key>Title</Key><Value>Portal old</Value></String>
                  <String><Key>Password</Key><Value ProtectInMemory="True">old ✓</Value></String>
                  <Binary><Key>hello.txt</Key><Value Ref="0"/></Binary></Entry></History>
              </Entry>
              <Entry><UUID>AAECAwQFBgcICQoLDA0ODw==</UUID>
                <String><Key>Title</Key><Value>KeePass 2 TOTP</Value></String>
                <String><Key>TimeOtp-Secret-Base32</Key><Value ProtectInMemory="True">GEZD GNBV GY3T QOJQ</Value></String>
                <String><Key>TimeOtp-Length</Key><Value>8</Value></String>
                <String><Key>TimeOtp-Period</Key><Value>60</Value></String>
                <String><Key>TimeOtp-Algorithm</Key><Value>HMAC-SHA-256</Value></String>
              </Entry>
            </Group></Group></Root>
        </KeePassFile>
        """;
}
