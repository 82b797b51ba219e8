using System.Xml.Linq;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;
using OtpNet;

namespace Custos.Core.Tests.Vault.KeePass;

/// <summary>Files from our writer, opened by the real keepassxc-cli.</summary>
public class KdbxOpenedByKeePassXcTests
{
    private const string Stdin = KdbxSamples.Password + "\n";

    [Theory]
    [InlineData(KdbxCipher.Aes256, KdbxKdf.Argon2id)]
    [InlineData(KdbxCipher.ChaCha20, KdbxKdf.Argon2d)]
    [InlineData(KdbxCipher.Aes256, KdbxKdf.AesKdf)]
    public void KeePassXc_shows_every_field_we_wrote(KdbxCipher cipher, KdbxKdf kdf)
    {
        using var dir = new TempDirectory();
        var db = dir.File("ours.kdbx");
        File.WriteAllBytes(db, KdbxSamples.Write(KdbxSamples.Tree(), KdbxSamples.Fast(cipher, kdf)));

        var listing = KeePassXcCli.Run(Stdin, "ls", "-R", "-f", db).Output;
        Assert.Equal(
            ["Plain", "Web/", "Web/Portal", "Web/Deep/", "Web/Deep/Deeper/", "Web/Deep/Deeper/Nested", "Empty/"],
            Lines(listing).Where(l => !l.StartsWith("Empty/[", StringComparison.Ordinal)));

        var shown = KeePassXcCli.Run(Stdin, "show", "-s", db, "Web/Portal",
            "-a", "Password", "-a", "UserName", "-a", "URL", "-a", "KP2A_URL", "-a", "KP2A_URL_1", "-a", "PIN",
            "-a", "Account", "-a", "Custos.ServiceLimitation", "-a", "otp").Output;
        var portal = KdbxSamples.Tree().Folders[0].Entries[0];
        Assert.Equal(
            [portal.Password!, "alice", .. portal.Urls, "1234", "DE00 1234", portal.ServiceLimitation!, portal.Totp!],
            Lines(shown));

        var attachment = dir.File("readme.txt");
        KeePassXcCli.Run(Stdin, "attachment-export", db, "Web/Portal", "readme.txt", attachment);
        Assert.Equal("shared attachment"u8.ToArray(), File.ReadAllBytes(attachment));
        var random = dir.File("random.bin");
        KeePassXcCli.Run(Stdin, "attachment-export", db, "Web/Portal", "random.bin", random);
        Assert.Equal(portal.Attachments[1].Content, File.ReadAllBytes(random));

        var code = Lines(KeePassXcCli.Run(Stdin, "show", "-t", db, "Web/Portal").Output).Single();
        var totp = new Totp(Base32Encoding.ToBytes("JBSWY3DPEHPK3PXP"));
        var now = DateTime.UtcNow;
        Assert.Contains(code, new[] { now.AddSeconds(-30), now, now.AddSeconds(30) }.Select(t => totp.ComputeTotp(t)));
    }

    [Fact]
    public void KeePassXc_keeps_history_times_tags_expiry_and_protection()
    {
        using var dir = new TempDirectory();
        var db = dir.File("ours.kdbx");
        File.WriteAllBytes(db, KdbxSamples.Write(KdbxSamples.Tree(), KdbxSamples.Fast()));

        var xml = XDocument.Parse(KeePassXcCli.Run(Stdin, "export", "--format", "xml", db).Output);

        Assert.Equal("Custos export", xml.Root!.Element("Root")!.Element("Group")!.Element("Name")!.Value);
        var portal = xml.Descendants("Entry").First(e => Field(e, "Title") == "Portal" && e.Parent!.Name == "Group");
        Assert.Equal(["bank", "work"], portal.Element("Tags")!.Value.Split(',', ';').Order());
        var times = portal.Element("Times")!;
        Assert.Equal("True", times.Element("Expires")!.Value);
        Assert.Equal(KdbxSamples.Utc(2030, 5, 6, 7, 8, 9), SecondsSinceYearOne(times.Element("ExpiryTime")!.Value));
        Assert.Equal(KdbxSamples.Utc(2024, 1, 2, 3, 4, 5), SecondsSinceYearOne(times.Element("CreationTime")!.Value));
        Assert.Equal(KdbxSamples.Utc(2024, 2, 3, 4, 5, 6), SecondsSinceYearOne(times.Element("LastModificationTime")!.Value));
        Assert.Equal(["PIN", "Password", "otp"], ProtectedKeys(portal));
        // KeePassXC folds CR LF to LF when it loads a database; our own round trip keeps it.
        Assert.Equal("line one\nline two\nline three & <four>", Field(portal, "Notes"));
        var history = portal.Element("History")!.Elements("Entry").ToList();
        Assert.Equal(["first password", "second password"], history.Select(h => Field(h, "Password")));
        Assert.Equal("readme.txt", history[0].Element("Binary")!.Element("Key")!.Value);
    }

    private static string? Field(XElement entry, string key) =>
        entry.Elements("String").FirstOrDefault(s => s.Element("Key")!.Value == key)?.Element("Value")!.Value;

    private static IEnumerable<string> ProtectedKeys(XElement entry) => entry.Elements("String")
        .Where(s => s.Element("Value")!.Attribute("ProtectInMemory")?.Value == "True")
        .Select(s => s.Element("Key")!.Value).Order(StringComparer.Ordinal);

    private static DateTimeOffset SecondsSinceYearOne(string base64) =>
        new(BitConverter.ToInt64(Convert.FromBase64String(base64)) * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    internal static List<string> Lines(string output) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
}
