using System.Security.Cryptography;
using Custos.Core.Documents.Blobs;

namespace Custos.Core.Tests.Documents.Blobs;

/// <summary>While a backup reads the blob store in place, deletions wait for it; nothing they defer is lost or kept for good.</summary>
public sealed class BlobDeletionHoldTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("custos-hold-");
    private readonly LocalBlobStore store;

    public BlobDeletionHoldTests() => store = new LocalBlobStore(Path.Combine(dir.FullName, "blobs"));

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task DuringAHold_DeletionsWait_AndAreCarriedOutWhenItEnds_ButContentStoredAgainIsKept()
    {
        var a = await StoreAsync(unique: true, 1);
        var b = await StoreAsync(unique: true, 2);
        var c = await StoreAsync(unique: false, 3);

        var hold = await BlobDeletionHold.BeginAsync(store.Root, CancellationToken.None);
        Assert.True(BlobDeletionHold.IsOn(store.Root));
        Assert.True(await store.DeleteAsync(a));
        Assert.False(await store.DeleteAsync(a)); // already deleted, as far as anyone asks
        Assert.False(await store.DeleteAsync(new string('e', 64)));
        Assert.True(await store.DeleteAsync(c));
        Assert.True(await store.ExistsAsync(a) && await store.ExistsAsync(c), "a deleted blob left the store while the backup reads it");
        Assert.Equal(c, await StoreAsync(unique: false, 3)); // the same content stored again: no longer to be deleted

        await hold.EndAsync();
        Assert.False(BlobDeletionHold.IsOn(store.Root));
        Assert.False(await store.ExistsAsync(a));
        Assert.True(await store.ExistsAsync(b));
        Assert.True(await store.ExistsAsync(c));
        Assert.True(await store.DeleteAsync(b)); // no hold: at once
        Assert.False(await store.ExistsAsync(b));
        Assert.Equal([c], await ListAsync());
    }

    [Fact]
    public async Task AHoldLeftOnByAKilledRun_IsEndedByTheNextOneOrByTheSchedulersCleanUp()
    {
        var a = await StoreAsync(unique: true, 1);
        var b = await StoreAsync(unique: true, 2);
        _ = await BlobDeletionHold.BeginAsync(store.Root, CancellationToken.None); // never ended: the process died
        Assert.True(await store.DeleteAsync(a));

        var next = await BlobDeletionHold.BeginAsync(store.Root, CancellationToken.None);
        Assert.False(await store.ExistsAsync(a)); // carried out before the new hold began
        Assert.True(await store.DeleteAsync(b));
        Assert.True(await store.ExistsAsync(b));
        // Its run killed too: the clean-up (which holds the run lock) ends it.
        await BlobDeletionHold.EndStaleAsync(store.Root, CancellationToken.None);
        Assert.False(await store.ExistsAsync(b));
        Assert.False(BlobDeletionHold.IsOn(store.Root));
        await next.EndAsync(); // ending twice is harmless
    }

    [Fact]
    public async Task ADeletion_WaitsWhileAHoldBeginsOrEnds_InAnotherProcess()
    {
        var a = await StoreAsync(unique: true, 1);
        await (await BlobDeletionHold.BeginAsync(store.Root, CancellationToken.None)).EndAsync(); // the folder and its lock file exist
        Task<bool> deleting;
        // What another process's hold holds while it begins or ends: the lock file, alone.
        await using (new FileStream(Path.Combine(store.Root, BlobDeletionHold.FolderName, "lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            deleting = store.DeleteAsync(a);
            await Task.Delay(300);
            Assert.False(deleting.IsCompleted, "a deletion went ahead while a hold was beginning");
            Assert.True(await store.ExistsAsync(a));
        }
        Assert.True(await deleting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await store.ExistsAsync(a));
    }

    private async Task<string> StoreAsync(bool unique, int seed)
    {
        var content = new byte[10_000 + seed];
        new Random(seed).NextBytes(content);
        await using var writer = unique ? await store.CreateUniqueAsync() : await store.CreateAsync();
        await writer.Stream.WriteAsync(content);
        var info = await writer.CommitAsync();
        if (!unique) Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), info.Address);
        return info.Address;
    }

    private async Task<List<string>> ListAsync()
    {
        var all = new List<string>();
        await foreach (var blob in store.ListAsync()) all.Add(blob.Address);
        return all;
    }
}
