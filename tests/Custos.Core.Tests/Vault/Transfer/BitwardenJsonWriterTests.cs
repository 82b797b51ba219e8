using System.Text.Json;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.Bitwarden;
using static Custos.Core.Tests.Vault.Transfer.TransferTestData;

namespace Custos.Core.Tests.Vault.Transfer;

public sealed class BitwardenJsonWriterTests
{
    private static readonly DateTimeOffset Created = new(2021, 2, 3, 4, 5, 6, 789, TimeSpan.Zero);
    private static readonly DateTimeOffset Modified = new(2024, 7, 8, 9, 10, 11, 120, TimeSpan.Zero);

    private static TransferFolder SampleTree()
    {
        var root = new TransferFolder { Name = "Firma" };
        var mail = new TransferEntry
        {
            SourceId = Guid.Parse("11111111-2222-4333-8444-555555555555"),
            Title = "Mail <Exchange> & Co",
            UserName = "bob@example.com",
            Password = "=Ünïcödé\"quoted\"\n2nd line",
            Notes = "Line 1\r\nLine 2",
            Totp = "otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PXP",
            Expires = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(1)),
            Created = Created,
            Modified = Modified,
            ServiceLimitation = "The portal accepts 16 characters at most.",
        };
        mail.Urls.AddRange(["https://mail.example.com", "https://owa.example.com"]);
        mail.Fields.AddRange([new("Customer number", "4711", false), new("PIN", "0000", true)]);
        mail.Tags.AddRange(["Favorite", "work", "mail"]);
        mail.History.Add(new TransferEntry { Title = mail.Title, Password = "first", Modified = Created });
        mail.History.Add(new TransferEntry { Title = mail.Title, Password = "first", Modified = Created.AddDays(1) });
        mail.History.Add(new TransferEntry { Title = mail.Title, Password = "second", Modified = Created.AddDays(30) });

        FolderOf(root, "Work", "Servers").Entries.Add(mail);
        FolderOf(root, "Empty");
        root.Entries.Add(new TransferEntry { Title = "At the top", Password = "-top" });
        return root;
    }

    private static TransferFolder FolderOf(TransferFolder root, params string[] path)
    {
        TransferFolder folder = root;
        foreach (string name in path)
        {
            var child = new TransferFolder { Name = name };
            folder.Folders.Add(child);
            folder = child;
        }

        return folder;
    }

    private static (TransferDocument Read, IReadOnlyList<TransferSkip> WriteSkips, byte[] Json) RoundTrip(TransferFolder tree)
    {
        using var output = new MemoryStream();
        IReadOnlyList<TransferSkip> skips = BitwardenJsonWriter.Write(tree, output);
        byte[] json = output.ToArray();
        return (BitwardenJsonReader.Read(new MemoryStream(json)), skips, json);
    }

    [Fact]
    public void WriteThenRead_KeepsEveryFieldBitwardenCanHold()
    {
        TransferFolder tree = SampleTree();
        TransferEntry original = tree.Folders[0].Folders[0].Entries[0];

        TransferDocument read = RoundTrip(tree).Read;

        TransferEntry mail = Entry(Folder(read.Root, "Work", "Servers"), original.Title);
        AssertSameEntry(original, mail);
        Assert.Equal(original.SourceId, mail.SourceId);
        Assert.Equal("-top", Entry(read.Root, "At the top").Password);
        Assert.Empty(Folder(read.Root, "Empty").Entries);
        Assert.Empty(read.Skipped);
    }

    [Fact]
    public void WriteThenRead_HistoryKeepsEachReplacedPasswordWithItsDate()
    {
        TransferDocument read = RoundTrip(SampleTree()).Read;

        TransferEntry mail = Folder(read.Root, "Work", "Servers").Entries[0];
        Assert.Equal(["first", "second"], mail.History.Select(version => version.Password));
        Assert.Equal([Created.AddDays(1), Created.AddDays(30)], mail.History.Select(version => version.Modified));
    }

    [Fact]
    public void Write_ProducesBitwardenIndividualExportShape()
    {
        using JsonDocument json = JsonDocument.Parse(RoundTrip(SampleTree()).Json);
        JsonElement export = json.RootElement;

        Assert.False(export.GetProperty("encrypted").GetBoolean());
        Assert.Equal(["Work", "Work/Servers", "Empty"],
            export.GetProperty("folders").EnumerateArray().Select(folder => folder.GetProperty("name").GetString()));
        JsonElement item = export.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "Mail <Exchange> & Co");
        Assert.Equal(1, item.GetProperty("type").GetInt32());
        Assert.True(item.GetProperty("favorite").GetBoolean());
        Assert.Equal("2024-07-08T09:10:11.120Z", item.GetProperty("revisionDate").GetString());
        Assert.Equal("https://mail.example.com", item.GetProperty("login").GetProperty("uris")[0].GetProperty("uri").GetString());
        Assert.Equal(1, item.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "PIN").GetProperty("type").GetInt32());
        Assert.Equal("second", item.GetProperty("passwordHistory")[0].GetProperty("password").GetString());
    }

    [Fact]
    public void Write_ReportsAttachmentsAndFolderNotes()
    {
        TransferFolder tree = SampleTree();
        tree.Folders[0].Notes = "Team folder";
        tree.Entries[0].Attachments.Add(new TransferAttachment("key.pem", [1, 2, 3]));

        IReadOnlyList<TransferSkip> skips = RoundTrip(tree).WriteSkips;

        Assert.Equal(["Work", "At the top"], skips.Select(skip => skip.Path));
    }
}
