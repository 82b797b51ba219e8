using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

/// <summary>A tree that uses every field the codec maps, cheap write options, and a field-by-field comparison.</summary>
internal static class KdbxSamples
{
    public const string Password = "correct horse ✓";

    public static readonly KdbxCredentials Credentials = new(Password);

    /// <summary>Cheap KDF settings, so tests spend their time on the format rather than on the KDF.</summary>
    public static KdbxWriteOptions Fast(KdbxCipher cipher = KdbxCipher.Aes256, KdbxKdf kdf = KdbxKdf.Argon2id) => new()
    {
        Cipher = cipher,
        Kdf = kdf,
        Argon2MemoryBytes = 1 << 20,
        Argon2Iterations = 1,
        Argon2Parallelism = 2,
        AesKdfRounds = 1000,
    };

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    public static TransferFolder Tree()
    {
        var shared = "shared attachment"u8.ToArray();
        var portal = new TransferEntry
        {
            SourceId = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
            Title = "Portal",
            UserName = "alice",
            Password = "pä$$wörd ✓ <&>",
            Notes = "line one\r\nline two\nline three & <four>",
            Totp = "otpauth://totp/Portal:alice?secret=JBSWY3DPEHPK3PXP&period=30&digits=6&issuer=Portal",
            Expires = Utc(2030, 5, 6, 7, 8, 9),
            Created = Utc(2024, 1, 2, 3, 4, 5),
            Modified = Utc(2024, 2, 3, 4, 5, 6),
            ServiceLimitation = "The bank allows at most 12 characters.",
        };
        portal.Urls.AddRange(["https://portal.test/login", "https://alt.portal.test", "androidapp://test.portal"]);
        portal.Fields.AddRange([new("PIN", "1234", true), new("Account", "DE00 1234", false), new("Empty", "", false)]);
        portal.Attachments.AddRange([new("readme.txt", shared), new("random.bin", Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray())]);
        portal.Tags.AddRange(["work", "bank"]);
        var older = new TransferEntry
        {
            SourceId = portal.SourceId, Title = "Portal", UserName = "alice", Password = "first password",
            Created = Utc(2024, 1, 2, 3, 4, 5), Modified = Utc(2024, 1, 2, 3, 4, 5),
        };
        older.Urls.Add("https://portal.test/login");
        older.Attachments.Add(new("readme.txt", shared));
        var old = new TransferEntry
        {
            SourceId = portal.SourceId, Title = "Portal (old)", UserName = "alice", Password = "second password",
            Created = Utc(2024, 1, 2, 3, 4, 5), Modified = Utc(2024, 1, 20, 0, 0, 0),
        };
        old.Fields.Add(new("PIN", "0000", true));
        portal.History.AddRange([older, old]);

        var nested = new TransferEntry { SourceId = Guid.NewGuid(), Title = "Nested", Password = "deep" };
        var deeper = new TransferFolder { Name = "Deeper", SourceId = Guid.NewGuid() };
        deeper.Entries.Add(nested);
        var deep = new TransferFolder { Name = "Deep", SourceId = Guid.NewGuid() };
        deep.Folders.Add(deeper);
        var web = new TransferFolder { Name = "Web", Notes = "Sites", SourceId = Guid.NewGuid() };
        web.Entries.Add(portal);
        web.Folders.Add(deep);
        var root = new TransferFolder { Name = "Custos export", Notes = "Root notes", SourceId = Guid.NewGuid() };
        root.Entries.Add(new TransferEntry { SourceId = Guid.NewGuid(), Title = "Plain", UserName = "bob" });
        root.Folders.AddRange([web, new TransferFolder { Name = "Empty", SourceId = Guid.NewGuid() }]);
        return root;
    }

    public static byte[] Write(TransferFolder root, KdbxWriteOptions options, KdbxCredentials? credentials = null)
    {
        using var output = new MemoryStream();
        KdbxWriter.Write(root, output, credentials ?? Credentials, options);
        return output.ToArray();
    }

    /// <summary>A valid KDBX 4 container around arbitrary XML, from the writer's own container code; the XML is
    /// built with the container's inner random stream, so it can hold protected values.</summary>
    public static byte[] WrapXml(Func<InnerRandomStream, string> xml, KdbxWriteOptions? options = null)
    {
        using var output = new MemoryStream();
        Kdbx4Container.Write(output, Credentials, options ?? Fast(kdf: KdbxKdf.AesKdf), [],
            (payload, protector) => payload.Write(System.Text.Encoding.UTF8.GetBytes(xml(protector))));
        return output.ToArray();
    }

    public static TransferDocument Read(byte[] file, KdbxCredentials? credentials = null, KdbxReadLimits? limits = null) =>
        KdbxReader.Read(new MemoryStream(file), credentials ?? Credentials, limits);

    public static void AssertSameFolder(TransferFolder expected, TransferFolder actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Notes, actual.Notes);
        Assert.Equal(expected.SourceId, actual.SourceId);
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        for (int i = 0; i < expected.Entries.Count; i++)
        {
            AssertSameEntry(expected.Entries[i], actual.Entries[i]);
        }

        Assert.Equal(expected.Folders.Count, actual.Folders.Count);
        for (int i = 0; i < expected.Folders.Count; i++)
        {
            AssertSameFolder(expected.Folders[i], actual.Folders[i]);
        }
    }

    public static void AssertSameEntry(TransferEntry expected, TransferEntry actual)
    {
        Assert.Equal(expected.SourceId, actual.SourceId);
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.UserName, actual.UserName);
        Assert.Equal(expected.Password, actual.Password);
        Assert.Equal(expected.Urls, actual.Urls);
        Assert.Equal(expected.Notes, actual.Notes);
        Assert.Equal(expected.Totp, actual.Totp);
        Assert.Equal(expected.Fields, actual.Fields);
        Assert.Equal(expected.Attachments.Select(a => a.Name), actual.Attachments.Select(a => a.Name));
        Assert.Equal(expected.Attachments.Select(a => Convert.ToHexString(a.Content)),
            actual.Attachments.Select(a => Convert.ToHexString(a.Content)));
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Expires, actual.Expires);
        Assert.Equal(expected.Created, actual.Created);
        Assert.Equal(expected.Modified, actual.Modified);
        Assert.Equal(expected.ServiceLimitation, actual.ServiceLimitation);
        Assert.Equal(expected.History.Count, actual.History.Count);
        for (int i = 0; i < expected.History.Count; i++)
        {
            AssertSameEntry(expected.History[i], actual.History[i]);
        }
    }
}

/// <summary>A scratch directory removed after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("custos-kdbx-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
