using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;

namespace Custos.Core.Tests.Vault.KeePass;

public class KdbxLargeFileTests
{
    /// <summary>Builds a database of <paramref name="count"/> entries in 100 folders, each with a protected
    /// password, a custom field, a TOTP URI, tags and one history item.</summary>
    internal static TransferFolder LargeTree(int count)
    {
        var root = new TransferFolder { Name = "large" };
        for (int f = 0; f < 100; f++)
        {
            var folder = new TransferFolder { Name = $"folder {f}" };
            for (int i = 0; i < count / 100; i++)
            {
                var entry = new TransferEntry
                {
                    Title = $"entry {f}-{i}", UserName = $"user{i}@example.test", Password = $"pw-{f}-{i}-Xy9!",
                    Notes = "some notes about this account", Totp = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
                    Created = KdbxSamples.Utc(2024, 1, 1), Modified = KdbxSamples.Utc(2024, 6, 1),
                };
                entry.Urls.Add($"https://site{i}.example.test/login");
                entry.Fields.Add(new("PIN", $"{i:0000}", true));
                entry.Tags.AddRange(["imported", $"t{i % 7}"]);
                entry.History.Add(new TransferEntry { Title = entry.Title, Password = "older" });
                folder.Entries.Add(entry);
            }

            root.Folders.Add(folder);
        }

        return root;
    }

    /// <summary>Correctness at the size the benchmark measures (bench: Custos.Bench kdbx); speed is not asserted here.</summary>
    [Fact]
    public void Ten_thousand_entries_are_all_read_back()
    {
        var file = KdbxSamples.Write(LargeTree(10_000), KdbxSamples.Fast());

        var document = KdbxReader.Read(new MemoryStream(file), KdbxSamples.Credentials);

        Assert.Equal(10_000, document.Root.AllEntries().Count());
        Assert.Equal("pw-99-99-Xy9!", document.Root.Folders[99].Entries[99].Password);
        Assert.All(document.Root.AllEntries(), e => Assert.Single(e.History));
    }
}
