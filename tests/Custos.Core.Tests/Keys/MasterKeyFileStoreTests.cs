using Custos.Core.Keys;

namespace Custos.Core.Tests.Keys;

public sealed class MasterKeyFileStoreTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("custos-keys-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Save_NewKey_OwnerOnlyAndLoadsBack()
    {
        var store = new MasterKeyFileStore(dir.FullName);
        using var key = MasterKey.Generate();
        store.Save(key);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathOf(key.Id)));
        using var loaded = store.Load(key.Id);
        Assert.Equal(key.CheckValue(), loaded.CheckValue());
    }

    [Fact]
    public void Save_ExistingId_NeverOverwrites()
    {
        var store = new MasterKeyFileStore(dir.FullName);
        using var key = MasterKey.Generate();
        store.Save(key);
        var before = File.ReadAllBytes(store.PathOf(key.Id));

        Assert.Throws<IOException>(() => store.Save(new MasterKey(key.Id, new byte[32])));
        Assert.Equal(before, File.ReadAllBytes(store.PathOf(key.Id)));
    }

    [Fact]
    public void Load_CorruptOrMissing_ClearError()
    {
        var store = new MasterKeyFileStore(dir.FullName);
        Assert.Contains("missing", Assert.Throws<KeyringException>(() => store.Load("mk-absent")).Message);
        File.WriteAllText(store.PathOf("mk-bad"), "custos-master-key-v1\nmk-bad\nnot-base64!\n");
        Assert.Contains("corrupt", Assert.Throws<KeyringException>(() => store.Load("mk-bad")).Message);
    }

    [Fact]
    public void Destroy_RemovesFile()
    {
        var store = new MasterKeyFileStore(dir.FullName);
        using var key = MasterKey.Generate();
        store.Save(key);
        store.Destroy(key.Id);
        Assert.False(store.Exists(key.Id));
    }

    [Fact]
    public void Wrap_OtherContextOrKey_FailsToUnwrap()
    {
        using var key = MasterKey.Generate();
        using var other = MasterKey.Generate();
        var wrapped = key.Wrap(new byte[32], "tenant-a|1");

        Assert.Equal(new byte[32], key.Unwrap(wrapped, "tenant-a|1"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => key.Unwrap(wrapped, "tenant-b|1"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => other.Unwrap(wrapped, "tenant-a|1"));
    }
}
