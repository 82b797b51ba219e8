using System.Net;
using System.Security.Cryptography;
using System.Text;
using Custos.Core.Vault.Transfer;
using Custos.Core.Vault.Transfer.KeePass;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>
/// A KeePass file locked with password and key file, imported through the HTTP API: the key file travels as the
/// multipart part "keyFile". Only the right pair opens it; anything else is refused as a wrong key and leaves nothing behind.
/// </summary>
public sealed class VaultKeePassKeyFileImportTests
{
    private const string FilePassword = "file-passphrase";

    /// <summary>Fast KDF for files the tests write, as in <see cref="VaultTransferTests"/>.</summary>
    private static readonly KdbxWriteOptions FastKdf = new() { Argon2MemoryBytes = 1 << 20, Argon2Iterations = 1, Argon2Parallelism = 1 };

    /// <summary>A version 2.0 XML key file as KeePass and KeePassXC create them: 32 random bytes in hex, with the
    /// first 4 bytes of their SHA-256 as checksum.</summary>
    private static byte[] XmlKeyFile(byte[]? key = null, string? hash = null)
    {
        key ??= RandomNumberGenerator.GetBytes(32);
        hash ??= Convert.ToHexString(SHA256.HashData(key).AsSpan(0, 4));
        var hex = Convert.ToHexString(key);
        var groups = string.Join(' ', Enumerable.Range(0, hex.Length / 8).Select(i => hex.Substring(i * 8, 8)));
        return Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="utf-8"?>
            <KeyFile>
              <Meta><Version>2.0</Version></Meta>
              <Key><Data Hash="{hash}">{groups}</Data></Key>
            </KeyFile>
            """);
    }

    private static MultipartFormDataContent ImportForm(byte[] kdbx, string? password, byte[]? keyFile)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(kdbx), "file", "customer.kdbx" },
            { new StringContent("kdbx"), "format" },
            { new StringContent("Customer"), "folderName" },
            { new StringContent("[]"), "permissions" },
        };
        if (password is not null) form.Add(new StringContent(password), "password");
        if (keyFile is not null) form.Add(new ByteArrayContent(keyFile), "keyFile", "customer.keyx");
        return form;
    }

    private static async Task<(int Folders, int Entries, int Imports)> CountAsync(VaultTestSetup v)
    {
        await using var data = v.Data();
        return (await data.VaultFolders.CountAsync(), await data.VaultEntries.CountAsync(),
            await data.AuditEvents.CountAsync(a => a.Action == "vault.import" && a.Outcome == Core.Audit.AuditOutcome.Success));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task KdbxWithKeyFile_ImportsWithBoth_RefusesAnyOtherKeyAndImportsNothing(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var erin = await v.ConnectAsync("erin", tenant);

        var password = VaultTestSetup.NewSecret("switch");
        var source = new TransferFolder { Name = "Customer" };
        var sw = new TransferEntry { Title = "Core switch", UserName = "netadmin", Password = password, Notes = "rack 4" };
        sw.Urls.Add("https://switch.customer.test");
        source.Entries.Add(sw);
        var keyBytes = RandomNumberGenerator.GetBytes(32);
        var keyFile = XmlKeyFile(keyBytes);
        using var file = new MemoryStream();
        KdbxWriter.Write(source, file, new KdbxCredentials(FilePassword, keyFile), FastKdf);
        var kdbx = file.ToArray();

        var before = await CountAsync(v);
        foreach (var (what, pw, key) in new (string, string?, byte[]?)[]
                 {
                     ("another key file", FilePassword, XmlKeyFile()),
                     ("a raw 32-byte key file", FilePassword, RandomNumberGenerator.GetBytes(32)),
                     ("no key file", FilePassword, null),
                     ("the key file without the password", null, keyFile),
                     ("the key file with a wrong password", "not-the-passphrase", keyFile),
                 })
        {
            var refused = (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, pw, key))).AssertStatus(HttpStatusCode.UnprocessableEntity);
            Assert.True(refused.Code == KdbxErrorCodes.WrongKey, $"{what}: {refused}");
            Assert.False(string.IsNullOrWhiteSpace(refused.Json.GetProperty("title").GetString()), $"{what}: the refusal says nothing");
            Assert.DoesNotContain(password, refused.Body);
        }

        // Neither password nor key file: a clear refusal, not a server error.
        (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, null, null))).AssertStatus(HttpStatusCode.UnprocessableEntity, "kdbx.key-required");

        // A key file whose checksum does not match its data is damaged, and the message says so.
        var damaged = (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, FilePassword, XmlKeyFile(keyBytes, "00000000"))))
            .AssertStatus(HttpStatusCode.UnprocessableEntity, KdbxErrorCodes.WrongKey);
        Assert.Contains("key file", damaged.Json.GetProperty("title").GetString());
        Assert.Equal(before, await CountAsync(v));

        var report = (await carol.SendAsync(HttpMethod.Post, "/import", ImportForm(kdbx, FilePassword, keyFile))).AssertOk().Json;
        Assert.Equal(1, report.GetProperty("entries").GetInt32());
        Assert.Equal((before.Folders + 1, before.Entries + 1, before.Imports + 1), await CountAsync(v));
        var folder = report.GetProperty("folderId").GetGuid();
        var imported = Assert.Single((await erin.GetAsync($"/entries?folder={folder}")).AssertOk().Json.EnumerateArray());
        Assert.Equal("Core switch", imported.GetProperty("title").GetString());
        Assert.Equal("netadmin", imported.GetProperty("userName").GetString());
        Assert.Equal("https://switch.customer.test", Assert.Single(imported.GetProperty("urls").EnumerateArray()).GetString());
        var id = imported.GetProperty("id").GetGuid();
        Assert.Equal(password, await erin.RevealValueAsync(id));
        Assert.Equal("rack 4", await erin.RevealValueAsync(id, "notes"));
    }
}
