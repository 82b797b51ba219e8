using System.Runtime.Versioning;
using System.Security.Cryptography;
using Custos.Core.Documents.Blobs;

namespace Custos.Core.Tests.Documents.Blobs;

public sealed class LocalBlobStoreTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("custos-blobs-");
    private readonly LocalBlobStore store;

    public LocalBlobStoreTests() => store = new LocalBlobStore(Path.Combine(dir.FullName, "blobs"));

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task CommitAsync_TwentyMiBInOddChunks_AddressIsSha256AndReadsBack()
    {
        var content = Content(seed: 1, 20 * 1024 * 1024);
        int[] chunks = [1, 7, 4093, 65_537, 1_000_003, 13];

        BlobInfo info;
        await using (var writer = await store.CreateAsync())
        {
            for (int offset = 0, i = 0; offset < content.Length; i++)
            {
                var size = Math.Min(chunks[i % chunks.Length], content.Length - offset);
                await writer.Stream.WriteAsync(content.AsMemory(offset, size));
                offset += size;
            }
            info = await writer.CommitAsync();
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), info.Address);
        Assert.Equal(content.Length, info.Length);
        Assert.True(File.Exists(Path.Combine(store.Root, info.Address[..2], info.Address[2..4], info.Address)));
        await using var read = await store.OpenReadAsync(info.Address);
        Assert.NotNull(read);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
        Assert.Empty(Directory.GetFiles(store.TempDirectory));
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_LeavesNothing()
    {
        await using (var writer = await store.CreateAsync())
        {
            await writer.Stream.WriteAsync(Content(seed: 2, 100_000));
            await writer.Stream.FlushAsync();
            Assert.Single(Directory.GetFiles(store.TempDirectory));
        }

        Assert.Empty(Directory.GetFiles(store.TempDirectory));
        Assert.Empty(await List());
        Assert.Equal([store.TempDirectory], Directory.GetFileSystemEntries(store.Root));
    }

    [Fact]
    public async Task CommitAsync_SameContentTwice_OneBlob()
    {
        var content = Content(seed: 3, 300_000);

        var first = await Store(content);
        var second = await Store(content);

        Assert.Equal(first, second);
        Assert.Equal([first], await List());
        Assert.Empty(Directory.GetFiles(store.TempDirectory));
    }

    [Fact]
    public async Task CommitAsync_CalledTwice_SameBlobAndStreamClosed()
    {
        await using var writer = await store.CreateAsync();
        await writer.Stream.WriteAsync(Content(seed: 4, 10));

        var first = await writer.CommitAsync();

        Assert.Equal(first, await writer.CommitAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.Stream.WriteAsync(new byte[1]).AsTask());
    }

    [Fact]
    public async Task CommitAsync_StreamDisposedByWrapper_StillCommits()
    {
        var content = Content(seed: 5, 70_000);
        await using var writer = await store.CreateAsync();
        // A wrapping stream (the segmented encryptor by default) disposes the stream it wrote to.
        await using (var wrapper = new BufferedStream(writer.Stream, 4096))
            await wrapper.WriteAsync(content);

        var info = await writer.CommitAsync();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), info.Address);
        Assert.Equal(content, await Read(info.Address));
    }

    [Fact]
    public async Task CommitAsync_EmptyBlob_StoredUnderHashOfNothing()
    {
        await using var writer = await store.CreateAsync();

        var info = await writer.CommitAsync();

        Assert.Equal(new BlobInfo(Convert.ToHexStringLower(SHA256.HashData([])), 0), info);
        Assert.Empty(await Read(info.Address));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555")]
    [InlineData("../../../../../../../../../../../../../../../../../../etc/passwd.")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 ")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/")]
    public async Task Operations_MalformedAddress_ArgumentException(string address)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.OpenReadAsync(address));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ExistsAsync(address));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.DeleteAsync(address));
    }

    [Fact]
    public async Task Operations_MissingBlob_NullOrFalse()
    {
        var absent = Convert.ToHexStringLower(SHA256.HashData("absent"u8));

        Assert.Null(await store.OpenReadAsync(absent));
        Assert.False(await store.ExistsAsync(absent));
        Assert.False(await store.DeleteAsync(absent));
    }

    [Fact]
    public async Task DeleteAsync_CommittedBlob_GoneAndSecondDeleteFalse()
    {
        var info = await Store(Content(seed: 6, 1000));
        await using var openReader = await store.OpenReadAsync(info.Address);

        Assert.True(await store.DeleteAsync(info.Address));

        Assert.False(await store.ExistsAsync(info.Address));
        Assert.Null(await store.OpenReadAsync(info.Address));
        Assert.False(await store.DeleteAsync(info.Address));
        Assert.Empty(await List());
        Assert.Empty(Directory.GetFiles(store.TempDirectory));
    }

    [Fact]
    public async Task DeleteAsync_ConcurrentDeletesOfOneBlob_ExactlyOneTrue()
    {
        var info = await Store(Content(seed: 7, 1000));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.DeleteAsync(info.Address))));

        Assert.Single(results, deleted => deleted);
    }

    [Fact]
    public async Task ListAsync_CommittedAndUncommitted_ListsExactlyCommittedWithLengths()
    {
        var committed = new List<BlobInfo>();
        foreach (var length in new[] { 0, 1, 4096, 100_001 })
            committed.Add(await Store(Content(seed: length, length)));
        await using var pending = await store.CreateAsync();
        await pending.Stream.WriteAsync(Content(seed: 8, 5000));
        await pending.Stream.FlushAsync();
        // Something that is not a blob in a fan-out folder (an operator's stray file) is not listed either.
        var a = committed[1].Address;
        await File.WriteAllTextAsync(Path.Combine(store.Root, a[..2], a[2..4], "notes.txt"), "x");

        var listed = await List();

        Assert.Equal(committed.OrderBy(b => b.Address), listed.OrderBy(b => b.Address));
    }

    [Fact]
    public async Task RemoveAbandonedAsync_OldAndFreshTemporaries_RemovesOnlyOld()
    {
        // Left behind by a killed process: no writer holds them any more.
        var old = Path.Combine(store.TempDirectory, "0123456789abcdef0123456789abcdef.tmp");
        var fresh = Path.Combine(store.TempDirectory, "fedcba9876543210fedcba9876543210.tmp");
        await File.WriteAllBytesAsync(old, Content(seed: 9, 100));
        await File.WriteAllBytesAsync(fresh, Content(seed: 10, 100));
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - TimeSpan.FromHours(2));
        await using var live = await store.CreateAsync();
        await live.Stream.WriteAsync(Content(seed: 11, 100));
        await live.Stream.FlushAsync();

        var removed = await store.RemoveAbandonedAsync(TimeSpan.FromHours(1));

        Assert.Equal(1, removed);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        var info = await live.CommitAsync();
        Assert.True(await store.ExistsAsync(info.Address));
    }

    [Fact]
    public async Task CommitAsync_SixteenConcurrentWriters_AllCommittedAndReadable()
    {
        // 16 writers over 12 contents: four pairs race to commit the same address.
        var contents = Enumerable.Range(0, 12).Select(i => Content(seed: 100 + i, 500_000 + i * 7919)).ToArray();
        var reference = await Store(contents[0]);

        var infos = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var content = contents[i % contents.Length];
            await using var writer = await store.CreateAsync();
            for (var offset = 0; offset < content.Length; offset += 65_521)
            {
                await writer.Stream.WriteAsync(content.AsMemory(offset, Math.Min(65_521, content.Length - offset)));
                // Readers run alongside the writers.
                if (offset % (65_521 * 4) == 0) Assert.Equal(contents[0], await Read(reference.Address));
            }
            return await writer.CommitAsync();
        })));

        for (var i = 0; i < infos.Length; i++)
        {
            var content = contents[i % contents.Length];
            Assert.Equal(new BlobInfo(Convert.ToHexStringLower(SHA256.HashData(content)), content.Length), infos[i]);
            Assert.Equal(content, await Read(infos[i].Address));
        }
        Assert.Equal(contents.Length, (await List()).Count);
        Assert.Empty(Directory.GetFiles(store.TempDirectory));
    }

    [Fact]
    public async Task Stream_SixtyFourMiB_AllocatesNoBlobSizedBuffer()
    {
        var chunk = Content(seed: 12, 1024 * 1024);
        await using var writer = await store.CreateAsync();

        // Synchronous writes keep the work on this thread, so its allocation counter sees all of it.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 64; i++) writer.Stream.Write(chunk);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 256 * 1024, $"{allocated} bytes allocated for a 64 MiB blob");
        Assert.Equal(64L * 1024 * 1024, (await writer.CommitAsync()).Length);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task CommitAsync_OnUnix_OwnerOnlyFilesAndDirectories()
    {
        const UnixFileMode ownerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        await using var pending = await store.CreateAsync();
        await pending.Stream.FlushAsync();
        var info = await Store(Content(seed: 13, 1000));

        var path = store.PathOf(info.Address);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Directory.GetFiles(store.TempDirectory).Single()));
        Assert.Equal(ownerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(ownerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(Path.GetDirectoryName(path))!));
        Assert.Equal(ownerOnlyDirectory, File.GetUnixFileMode(store.TempDirectory));
        Assert.Equal(ownerOnlyDirectory, File.GetUnixFileMode(store.Root));
    }

    [Fact]
    public async Task CreateUniqueAsync_SameContentTwice_TwoBlobsUnderRandomAddresses()
    {
        var content = Content(seed: 20, 300_000);

        var first = await StoreUnique(content);
        var second = await StoreUnique(content);

        Assert.NotEqual(first.Address, second.Address);
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(content)), first.Address);
        Assert.True(LocalBlobStore.IsAddress(first.Address) && LocalBlobStore.IsAddress(second.Address));
        Assert.Equal(content.Length, first.Length);
        Assert.Equal(content, await Read(first.Address));
        Assert.Equal(content, await Read(second.Address));
        Assert.Equal(2, (await List()).Count);
        Assert.Empty(Directory.GetFiles(store.TempDirectory));
    }

    [Fact]
    public async Task CreateUniqueAsync_ManySmallBlobs_ShareFanOutDirectories()
    {
        var infos = new List<BlobInfo>();
        for (var i = 0; i < 50; i++) infos.Add(await StoreUnique(Content(seed: 30 + i, 100)));

        // One fan-out directory (created and fsynced once) for a run of up to BlobsPerFanOut blobs, not one each.
        Assert.True(infos.Select(b => b.Address[..4]).Distinct().Count() <= 2);
        Assert.Equal(infos.Select(b => b.Address).Order(), (await List()).Select(b => b.Address).Order());
    }

    [Fact]
    public async Task CreateUniqueAsync_LargerThanSeveralWriteBackWindows_CommitsExactlyWhatWasWritten()
    {
        // Crosses the write-back window (the kernel is asked to start writing back) more than twice, in odd chunks.
        var length = (int)(2 * LocalBlobStore.WriteBackWindow + 12_345);
        var chunk = Content(seed: 40, 1_000_003);
        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        BlobInfo info;
        await using (var writer = await store.CreateUniqueAsync())
        {
            for (var written = 0; written < length;)
            {
                var n = Math.Min(chunk.Length, length - written);
                await writer.Stream.WriteAsync(chunk.AsMemory(0, n));
                expected.AppendData(chunk, 0, n);
                written += n;
            }
            info = await writer.CommitAsync();
        }

        Assert.Equal(length, info.Length);
        await using var read = await store.OpenReadAsync(info.Address);
        Assert.Equal(expected.GetHashAndReset(), await SHA256.HashDataAsync(read!));
        Assert.Empty(Directory.GetFiles(store.TempDirectory));
    }

    [Fact]
    public async Task CreateUniqueAsync_DisposedWithoutCommit_LeavesNothing()
    {
        await using (var writer = await store.CreateUniqueAsync())
        {
            await writer.Stream.WriteAsync(Content(seed: 50, 100_000));
            await writer.Stream.FlushAsync();
        }

        Assert.Empty(Directory.GetFiles(store.TempDirectory));
        Assert.Empty(await List());
    }

    private async Task<BlobInfo> StoreUnique(byte[] content)
    {
        await using var writer = await store.CreateUniqueAsync();
        await writer.Stream.WriteAsync(content);
        return await writer.CommitAsync();
    }

    private static byte[] Content(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<BlobInfo> Store(byte[] content)
    {
        await using var writer = await store.CreateAsync();
        await writer.Stream.WriteAsync(content);
        return await writer.CommitAsync();
    }

    private async Task<byte[]> Read(string address)
    {
        await using var stream = await store.OpenReadAsync(address) ?? throw new FileNotFoundException(address);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<List<BlobInfo>> List()
    {
        var list = new List<BlobInfo>();
        await foreach (var info in store.ListAsync()) list.Add(info);
        return list;
    }
}
