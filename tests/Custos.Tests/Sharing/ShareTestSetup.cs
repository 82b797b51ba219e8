using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Custos.Tests.Documents;
using Custos.Tests.Infrastructure;
using Custos.Tests.Vault;

namespace Custos.Tests.Sharing;

/// <summary>
/// The document cast of <see cref="DocumentTestSetup"/> (carol manages Acme's documents, dave writes, erin reads, frank
/// has nothing) with share clients, and recipients: fresh browsers with no account that open links.
/// </summary>
public sealed partial class ShareTestSetup : IAsyncDisposable
{
    private ShareTestSetup(DocumentTestSetup documents) => Documents = documents;

    public DocumentTestSetup Documents { get; }
    public VaultTestSetup Server => Documents.Server;
    public Guid Tenant => Documents.Tenant;

    public static async Task<ShareTestSetup> StartAsync(string kind, Func<Web.ServeOptions, Web.ServeOptions>? configure = null) =>
        new(await DocumentTestSetup.StartAsync(kind, configure));

    public ValueTask DisposeAsync() => Documents.DisposeAsync();

    /// <summary>A user's token with the documents and shares scopes: Docs for uploads, Api for /shares.</summary>
    public async Task<Sender> SenderAsync(string user)
    {
        var token = await Server.TokenAsync(user, "documents:read", "documents:write", "shares");
        var http = Server.Server.NewBrowser(out _);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Sender(http, Tenant);
    }

    /// <summary>Someone outside with a browser of their own (cookies kept, redirects not followed).</summary>
    public Recipient NewRecipient() => new(Server.Server.NewBrowser(out _));

    public sealed class Sender(HttpClient http, Guid tenant) : IDisposable
    {
        public HttpClient Http { get; } = http;
        public DocumentClient Docs { get; } = new(http, tenant);
        public string Api { get; } = $"/api/v1/tenants/{tenant}/shares";

        public async Task<Reply> PostAsync(string path, object body) => await Reply.Of(await Http.PostAsJsonAsync(Api + path, body));
        public async Task<Reply> GetAsync(string path) => await Reply.Of(await Http.GetAsync(Api + path));

        /// <summary>Creates a link and returns it with what is shown once.</summary>
        public async Task<Created> ShareAsync(object body) => Created.Of((await PostAsync("", body)).AssertStatus(HttpStatusCode.Created));

        public async Task<Created> RequestAsync(object body) => Created.Of((await PostAsync("/requests", body)).AssertStatus(HttpStatusCode.Created));

        public void Dispose() => Http.Dispose();
    }

    public sealed record Created(Guid Id, string Path, string Token, string? Password, string? PackagePassword)
    {
        public static Created Of(Reply reply)
        {
            var url = new Uri(reply.Json.GetProperty("url").GetString()!);
            return new Created(reply.Json.GetProperty("share").GetProperty("id").GetGuid(), url.AbsolutePath, url.AbsolutePath.Split('/')[2],
                reply.Json.GetProperty("password").GetString(), reply.Json.GetProperty("packagePassword").GetString());
        }
    }

    public sealed partial class Recipient(HttpClient http) : IDisposable
    {
        public HttpClient Http { get; } = http;

        public async Task<Reply> GetAsync(string path, Action<HttpRequestMessage>? configure = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            configure?.Invoke(request);
            return await Reply.Of(await Http.SendAsync(request));
        }

        /// <summary>Types the password into the link's form (GET for the anti-forgery token, then POST).</summary>
        public async Task<Reply> EnterPasswordAsync(string path, string password) =>
            await Reply.Of(await TestServer.PostFormAsync(Http, path, new Dictionary<string, string> { ["password"] = password }, $"{path}?handler=password"));

        /// <summary>The file links of the share page: (name, path).</summary>
        public async Task<IReadOnlyList<(string Name, string Path)>> FilesAsync(string path)
        {
            var page = (await GetAsync(path)).AssertOk();
            return FileLink().Matches(page.Body).Select(m => (WebUtility.HtmlDecode(m.Groups[2].Value), m.Groups[1].Value)).ToList();
        }

        [GeneratedRegex("<a href=\"(/s/[^\"]+/files/[0-9a-f-]{36})\" download>([^<]*)</a>")]
        private static partial Regex FileLink();

        /// <summary>Posts files as a browser's form does (multipart/form-data, field "files").</summary>
        public async Task<Reply> UploadAsync(string path, params (string Name, byte[] Content)[] files)
        {
            using var form = new MultipartFormDataContent();
            foreach (var (name, content) in files)
            {
                var part = new ByteArrayContent(content);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, "files", name);
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}/files") { Content = form };
            request.Headers.Accept.ParseAdd("application/json");
            return await Reply.Of(await Http.SendAsync(request));
        }

        public void Dispose() => Http.Dispose();
    }
}
