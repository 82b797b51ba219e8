using System.Security.Cryptography;
using System.Text;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

/// <summary>Each key file form KeePass accepts, checked against keepassxc-cli: a file we write with the key file
/// must open there with the same key file.</summary>
public class KdbxKeyFileTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 9 + 1)).ToArray();

    public static TheoryData<string, byte[]> KeyFiles() => new()
    {
        { "xml-v1", Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyFile><Meta><Version>1.00</Version></Meta><Key><Data>{Convert.ToBase64String(Key)}</Data></Key></KeyFile>") },
        { "xml-v2", XmlV2(Key, hashOk: true) },
        { "raw-32", Key },
        { "hex-64", Encoding.ASCII.GetBytes(Convert.ToHexString(Key)) },
        { "other", Encoding.UTF8.GetBytes("any file at all, hashed with SHA-256 ✓") },
    };

    [Theory]
    [MemberData(nameof(KeyFiles))]
    public void KeePassXc_opens_our_file_with_the_same_key_file(string form, byte[] keyFile)
    {
        using var dir = new TempDirectory();
        var db = dir.File($"{form}.kdbx");
        var keyPath = dir.File($"{form}.key");
        File.WriteAllBytes(keyPath, keyFile);
        var tree = new TransferFolder { Name = form };
        tree.Entries.Add(new TransferEntry { Title = "keyed", Password = "p" });
        var credentials = new KdbxCredentials(KdbxSamples.Password, keyFile);
        File.WriteAllBytes(db, KdbxSamples.Write(tree, KdbxSamples.Fast(), credentials));

        var listing = KeePassXcCli.Run(KdbxSamples.Password + "\n", "ls", "-k", keyPath, db).Output;

        Assert.Equal(["keyed"], KdbxOpenedByKeePassXcTests.Lines(listing));
        Assert.Equal("keyed", KdbxSamples.Read(File.ReadAllBytes(db), credentials).Root.Entries[0].Title);
        Assert.NotEqual(0, KeePassXcCli.Run(KdbxSamples.Password + "\n", allowFailure: true, "ls", db).ExitCode);
    }

    [Fact]
    public void A_key_file_alone_opens_a_database()
    {
        using var dir = new TempDirectory();
        var db = dir.File("only-key.kdbx");
        var keyPath = dir.File("only.key");
        File.WriteAllBytes(keyPath, Key);
        var tree = new TransferFolder();
        tree.Entries.Add(new TransferEntry { Title = "no password" });
        File.WriteAllBytes(db, KdbxSamples.Write(tree, KdbxSamples.Fast(), new KdbxCredentials(null, Key)));

        var listing = KeePassXcCli.Run("", "ls", "--no-password", "-k", keyPath, db).Output;

        Assert.Equal(["no password"], KdbxOpenedByKeePassXcTests.Lines(listing));
    }

    [Fact]
    public void An_xml_v2_key_file_with_a_wrong_checksum_is_refused()
    {
        var file = KdbxSamples.Write(new TransferFolder(), KdbxSamples.Fast(), new KdbxCredentials("pw", XmlV2(Key, hashOk: true)));

        var error = Assert.Throws<TransferFormatException>(
            () => KdbxSamples.Read(file, new KdbxCredentials("pw", XmlV2(Key, hashOk: false))));

        Assert.Equal(KdbxErrorCodes.WrongKey, error.Code);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Credentials_need_a_password_or_a_key_file() =>
        Assert.Throws<ArgumentException>(() => new KdbxCredentials(null));

    private static byte[] XmlV2(byte[] key, bool hashOk)
    {
        var hash = SHA256.HashData(key).AsSpan(0, 4).ToArray();
        if (!hashOk)
        {
            hash[0] ^= 1;
        }

        var hex = Convert.ToHexString(key);
        var grouped = string.Join(' ', Enumerable.Range(0, hex.Length / 8).Select(i => hex.Substring(i * 8, 8)));
        return Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="utf-8"?>
            <KeyFile>
              <Meta><Version>2.0</Version></Meta>
              <Key><Data Hash="{Convert.ToHexString(hash)}">
                {grouped}
              </Data></Key>
            </KeyFile>
            """);
    }
}
