using Custos.Core.Documents.Blobs;
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

    /// <summary>Where the server keeps encrypted content: &lt;data&gt;/blobs/&lt;aa&gt;/&lt;bb&gt;/&lt;address&gt;.</summary>
    public string BlobsDirectory => Path.Combine(Server.Db.DataDirectory, "blobs");

    /// <summary>Where blobs are written until they are committed.</summary>
    public string BlobTempDirectory => Path.Combine(BlobsDirectory, "tmp");

    public string BlobPath(string address) => Path.Combine(BlobsDirectory, address[..2], address[2..4], address);

    /// <summary>
    /// Every committed blob file of documents: everything under blobs but tmp and the deletion hold's folder, and but the originals the sluice keeps in
    /// quarantine for review (each upload's, for 14 days after its verdict).
    /// </summary>
    public IReadOnlyList<string> BlobFiles()
    {
        if (!Directory.Exists(BlobsDirectory)) return [];
        HashSet<string> quarantined;
        using (var data = Server.Data())
            quarantined = data.QuarantineItems.Where(q => q.BlobAddress != null).Select(q => q.BlobAddress!).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles(BlobsDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(BlobsDirectory, f).StartsWith("tmp" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                        && !Path.GetRelativePath(BlobsDirectory, f).StartsWith(BlobDeletionHold.FolderName + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => !quarantined.Contains(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Blob files still being written (or abandoned).</summary>
    public IReadOnlyList<string> TempBlobFiles() =>
        Directory.Exists(BlobTempDirectory) ? Directory.EnumerateFiles(BlobTempDirectory).ToList() : [];

    /// <summary>Waits until no blob is being written any more (the server has finished with an interrupted upload).</summary>
    public async Task<bool> TempBlobsGoneAsync(TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (TempBlobFiles().Count > 0)
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>The blob address of one version of a document, as recorded.</summary>
    public async Task<string> BlobAddressAsync(Guid document, int version = 1)
    {
        await using var data = Server.Data();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            data.DocumentVersions.Where(v => v.DocumentId == document && v.Number == version).Select(v => v.BlobAddress));
    }

    /// <summary>How many audit events of this action and outcome there are (of one actor, about one target, if given).</summary>
    public async Task<int> AuditCountAsync(string action, Core.Audit.AuditOutcome outcome, string? actor = null, Guid? target = null)
    {
        await using var data = Server.Data();
        var events = data.AuditEvents.Where(a => a.Action == action && a.Outcome == outcome);
        if (actor is not null) events = events.Where(a => a.Actor == actor);
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(events.Select(a => a.Target));
        return target is { } t ? rows.Count(x => x?.Contains(t.ToString(), StringComparison.OrdinalIgnoreCase) == true) : rows.Count;
    }

    /// <summary>Adds users to an existing group (e.g. a second writer).</summary>
    public async Task AddToGroupAsync(string group, params string[] users)
    {
        await Server.AddUsersAsync(users);
        foreach (var user in users) await Server.RunAsync("group", "add-member", group, user);
    }

    /// <summary>A client for one user's token with exactly these scopes.</summary>
    public async Task<DocumentClient> ConnectWithScopesAsync(string user, params string[] scopes)
    {
        var token = await Server.TokenAsync(user, scopes);
        var http = Server.Server.NewBrowser(out _);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new DocumentClient(http, Tenant);
    }
}

/// <summary>One user's view of one tenant's documents through the HTTP API.</summary>
public sealed class DocumentClient(HttpClient http, Guid tenant) : IDisposable
{
    public HttpClient Http { get; } = http;
    public string Api { get; init; } = $"/api/v1/tenants/{tenant}/documents";

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

    /// <summary>The same user (same token) on another tenant's URL.</summary>
    public DocumentClient On(Guid otherTenant) => new(Http, otherTenant);

    public async Task<Reply> CreateFolderAsync(string name, Guid? parentId, Guid? projectId) =>
        await Reply.Of(await Http.PostAsJsonAsync(Api + "/folders", new { name, parentId, projectId }));

    /// <summary>An upload whose body is <paramref name="content"/> as given (streamed, failing, slow ...); the name goes percent-encoded in the header.</summary>
    public async Task<Reply> UploadContentAsync(Guid folder, string name, HttpContent content, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Api}?folder={folder}") { Content = content };
        request.Headers.Add("X-Custos-File-Name", Uri.EscapeDataString(name));
        return await Reply.Of(await Http.SendAsync(request, ct));
    }

    /// <summary>A check-in whose body is <paramref name="content"/> as given.</summary>
    public async Task<Reply> CheckInContentAsync(Guid document, HttpContent content, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Api}/{document}/versions") { Content = content };
        return await Reply.Of(await Http.SendAsync(request, ct));
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>
/// A request body streamed in 64 KiB chunks without a length (chunked), like a large file a client sends: after each
/// chunk <see cref="AfterChunk"/> may pause it, and after <see cref="FailAfter"/> bytes the client "goes away" (throws).
/// </summary>
public sealed class StreamedBody(long length) : HttpContent
{
    public const int ChunkSize = 64 * 1024;

    /// <summary>The client fails (as a dropped connection) once this many bytes are out; null: never.</summary>
    public long? FailAfter { get; init; }

    /// <summary>Called with the bytes sent so far after every chunk.</summary>
    public Func<long, Task>? AfterChunk { get; init; }

    public long Sent { get; private set; }

    /// <summary>The random 64 KiB that every chunk repeats (the body is this, over and over, cut at its length).</summary>
    public byte[] Chunk { get; } = RandomNumberGenerator.GetBytes(ChunkSize);

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        while (Sent < length)
        {
            var n = (int)Math.Min(ChunkSize, length - Sent);
            await stream.WriteAsync(Chunk.AsMemory(0, n), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            Sent += n;
            if (AfterChunk is not null) await AfterChunk(Sent);
            if (FailAfter is { } limit && Sent >= limit) throw new IOException("The client went away half-way through the upload.");
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
