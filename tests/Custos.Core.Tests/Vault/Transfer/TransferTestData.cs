using System.Text;
using Custos.Core.Vault.Transfer;

namespace Custos.Core.Tests.Vault.Transfer;

/// <summary>Streams and comparisons shared by the transfer tests.</summary>
internal static class TransferTestData
{
    public static MemoryStream Utf8(string text, bool byteOrderMark = false) =>
        new([.. (byteOrderMark ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)]);

    public static TransferFolder Folder(TransferFolder root, params string[] path)
    {
        TransferFolder folder = root;
        foreach (string name in path)
        {
            folder = Assert.Single(folder.Folders, child => child.Name == name);
        }

        return folder;
    }

    public static TransferEntry Entry(TransferFolder folder, string title) =>
        Assert.Single(folder.Entries, entry => entry.Title == title);

    /// <summary>Every field an exporter must carry, history and attachments aside.</summary>
    public static void AssertSameEntry(TransferEntry expected, TransferEntry actual)
    {
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.UserName, actual.UserName);
        Assert.Equal(expected.Password, actual.Password);
        Assert.Equal(expected.Urls, actual.Urls);
        Assert.Equal(expected.Notes, actual.Notes);
        Assert.Equal(expected.Totp, actual.Totp);
        Assert.Equal(expected.Fields, actual.Fields);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Expires, actual.Expires);
        Assert.Equal(expected.Created, actual.Created);
        Assert.Equal(expected.Modified, actual.Modified);
        Assert.Equal(expected.ServiceLimitation, actual.ServiceLimitation);
    }
}
