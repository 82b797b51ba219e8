using System.Net;
using System.Security.Cryptography;
using Custos.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Custos.Tests.Vault;

/// <summary>Files on entries: sealed at rest, downloaded only by Read holders (and recorded), at most 10 MiB.</summary>
public sealed class VaultAttachmentTests
{
    private static MultipartFormDataContent File(byte[] content, string name) =>
        new() { { new ByteArrayContent(content), "file", name } };

    [Theory]
    [MemberData(nameof(TestDatabase.Both), MemberType = typeof(TestDatabase))]
    public async Task Attachments_AreSealed_ReadHoldersDownloadThem_AndTheLimitIsTenMebibytes(string kind)
    {
        await using var v = await VaultTestSetup.StartAsync(kind);
        var tenant = await v.StandardTenantAsync();
        var carol = await v.ConnectAsync("carol", tenant);
        var dave = await v.ConnectAsync("dave", tenant);
        var erin = await v.ConnectAsync("erin", tenant);
        var folder = await carol.CreateFolderAsync("Servers");
        var entry = await carol.CreateEntryAsync(folder, "Web server", VaultTestSetup.NewSecret());

        var marker = "-----BEGIN PRIVATE KEY----- " + Guid.NewGuid().ToString("N");
        var content = System.Text.Encoding.UTF8.GetBytes(marker).Concat(RandomNumberGenerator.GetBytes(2000)).ToArray();
        // The name is a file name, never a path.
        var added = (await carol.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments", File(content, "../../keys/server.pem"))).AssertOk().Json;
        var id = added.GetProperty("id").GetGuid();
        Assert.Equal("server.pem", added.GetProperty("name").GetString());
        Assert.Equal(content.Length, added.GetProperty("size").GetInt64());
        var shown = (await dave.GetAsync($"/entries/{entry}")).AssertOk().Json.GetProperty("attachments");
        Assert.Equal("server.pem", Assert.Single(shown.EnumerateArray()).GetProperty("name").GetString());

        var download = (await erin.GetAsync($"/entries/{entry}/attachments/{id}")).AssertOk();
        Assert.Equal(content, download.Bytes);
        Assert.Equal("server.pem", download.Response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var refused = (await dave.GetAsync($"/entries/{entry}/attachments/{id}")).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        Assert.DoesNotContain(marker, refused.Body);
        // Uploading needs Modify.
        (await erin.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments", File([1, 2, 3], "x.bin"))).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");

        // Exactly 10 MiB is allowed, one byte more is not.
        var limit = 10 * 1024 * 1024;
        var big = new byte[limit];
        RandomNumberGenerator.Fill(big.AsSpan(0, 4096));
        var bigId = (await carol.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments", File(big, "big.bin"))).AssertOk().Json.GetProperty("id").GetGuid();
        Assert.Equal(big, (await erin.GetAsync($"/entries/{entry}/attachments/{bigId}")).AssertOk().Bytes);
        var tooBig = new byte[limit + 1];
        (await carol.SendAsync(HttpMethod.Post, $"/entries/{entry}/attachments", File(tooBig, "too-big.bin")))
            .AssertStatus(HttpStatusCode.RequestEntityTooLarge, "vault.attachment_too_large");

        await using (var data = v.Data())
        {
            var stored = await data.VaultAttachments.SingleAsync(a => a.Id == id);
            Assert.NotEqual(content, stored.Content);
            Assert.DoesNotContain(marker, System.Text.Encoding.UTF8.GetString(stored.Content));
            Assert.Equal(SHA256.HashData(content), stored.Sha256);
            Assert.Equal(new[] { "big.bin", "server.pem" }, (await data.VaultAttachments.Select(a => a.Name).ToListAsync()).Order());
            Assert.Equal(new[] { "attachment:big.bin", "attachment:server.pem" },
                (await data.VaultReveals.Select(r => r.Field).ToListAsync()).Order());
        }

        // Removing needs Modify too; afterwards the file is gone.
        (await erin.DeleteAsync($"/entries/{entry}/attachments/{id}")).AssertStatus(HttpStatusCode.Forbidden, "vault.forbidden");
        (await carol.DeleteAsync($"/entries/{entry}/attachments/{id}")).AssertOk();
        (await erin.GetAsync($"/entries/{entry}/attachments/{id}")).AssertStatus(HttpStatusCode.NotFound, "vault.not_found");
    }
}
