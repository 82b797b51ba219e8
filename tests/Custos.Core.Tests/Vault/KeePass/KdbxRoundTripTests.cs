using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

public class KdbxRoundTripTests
{
    [Theory]
    [InlineData(KdbxCipher.Aes256, KdbxKdf.Argon2id)]
    [InlineData(KdbxCipher.Aes256, KdbxKdf.Argon2d)]
    [InlineData(KdbxCipher.Aes256, KdbxKdf.AesKdf)]
    [InlineData(KdbxCipher.ChaCha20, KdbxKdf.Argon2id)]
    [InlineData(KdbxCipher.ChaCha20, KdbxKdf.Argon2d)]
    [InlineData(KdbxCipher.ChaCha20, KdbxKdf.AesKdf)]
    public void Every_field_survives_each_cipher_and_kdf(KdbxCipher cipher, KdbxKdf kdf)
    {
        var tree = KdbxSamples.Tree();

        var document = KdbxSamples.Read(KdbxSamples.Write(tree, KdbxSamples.Fast(cipher, kdf)));

        KdbxSamples.AssertSameFolder(tree, document.Root);
        Assert.Empty(document.Skipped);
    }

    [Fact]
    public void Uncompressed_files_round_trip()
    {
        var tree = KdbxSamples.Tree();

        var document = KdbxSamples.Read(KdbxSamples.Write(tree, KdbxSamples.Fast() with { Compress = false }));

        KdbxSamples.AssertSameFolder(tree, document.Root);
    }

    [Fact]
    public void Each_write_uses_fresh_seeds_and_keys()
    {
        var tree = KdbxSamples.Tree();

        var first = KdbxSamples.Write(tree, KdbxSamples.Fast());
        var second = KdbxSamples.Write(tree, KdbxSamples.Fast());

        Assert.NotEqual(first.AsSpan(12, 64).ToArray(), second.AsSpan(12, 64).ToArray());
        KdbxSamples.AssertSameFolder(KdbxSamples.Read(first).Root, KdbxSamples.Read(second).Root);
    }

    [Fact]
    public void Identical_attachment_contents_are_stored_once()
    {
        var content = new byte[200_000];
        new Random(7).NextBytes(content);
        var root = new TransferFolder();
        for (int i = 0; i < 5; i++)
        {
            var entry = new TransferEntry { Title = $"e{i}" };
            entry.Attachments.Add(new($"copy{i}.bin", content));
            root.Entries.Add(entry);
        }

        var file = KdbxSamples.Write(root, KdbxSamples.Fast() with { Compress = false });

        Assert.InRange(file.Length, content.Length, 2 * content.Length);
        Assert.All(KdbxSamples.Read(file).Root.Entries, e => Assert.Equal(content, e.Attachments.Single().Content));
    }

    [Fact]
    public void Colliding_and_empty_field_names_get_unique_keys()
    {
        var entry = new TransferEntry { Title = "t", Password = "p" };
        entry.Fields.AddRange([new("Password", "other", true), new("PIN", "1", false), new("PIN", "2", false), new("", "x", false)]);
        var root = new TransferFolder();
        root.Entries.Add(entry);

        var read = KdbxSamples.Read(KdbxSamples.Write(root, KdbxSamples.Fast())).Root.Entries.Single();

        Assert.Equal("p", read.Password);
        Assert.Equal(
            [new("Password (2)", "other", true), new("PIN", "1", false), new("PIN (2)", "2", false), new TransferField("Field", "x", false)],
            read.Fields);
    }

    [Fact]
    public void A_bare_totp_seed_is_written_as_an_otpauth_uri()
    {
        var root = new TransferFolder();
        root.Entries.Add(new TransferEntry { Title = "Mail box", Totp = "jbsw y3dp ehpk 3pxp" });

        var read = KdbxSamples.Read(KdbxSamples.Write(root, KdbxSamples.Fast())).Root.Entries.Single();

        Assert.Equal("otpauth://totp/Mail%20box?secret=JBSWY3DPEHPK3PXP&period=30&digits=6", read.Totp);
    }

    [Fact]
    public void Control_characters_are_dropped_from_plain_fields_but_kept_in_protected_ones()
    {
        var root = new TransferFolder { Name = "db\u0001" };
        var entry = new TransferEntry { Title = "a\u0002b", Password = "x\u0003y", Notes = "emoji 😀 ok" };
        root.Entries.Add(entry);

        var read = KdbxSamples.Read(KdbxSamples.Write(root, KdbxSamples.Fast())).Root;

        Assert.Equal("db", read.Name);
        Assert.Equal("ab", read.Entries[0].Title);
        Assert.Equal("x\u0003y", read.Entries[0].Password);
        Assert.Equal("emoji 😀 ok", read.Entries[0].Notes);
    }

    [Fact]
    public void Wrong_argon2_options_are_refused_when_writing()
    {
        var options = KdbxSamples.Fast() with { Argon2MemoryBytes = 8 * 1024, Argon2Parallelism = 4 };

        Assert.Throws<ArgumentOutOfRangeException>(() => KdbxSamples.Write(new TransferFolder(), options));
    }
}
