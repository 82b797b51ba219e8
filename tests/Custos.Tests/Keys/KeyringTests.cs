using Custos.Core.Audit;
using Custos.Core.Common;
using Custos.Core.Keys;
using Custos.Tests.Infrastructure;
using Custos.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Tests.Keys;

public sealed class KeyringTests
{
    private static string KeyFile(TestDatabase db) => Directory.GetFiles(Path.Combine(db.DataDirectory, "keys"), "*.key").Single();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task FirstStart_NewDataDirectory_CreatesOwnerOnlyKeyFile()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using (await TestServer.StartAsync(db))
        {
        }

        var mode = File.GetUnixFileMode(KeyFile(db));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(db.DataDirectory));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Rotate_DataWrittenBefore_ReadsBackAfterInRunningServerAndNewOne(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        var context = new FieldContext(TenantId.System.Value, "row-1", "secret", 1);
        byte[] ciphertext;
        string oldKeyFile;
        await using (var server = await TestServer.StartAsync(db))
        {
            var keyring = server.Host.Services.GetRequiredService<Keyring>();
            var dataKey = await keyring.GetDataKeyAsync(TenantId.System);
            ciphertext = FieldCipher.Encrypt(dataKey.Key, dataKey.Version, context, "s3cret value"u8);
            oldKeyFile = KeyFile(db);

            var rotation = await Cli.RunAsync(["keys", "rotate", .. Cli.DatabaseArgs(db)]);
            Assert.Equal(0, rotation.ExitCode);
            Assert.Contains("data keys re-wrapped", rotation.Output);

            // The running server keeps reading, and a tenant created after the rotation gets a key under the new master key.
            var again = await keyring.GetDataKeyAsync(TenantId.System, FieldCipher.ReadDataKeyVersion(ciphertext));
            Assert.Equal("s3cret value"u8.ToArray(), FieldCipher.Decrypt(again.Key, context, ciphertext));
        }

        Assert.False(File.Exists(oldKeyFile), "the old master key file must be destroyed after the re-wrap");
        Assert.NotEqual(oldKeyFile, KeyFile(db));
        await using (var restarted = await TestServer.StartAsync(db))
        {
            var keyring = restarted.Host.Services.GetRequiredService<Keyring>();
            var key = await keyring.GetDataKeyAsync(TenantId.System, 1);
            Assert.Equal("s3cret value"u8.ToArray(), FieldCipher.Decrypt(key.Key, context, ciphertext));
        }
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events WHERE action = 'keys.master.rotate'"));
        Assert.Equal(0, (await Cli.RunAsync(["audit", "verify", .. Cli.DatabaseArgs(db)])).ExitCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Start_WrongMasterKey_RefusesAndChangesNothing(string kind)
    {
        await using var db = await TestDatabase.CreateAsync(kind);
        await using (var server = await TestServer.StartAsync(db))
            (await server.CompleteSetupAsync()).Dispose();
        var file = KeyFile(db);
        var id = Path.GetFileNameWithoutExtension(file);
        File.Delete(file);
        // A well-formed key file with the right name but other key material.
        new MasterKeyFileStore(Path.GetDirectoryName(file)!).Save(new MasterKey(id, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var eventsBefore = await db.ScalarAsync("SELECT COUNT(*) FROM audit_events");
        var wrongKey = await File.ReadAllBytesAsync(file);

        var error = await Assert.ThrowsAsync<StartupException>(() => TestServer.StartAsync(db));

        Assert.Contains("wrong key", error.Message);
        Assert.Equal(eventsBefore, await db.ScalarAsync("SELECT COUNT(*) FROM audit_events"));
        Assert.Equal(wrongKey, await File.ReadAllBytesAsync(file));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file)!));
    }

    [Fact]
    public async Task Start_KeyFileMissing_RefusesWithoutCreatingANewKey()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using (await TestServer.StartAsync(db))
        {
        }
        var file = KeyFile(db);
        File.Delete(file);

        var error = await Assert.ThrowsAsync<StartupException>(() => TestServer.StartAsync(db));

        Assert.Contains("missing", error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!));
    }

    [Fact]
    public async Task Start_KeyFileCorrupt_RefusesWithClearMessage()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using (await TestServer.StartAsync(db))
        {
        }
        await File.WriteAllTextAsync(KeyFile(db), "garbage");

        var error = await Assert.ThrowsAsync<StartupException>(() => TestServer.StartAsync(db));

        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public async Task ServeCommand_WrongKey_ExitsOneWithMessage()
    {
        await using var db = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using (await TestServer.StartAsync(db))
        {
        }
        await File.WriteAllTextAsync(KeyFile(db), "garbage");

        var result = await Cli.RunAsync("serve", "--data", db.DataDirectory, "--https-port", FreePort.Next().ToString(), "--http-port", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("corrupt", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
