using System.Security.Cryptography;
using System.Text;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

public class KdbxBadInputTests
{
    private const string EntryPassword = "entry secret 9";
    private static readonly KdbxWriteOptions Cheap = KdbxSamples.Fast(kdf: KdbxKdf.AesKdf);

    private static byte[] SmallFile(KdbxWriteOptions? options = null)
    {
        var root = new TransferFolder { Name = "db" };
        var entry = new TransferEntry { Title = "one", UserName = "user", Password = EntryPassword };
        entry.Attachments.Add(new("a.txt", "attachment"u8.ToArray()));
        root.Entries.Add(entry);
        return KdbxSamples.Write(root, options ?? Cheap);
    }

    /// <summary>Reads and expects a refusal with one of the codes, whose message gives away no secret.</summary>
    private static TransferFormatException Refused(byte[] file, KdbxCredentials? credentials = null,
        KdbxReadLimits? limits = null, params string[] codes)
    {
        var error = Assert.Throws<TransferFormatException>(() => KdbxSamples.Read(file, credentials, limits));
        Assert.Contains(error.Code, codes);
        Assert.DoesNotContain(KdbxSamples.Password, error.Message);
        Assert.DoesNotContain(EntryPassword, error.Message);
        return error;
    }

    [Fact]
    public void A_wrong_password_is_reported_as_wrong_key()
    {
        Refused(SmallFile(), new KdbxCredentials("not it"), codes: KdbxErrorCodes.WrongKey);
        Refused(SmallFile(), new KdbxCredentials(KdbxSamples.Password, [1, 2, 3]), codes: KdbxErrorCodes.WrongKey);
    }

    [Fact]
    public void A_wrong_password_on_a_keepassxc_kdbx_3_1_file_is_reported_as_wrong_key()
    {
        using var dir = new TempDirectory();
        var file = KeePassXc31File(dir);

        var error = Refused(file, new KdbxCredentials("not it"), codes: KdbxErrorCodes.WrongKey);

        Assert.Equal("one", KdbxSamples.Read(file, new KdbxCredentials("xc"))!.Root.Entries.Single().Title);
        Assert.Contains("wrong", error.Message);
    }

    [Fact]
    public void Every_truncation_of_a_kdbx_4_file_is_refused()
    {
        var file = SmallFile();

        for (int length = 0; length < file.Length; length++)
        {
            var code = length < 8 ? KdbxErrorCodes.NotKdbx : KdbxErrorCodes.Truncated;
            Refused(file[..length], codes: code);
        }
    }

    [Fact]
    public void Truncations_of_a_keepassxc_kdbx_3_1_file_are_refused()
    {
        using var dir = new TempDirectory();
        var file = KeePassXc31File(dir);

        foreach (int length in new[] { 0, 7, 11, 40, 200, file.Length / 2, file.Length - 17, file.Length - 1 })
        {
            Refused(file[..length], new KdbxCredentials("xc"), codes:
                [KdbxErrorCodes.NotKdbx, KdbxErrorCodes.Truncated, KdbxErrorCodes.Corrupt]);
        }
    }

    /// <summary>Every single-bit change anywhere in the file is caught: the header by its SHA-256, the payload by
    /// the block MACs; a changed header MAC cannot be told from a wrong key.</summary>
    [Fact]
    public void Every_flipped_bit_in_a_kdbx_4_file_is_refused()
    {
        var file = SmallFile();
        int headerEnd = HeaderEnd(file);

        for (int position = 0; position < file.Length; position++)
        {
            var damaged = file.ToArray();
            damaged[position] ^= (byte)(1 << (position % 8));
            string[] codes = position < 8 ? [KdbxErrorCodes.NotKdbx, KdbxErrorCodes.Unsupported]
                : position < headerEnd ? [KdbxErrorCodes.Corrupt, KdbxErrorCodes.Unsupported, KdbxErrorCodes.Truncated]
                : position < headerEnd + 32 ? [KdbxErrorCodes.Corrupt]
                : position < headerEnd + 64 ? [KdbxErrorCodes.WrongKey]
                : [KdbxErrorCodes.Corrupt, KdbxErrorCodes.Truncated];
            Refused(damaged, codes: codes);
        }
    }

    [Fact]
    public void Flipped_bytes_in_a_keepassxc_kdbx_3_1_file_are_refused()
    {
        using var dir = new TempDirectory();
        var file = KeePassXc31File(dir);

        // Header fields, the encrypted start bytes (which only a key check can catch), the hashed blocks, the end.
        foreach (int position in new[] { 20, 60, 120, 200, 240, 260, 300, file.Length / 2, file.Length - 20, file.Length - 1 })
        {
            var damaged = file.ToArray();
            damaged[position] ^= 0x40;
            Refused(damaged, new KdbxCredentials("xc"), codes:
                [KdbxErrorCodes.Corrupt, KdbxErrorCodes.WrongKey, KdbxErrorCodes.Unsupported, KdbxErrorCodes.Truncated]);
        }
    }

    /// <summary>KDBX 3 has no header MAC: a changed inner-stream key still decrypts, and only the header hash in
    /// the XML catches it.</summary>
    [Fact]
    public void A_changed_kdbx_3_1_header_is_caught_by_the_header_hash()
    {
        using var dir = new TempDirectory();
        var file = KeePassXc31File(dir);
        int position = 12;
        while (file[position] != 8)
        {
            position += 3 + BitConverter.ToUInt16(file, position + 1);
        }

        file[position + 3] ^= 1;

        var error = Refused(file, new KdbxCredentials("xc"), codes: KdbxErrorCodes.Corrupt);
        Assert.Contains("header does not match", error.Message);
    }

    [Fact]
    public void Random_bytes_are_not_a_kdbx_file()
    {
        var random = new Random(1);
        foreach (int length in new[] { 0, 1, 12, 100, 4096 })
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            Refused(bytes, codes: KdbxErrorCodes.NotKdbx);
        }

        Refused(Encoding.UTF8.GetBytes("<KeePassFile><Root/></KeePassFile>"), codes: KdbxErrorCodes.NotKdbx);
    }

    [Fact]
    public void Random_bytes_after_a_valid_signature_are_refused()
    {
        var random = new Random(2);
        var file = SmallFile();
        for (int i = 0; i < 20; i++)
        {
            var bytes = new byte[200 + i * 50];
            random.NextBytes(bytes);
            file.AsSpan(0, 12).CopyTo(bytes);
            Refused(bytes, codes: [KdbxErrorCodes.Corrupt, KdbxErrorCodes.Truncated, KdbxErrorCodes.Unsupported]);
        }
    }

    [Fact]
    public void Unknown_versions_ciphers_and_keepass_1_files_are_unsupported()
    {
        var file = SmallFile();

        var version5 = file.ToArray();
        version5[10] = 5;
        Assert.Contains("version 5", Refused(version5, codes: KdbxErrorCodes.Unsupported).Message);

        var twofish = file.ToArray();
        Convert.FromHexString("AD68F29F576F4BB9A36AD47AF965346C").CopyTo(twofish, 17);
        Assert.Contains("Twofish", Refused(twofish, codes: KdbxErrorCodes.Unsupported).Message);

        var keePass1 = file.ToArray();
        keePass1[4] = 0x65;
        Assert.Contains("KeePass 1", Refused(keePass1, codes: KdbxErrorCodes.Unsupported).Message);
    }

    /// <summary>A hostile file names a KDF cost; it is refused before any of that work is done.</summary>
    [Theory]
    [InlineData(KdbxKdf.Argon2id, "M", 2UL << 30, "MiB of Argon2 memory")]
    [InlineData(KdbxKdf.Argon2d, "I", 1UL << 40, "Argon2 iterations")]
    [InlineData(KdbxKdf.Argon2id, "P", 100UL, "Argon2 lanes")]
    [InlineData(KdbxKdf.AesKdf, "R", 1UL << 40, "AES-KDF rounds")]
    public void Costly_kdf_parameters_are_refused_before_deriving(KdbxKdf kdf, string key, ulong value, string message)
    {
        var file = PatchKdfParameter(SmallFile(KdbxSamples.Fast(kdf: kdf)), key, value);

        // Deriving with these values would not finish within the test run, so an answer at all means it was refused first.
        Assert.Contains(message, Refused(file, codes: KdbxErrorCodes.Unsupported).Message);
    }

    [Fact]
    public void Kdf_limits_can_be_tightened()
    {
        var file = SmallFile(KdbxSamples.Fast());

        Refused(file, limits: new KdbxReadLimits { MaxArgon2MemoryBytes = 512 * 1024 }, codes: KdbxErrorCodes.Unsupported);
        Refused(SmallFile(), limits: new KdbxReadLimits { MaxAesKdfRounds = 999 }, codes: KdbxErrorCodes.Unsupported);
    }

    [Fact]
    public void A_dtd_with_entity_expansion_is_refused()
    {
        var entities = new StringBuilder("<!ENTITY e0 \"lollollollollollol\">");
        for (int i = 1; i < 10; i++)
        {
            entities.Append($"<!ENTITY e{i} \"{string.Concat(Enumerable.Repeat($"&e{i - 1};", 10))}\">");
        }

        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE KeePassFile [{entities}]>
            <KeePassFile><Root><Group><Name>&e9;</Name></Group></Root></KeePassFile>
            """;

        Refused(WrapXml(xml), codes: KdbxErrorCodes.UnsafeXml);
    }

    [Fact]
    public void Ten_thousand_nested_groups_are_refused()
    {
        var xml = "<KeePassFile><Root>" + string.Concat(Enumerable.Repeat("<Group><Name>g</Name>", 10_000))
            + string.Concat(Enumerable.Repeat("</Group>", 10_000)) + "</Root></KeePassFile>";

        Assert.Contains("64 levels", Refused(WrapXml(xml), codes: KdbxErrorCodes.TooLarge).Message);
    }

    [Fact]
    public void Ten_thousand_nested_unknown_elements_are_refused()
    {
        var xml = "<KeePassFile><Meta>" + string.Concat(Enumerable.Repeat("<X>", 10_000))
            + string.Concat(Enumerable.Repeat("</X>", 10_000)) + "</Meta><Root><Group/></Root></KeePassFile>";

        Assert.Contains("256 levels", Refused(WrapXml(xml), codes: KdbxErrorCodes.TooLarge).Message);
    }

    [Fact]
    public void Sixty_four_levels_of_groups_are_read()
    {
        var xml = "<KeePassFile><Root>" + string.Concat(Enumerable.Repeat("<Group><Name>g</Name>", 65))
            + string.Concat(Enumerable.Repeat("</Group>", 65)) + "</Root></KeePassFile>";

        var folder = KdbxSamples.Read(WrapXml(xml)).Root;

        int depth = 0;
        for (; folder.Folders.Count > 0; folder = folder.Folders[0])
        {
            depth++;
        }

        Assert.Equal(64, depth);
    }

    /// <summary>Zeros compress about a thousandfold: a small file that would expand past the limit (a gzip bomb)
    /// stops at the limit.</summary>
    [Fact]
    public void A_payload_decompressing_past_the_limit_is_refused()
    {
        var root = new TransferFolder();
        var entry = new TransferEntry { Title = "bomb" };
        entry.Attachments.Add(new("zeros.bin", new byte[32 << 20]));
        root.Entries.Add(entry);
        var file = KdbxSamples.Write(root, Cheap);

        Assert.True(file.Length < 100_000, $"the file is {file.Length} bytes");
        Refused(file, limits: new KdbxReadLimits { MaxDecompressedBytes = 8 << 20 }, codes: KdbxErrorCodes.TooLarge);
        Assert.Equal(32 << 20, KdbxSamples.Read(file).Root.Entries[0].Attachments[0].Content.Length);
    }

    [Fact]
    public void Malformed_xml_is_corrupt()
    {
        Refused(WrapXml("<KeePassFile><Root><Group><Name>x</Group></Root></KeePassFile>"), codes: KdbxErrorCodes.Corrupt);
        Refused(WrapXml("<Other/>"), codes: KdbxErrorCodes.Corrupt);
        Refused(WrapXml("<KeePassFile><Meta/></KeePassFile>"), codes: KdbxErrorCodes.Corrupt);
    }

    internal static byte[] WrapXml(string xml) => KdbxSamples.WrapXml(_ => xml, Cheap);

    /// <summary>Our writer's header ends with the end-of-header field (id 0, length 4, CR LF CR LF).</summary>
    private static int HeaderEnd(byte[] file) => file.AsSpan().IndexOf(new byte[] { 0, 4, 0, 0, 0, 13, 10, 13, 10 }) + 9;

    /// <summary>Sets one KDF dictionary value and re-hashes the header, so only the KDF check can refuse it.</summary>
    private static byte[] PatchKdfParameter(byte[] file, string key, ulong value)
    {
        var patched = file.ToArray();
        byte type = key == "P" ? (byte)0x04 : (byte)0x05;
        byte size = key == "P" ? (byte)4 : (byte)8;
        int at = patched.AsSpan().IndexOf(new byte[] { type, 1, 0, 0, 0, (byte)key[0], size, 0, 0, 0 }) + 10;
        Assert.True(at >= 10, $"KDF parameter {key} not found");
        BitConverter.GetBytes(value).AsSpan(0, size).CopyTo(patched.AsSpan(at));
        int end = HeaderEnd(patched);
        SHA256.HashData(patched.AsSpan(0, end)).CopyTo(patched, end);
        return patched;
    }

    private static byte[] KeePassXc31File(TempDirectory dir)
    {
        var db = dir.File("xc31.kdbx");
        KeePassXcCli.Run("xc\nxc\n", "db-create", "-p", "-t", "100", db);
        KeePassXcCli.Run("xc\n" + EntryPassword + "\n" + EntryPassword + "\n", "add", "-p", db, "one");
        return File.ReadAllBytes(db);
    }
}
