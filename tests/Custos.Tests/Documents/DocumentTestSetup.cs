using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Custos.Tests.Vault;

namespace Custos.Tests.Documents;

/// <summary>
/// A running server (on SQLite or PostgreSQL) with tenant "Acme" and the usual cast: carol (group editors, document
/// rights Manage), dave (group writers, Write) and erin (group readers, Read); frank is in no group.
/// </summary>
public sealed class DocumentTestSetup : IAsyncDisposable
{
    private DocumentTestSetup(VaultTestSetup server, Guid tenant)
    {
        Server = server;
        Tenant = tenant;
    }

    public VaultTestSetup Server { get; }
    public Guid Tenant { get; }

    public static async Task<DocumentTestSetup> StartAsync(string kind, Func<Web.ServeOptions, Web.ServeOptions>? configure = null)
    {
        var v = await VaultTestSetup.StartAsync(kind, configure);
        await v.AddUsersAsync("carol", "dave", "erin", "frank");
        await v.AddGroupAsync("editors", "carol");
        await v.AddGroupAsync("writers", "dave");
        await v.AddGroupAsync("readers", "erin");
        await v.RunAsync("tenant", "add", "Acme");
        await v.RunAsync("tenant", "grant", "Acme", "editors", "--documents", "manage");
        await v.RunAsync("tenant", "grant", "Acme", "writers", "--documents", "write");
        await v.RunAsync("tenant", "grant", "Acme", "readers");
        return new DocumentTestSetup(v, await v.Db.ScalarGuidAsync("SELECT id FROM tenants WHERE name = 'Acme'"));
    }

    /// <summary>A client for one user's token (scopes documents:read and documents:write) on the tenant's documents.</summary>
    public async Task<DocumentClient> ConnectAsync(string user, Guid? tenant = null)
    {
        var token = await Server.TokenAsync(user, "documents:read", "documents:write");
        var http = Server.Server.NewBrowser(out _);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new DocumentClient(http, tenant ?? Tenant);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    public static byte[] RandomContent(int size) => RandomNumberGenerator.GetBytes(size);

    public static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}

/// <summary>One user's view of one tenant's documents through the HTTP API.</summary>
public sealed class DocumentClient(HttpClient http, Guid tenant) : IDisposable
{
    public HttpClient Http { get; } = http;
    public string Api { get; } = $"/api/v1/tenants/{tenant}/documents";

    public async Task<Reply> CreateFolderAsync(string name, Guid? parentId = null) =>
        await Reply.Of(await Http.PostAsJsonAsync(Api + "/folders", new { name, parentId }));

    public async Task<Guid> FolderAsync(string name, Guid? parentId = null) => (await CreateFolderAsync(name, parentId)).AssertOk().Json.GetProperty("id").GetGuid();

    public async Task<Reply> UploadAsync(Guid folder, string name, byte[] content, string mediaType = "application/pdf", string? comment = null)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Api}?folder={folder}" + (comment is null ? "" : $"&comment={Uri.EscapeDataString(comment)}"))
        {
            Content = body,
        };
        request.Headers.Add("X-Custos-File-Name", Uri.EscapeDataString(name));
        return await Reply.Of(await Http.SendAsync(request));
    }

    public async Task<Guid> UploadOkAsync(Guid folder, string name, byte[] content) =>
        (await UploadAsync(folder, name, content)).AssertOk().Json.GetProperty("id").GetGuid();

    public async Task<Reply> CheckInAsync(Guid document, byte[] content, string? comment = null)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return await Reply.Of(await Http.PostAsync($"{Api}/{document}/versions" + (comment is null ? "" : $"?comment={Uri.EscapeDataString(comment)}"), body));
    }

    public async Task<Reply> PostAsync(string path, object? body = null) => await Reply.Of(await Http.PostAsJsonAsync(Api + path, body ?? new { }));

    public async Task<Reply> GetAsync(string path) => await Reply.Of(await Http.GetAsync(Api + path));

    public async Task<Reply> DownloadAsync(Guid document, int? version = null) =>
        await Reply.Of(await Http.GetAsync($"{Api}/{document}/content" + (version is null ? "" : $"?version={version}")));

    public void Dispose() => Http.Dispose();
}
